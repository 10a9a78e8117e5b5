"""The body map with a finger on a phone: every tap target is large enough, none overlaps
another, each shows its name, and a tap anywhere on a target opens its point or its chooser."""

import pytest
from playwright.sync_api import expect

from points.body_map import NARROWEST_FIGURE_PX

pytestmark = pytest.mark.browser

MAP_PAGES = {"home": "/", "index": "/points/", "point": "/points/bl23-shenshu/"}


@pytest.fixture
def phone(browser):
    """Open a page on a touch phone `width` CSS px wide."""
    contexts = []

    def open_page(url, width):
        context = browser.new_context(
            viewport={"width": width, "height": 800}, has_touch=True, is_mobile=True
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        return page

    yield open_page
    for context in contexts:
        context.close()


def target_boxes(page):
    """[{points, repeat, x, y, width, height}] of every tap target on the map, in CSS px."""
    return page.locator(".marker").evaluate_all(
        """links => links.map(link => {
            const box = link.querySelector('.marker__target').getBoundingClientRect();
            return {points: link.dataset.points, href: link.getAttribute('href'),
                    label: link.querySelector('.marker__label').textContent,
                    x: box.x, y: box.y + window.scrollY, width: box.width, height: box.height};
        })"""
    )


def overlap(a, b):
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize("width", [320, 360, 390, 430])
@pytest.mark.parametrize("page_name", MAP_PAGES)
def test_every_target_is_finger_sized_and_none_overlaps(phone, demo_site, page_name, width):
    page = phone(demo_site + MAP_PAGES[page_name], width)
    boxes = target_boxes(page)

    assert boxes
    for box in boxes:
        assert min(box["width"], box["height"]) >= 24, box
    overlapping = [
        (a["label"], b["label"])
        for index, a in enumerate(boxes)
        for b in boxes[index + 1 :]
        if overlap(a, b)
    ]
    assert overlapping == []


@pytest.mark.parametrize("page_name", ["home", "point"])
def test_figures_are_no_narrower_than_the_map_was_laid_out_for(phone, demo_site, page_name):
    page = phone(demo_site + MAP_PAGES[page_name], 320)
    widths = page.locator(".body-map__panel image").evaluate_all(
        "images => images.map(image => image.getBoundingClientRect().width)"
    )

    size = "compact" if page_name == "point" else "full"
    assert min(widths) >= NARROWEST_FIGURE_PX[size]


@pytest.mark.parametrize("width", [360, 390])
def test_every_name_shows_without_hover(phone, demo_site, width):
    page = phone(demo_site, width)

    for label in page.locator(".marker__label").all():
        expect(label).to_be_visible()
        assert label.bounding_box()["height"] >= 11  # about 10 px type, or larger


@pytest.mark.parametrize("width", [360, 390])
def test_a_tap_anywhere_on_a_target_opens_its_point_or_its_chooser(phone, demo_site, width):
    page = phone(demo_site, width)
    boxes = target_boxes(page)

    for box in boxes:
        page.goto(demo_site)
        page.evaluate("y => window.scrollTo(0, y - 200)", box["y"])
        top = box["y"] - page.evaluate("window.scrollY")
        # The corners, 3 px in, belong to this target and no other.
        for x, y in [(3, 3), (box["width"] - 3, 3), (3, box["height"] - 3)]:
            hit = page.evaluate(
                "([x, y]) => document.elementFromPoint(x, y)?.closest('.marker')?.dataset.points",
                [box["x"] + x, top + y],
            )
            assert hit == box["points"], (box["label"], x, y)
        page.touchscreen.tap(box["x"] + box["width"] / 2, top + box["height"] / 2)
        slugs = box["points"].split()
        if len(slugs) == 1:
            expect(page).to_have_url(f"{demo_site}/points/{slugs[0]}/")
        else:
            chooser = page.locator(box["href"])
            expect(chooser).to_be_visible()
            links = chooser.get_by_role("link").evaluate_all(
                "links => links.map(link => link.getAttribute('href'))"
            )
            assert links[:-1] == [f"/points/{slug}/" for slug in slugs]


def test_a_group_chooser_works_by_keyboard_without_javascript(browser, demo_site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(demo_site)
    group = page.get_by_role("link", name="4 points close together", exact=False)
    chooser = page.locator(group.get_attribute("href"))
    expect(chooser).to_be_hidden()

    group.focus()
    page.keyboard.press("Enter")
    expect(chooser).to_be_visible()
    page.keyboard.press("Tab")
    expect(chooser.get_by_role("link").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("BL23 Shenshu")
    context.close()

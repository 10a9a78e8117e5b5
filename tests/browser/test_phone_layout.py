"""The page furniture on a phone: a header of two rows whose search box shows its whole
example."""

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [360, 390])
def test_header_is_two_rows_and_the_search_example_fits(page, demo_site, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(demo_site + "/points/")

    name = page.locator(".site-name").bounding_box()
    search = page.locator("#site-search-q").bounding_box()
    link_tops = {round(link.bounding_box()["y"]) for link in page.locator(".site-nav a").all()}
    assert search["y"] < name["y"] + name["height"]  # the search box sits beside the name
    assert len(link_tops) == 1  # the menu is one row
    assert min(link_tops) >= max(name["y"] + name["height"], search["y"] + search["height"])
    assert page.locator(".site-header").bounding_box()["height"] <= 100

    room, needed = page.locator("#site-search-q").evaluate(
        """input => {
            const style = getComputedStyle(input);
            const context = document.createElement('canvas').getContext('2d');
            context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            const room = input.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            return [room, context.measureText(input.placeholder).width];
        }"""
    )
    assert needed <= room

"""Every public page type, in a real browser: no accessibility violations, usable with the
keyboard, no sideways scrolling on a phone, and valid HTML."""

import pytest

from tests.browser.checks import (
    accessibility_violations,
    horizontal_overflow,
    html_errors,
    keyboard_focus_problems,
)

pytestmark = pytest.mark.browser

PAGE_TYPES = [
    "home",
    "article",
    "point",
    "point-index",
    "author",
    "disclaimer",
    "not-found",
    "conditions",
    "condition",
    "body-area",
    "filtered-index",
    "search",
    "search-nothing",
    "routine",
    "article-routine",
]


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_page_has_no_accessibility_violations(page, public_pages, page_type):
    page.goto(public_pages[page_type])

    assert accessibility_violations(page) == []


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_every_control_is_reachable_by_keyboard_with_visible_focus(page, public_pages, page_type):
    page.goto(public_pages[page_type])

    assert keyboard_focus_problems(page) == []


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_page_does_not_scroll_sideways_on_a_phone(page, public_pages, page_type):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(public_pages[page_type])

    assert horizontal_overflow(page) == 0


def show_comment_form_errors(page):
    """Send the comment form empty, past the browser's own checks, to get the server's errors."""
    page.evaluate("document.querySelector('.comment-form').noValidate = true")
    page.get_by_role("button", name="Send comment").click()
    page.wait_for_selector(".form-errors")


@pytest.mark.parametrize("page_type", ["point", "article"])
def test_comment_form_with_errors_has_no_accessibility_violations(page, public_pages, page_type):
    page.goto(public_pages[page_type])
    show_comment_form_errors(page)

    assert page.get_by_text("This field is required.").count() == 2
    assert accessibility_violations(page) == []


def test_every_page_type_is_valid_html(page, public_pages):
    sources = {}
    for name, url in public_pages.items():
        response = page.request.get(url)
        sources[name] = response.text()
    page.goto(public_pages["point"])
    show_comment_form_errors(page)
    sources["point-form-errors"] = page.content()

    assert html_errors(sources) == []

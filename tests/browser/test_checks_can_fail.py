"""Each quality check, fed a page known to be bad, reports the fault: none of them can pass by
accident."""

import pytest

from tests.browser.checks import (
    accessibility_violations,
    horizontal_overflow,
    html_errors,
    keyboard_focus_problems,
)

pytestmark = pytest.mark.browser

GOOD_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test page</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Test page</h1>{body}</main></body></html>"""

PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB"
    "0C8AAAAASUVORK5CYII="
)


def test_accessibility_check_reports_a_picture_without_alt_text(page):
    page.set_content(GOOD_PAGE.format(body=f'<img src="{PIXEL}" width="10" height="10">'))

    violations = accessibility_violations(page)

    assert any(violation.startswith("image-alt") for violation in violations), violations


def test_accessibility_check_passes_the_same_page_with_alt_text(page):
    page.set_content(GOOD_PAGE.format(body=f'<img src="{PIXEL}" alt="A dot" width="10">'))

    assert accessibility_violations(page) == []


def test_overflow_check_reports_an_element_wider_than_a_phone(page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.set_content(GOOD_PAGE.format(body='<div style="width: 600px">Too wide</div>'))

    assert horizontal_overflow(page) > 0


def test_keyboard_check_reports_a_link_without_focus_style_and_one_tab_skips(page):
    page.set_content(
        GOOD_PAGE.format(
            body="<style>a:focus-visible { outline: 3px solid }</style>"
            '<a href="#a" style="outline: none">No focus ring</a> '
            '<div inert><a href="#b">Skipped by Tab</a></div> <a href="#c">Fine</a>'
        )
    )

    problems = keyboard_focus_problems(page)

    assert [problem.split(":")[0] for problem in problems] == [
        "no visible focus style",
        "not reachable with Tab",
    ]
    assert "No focus ring" in problems[0]
    assert "Skipped by Tab" in problems[1]


def test_html_check_reports_duplicate_ids_and_bad_nesting():
    bad = GOOD_PAGE.format(body='<p id="x">One</p><p id="x">Two <div>block in p</div></p>')

    errors = html_errors({"bad": bad, "good": GOOD_PAGE.format(body="<p>Fine</p>")})

    assert any(error.startswith("bad:") and "Duplicate ID" in error for error in errors), errors
    assert not any(error.startswith("good:") for error in errors), errors

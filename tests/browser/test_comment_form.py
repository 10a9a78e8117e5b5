"""The comment form's live character count, and a text over the limit never cut short."""

import pytest
from playwright.sync_api import expect

from points.models import Comment

pytestmark = pytest.mark.browser


def test_the_count_warns_before_the_limit_and_stops_a_text_over_it(page, demo_site):
    page.goto(f"{demo_site}/points/bl40-weizhong/")
    text = page.get_by_label("Your comment")
    count = page.locator(".char-count")
    expect(count).to_have_text("0 of 3,000 characters.")

    text.fill("Pressing behind the knee helped.\n")
    expect(count).to_have_text("33 of 3,000 characters.")
    text.fill("x" * 2900)
    expect(count).to_have_text("100 characters left of 3,000.")
    text.fill("x" * 3050)
    expect(count).to_have_text(
        "50 characters over the limit of 3,000: please shorten your comment before sending it."
    )
    assert len(text.input_value()) == 3050  # nothing was cut

    page.get_by_label("Your name").fill("Maria")
    page.get_by_role("button", name="Send comment").click()
    assert text.evaluate("text => text.validationMessage").startswith("Your comment is 50")
    assert Comment.objects.count() == 0


def test_without_javascript_the_server_says_by_how_much_and_keeps_the_text(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{demo_site}/points/bl40-weizhong/")
    page.get_by_label("Your name").fill("Maria")
    page.get_by_label("Your comment").fill("y" * 3010)
    page.get_by_role("button", name="Send comment").click()

    expect(
        page.get_by_text("Your comment is 3,010 characters long, 10 over the limit")
    ).to_be_visible()
    assert page.get_by_label("Your comment").input_value() == "y" * 3010
    context.close()

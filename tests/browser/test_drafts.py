"""Changes that wait, in a real browser: an editor drafts a change to a live point and previews
it while a reader in another browser still sees the published page, then publishes it."""

import pytest
from playwright.sync_api import expect

from tests.browser.checks import accessibility_violations, html_errors
from tests.browser.conftest import sign_in
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.browser.test_csp import violations as csp_violations

pytestmark = pytest.mark.browser

NEW_STEP = "Find the exact middle of the skin crease behind the knee."


def test_editor_drafts_previews_and_publishes_while_a_reader_sees_the_live_page(
    browser, page, demo_site, editor_login
):
    point_url = f"{demo_site}/points/bl40-weizhong/"
    reader = browser.new_context().new_page()
    reader.goto(point_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text("BL40 Weizhong")
    expect(reader.get_by_text(NEW_STEP)).to_have_count(0)

    sign_in(page, demo_site, editor_login)
    page.goto(point_url)
    page.get_by_role("link", name="Edit this page").click()
    how_to_find = page.get_by_label("How to find it")
    how_to_find.fill(f"Bend your knee a little.\n{NEW_STEP}")

    # The unsaved form, previewed in a new tab.
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Preview", exact=True).click()
    unsaved = opened.value
    expect(unsaved.get_by_text("Preview of unpublished changes.")).to_be_visible()
    expect(unsaved.get_by_text(NEW_STEP)).to_be_visible()
    unsaved.close()

    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".messagelist")).to_contain_text("Draft saved")
    expect(page.get_by_text("Unpublished changes saved by edith")).to_be_visible()
    expect(page.get_by_label("How to find it")).to_have_value(
        f"Bend your knee a little.\n{NEW_STEP}"
    )

    with page.expect_popup() as opened:
        page.get_by_role("link", name="Preview the draft on the site (new tab)").click()
    preview = opened.value
    expect(preview.get_by_text("Preview of unpublished changes.")).to_be_visible()
    expect(preview.get_by_text(NEW_STEP)).to_be_visible()
    preview.close()

    reader.reload()
    expect(reader.get_by_role("heading", level=1)).to_have_text("BL40 Weizhong")
    expect(reader.get_by_text(NEW_STEP)).to_have_count(0)
    reader.goto(f"{point_url}?draft=1")
    expect(reader.get_by_text(NEW_STEP)).to_have_count(0)
    expect(reader.get_by_text("Preview of unpublished changes")).to_have_count(0)
    expect(reader.get_by_role("link", name="Edit this page")).to_have_count(0)

    page.get_by_role("button", name="Publish changes", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Published “BL40 Weizhong”")

    reader.goto(point_url)
    expect(reader.get_by_text(NEW_STEP)).to_be_visible()
    reader.context.close()


def test_an_editors_pages_are_accessible_valid_and_within_the_policy(page, demo_site, editor_login):
    page.add_init_script(RECORD_VIOLATIONS)
    point_url = f"{demo_site}/points/bl40-weizhong/"
    sign_in(page, demo_site, editor_login)
    page.goto(point_url)
    page.get_by_role("link", name="Edit this page").click()
    page.get_by_label("How to find it").fill(NEW_STEP)
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".messagelist")).to_contain_text("Draft saved")
    assert csp_violations(page) == []

    sources = {}
    for name, url in {"editor-links": point_url, "draft-preview": f"{point_url}?draft=1"}.items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert accessibility_violations(page) == [], name
        assert csp_violations(page) == [], name
        sources[name] = page.content()
    page.goto(point_url)
    page.get_by_role("link", name="Edit this page").click()
    page.get_by_role("link", name="Discard draft").click()
    expect(page.get_by_text("This cannot be undone")).to_be_visible()
    assert csp_violations(page) == []

    assert html_errors(sources) == []

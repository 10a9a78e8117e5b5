"""Publishing from the change form, in a real browser: the buttons' layout on a laptop and a
phone, the warning before leaving unsaved edits, the confirmation that appears before a live
page leaves the site, an invalid preview, and the form's accessibility."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.checks import accessibility_violations, horizontal_overflow
from tests.browser.conftest import sign_in
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.browser.test_csp import violations as csp_violations

pytestmark = pytest.mark.browser

# Django's own admin markup, not ours: the filter_horizontal widget's search icon (a span
# with aria-label, SelectFilter2.js) and a tabular inline's empty "original" column header.
DJANGOS_OWN = ("aria-prohibited-attr", "empty-table-header")
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def shot(page, name, *, full_page):
    """A screenshot to look at, when SCREENSHOT_DIR names a folder for them."""
    if folder := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=Path(folder) / f"{name}.png", full_page=full_page)


def open_point_form(page, demo_site, code="BL40"):
    page.goto(f"{demo_site}/admin/points/point/?q={code}")
    page.get_by_role("link", name=code, exact=True).click()
    page.wait_for_load_state("load")


def box(page, selector):
    return page.locator(selector).bounding_box()


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280", "390"])
def test_one_primary_button_and_delete_set_apart(page, demo_site, editor_login, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, demo_site, editor_login)
    open_point_form(page, demo_site)
    page.get_by_label("How to find it").fill("Bend your knee a little.")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".messagelist")).to_contain_text("Draft saved")

    publish = page.get_by_role("button", name="Publish changes", exact=True)
    expect(publish).to_have_class("default")
    expect(page.get_by_role("button", name="Save and add another")).to_have_count(0)
    publish_box = box(page, "input[name=_save]")
    draft_box = box(page, "input[name=_save_draft]")
    delete_box = box(page, ".publishing-row .deletelink")
    if viewport is LAPTOP:
        # Delete on the other side of the row, far from "Update draft".
        assert delete_box["x"] > draft_box["x"] + draft_box["width"] + 300
        assert publish_box["x"] < draft_box["x"]
    else:
        # Below the buttons and their explanation, never directly under "Update draft".
        help_box = box(page, ".drafts-help")
        assert delete_box["y"] > help_box["y"] + help_box["height"]
        assert horizontal_overflow(page) == 0
    page.locator(".publishing-row").scroll_into_view_if_needed()
    shot(page, f"buttons-{viewport['width']}", full_page=False)


def test_leaving_unsaved_edits_asks_first_and_saving_does_not(page, demo_site, editor_login):
    sign_in(page, demo_site, editor_login)
    open_point_form(page, demo_site)
    form_url = page.url
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)

    # Unchanged: leaving is silent.
    page.get_by_role("link", name="Points", exact=True).first.click()
    expect(page).to_have_url(f"{demo_site}/admin/points/point/")
    assert asked == []

    page.go_back()
    page.wait_for_load_state("load")
    page.get_by_label("How to find it").fill("Bend your knee a little.")
    page.get_by_role("link", name="Points", exact=True).first.click()
    page.wait_for_timeout(300)  # the dialog is answered at once; the navigation is cancelled
    assert asked == ["beforeunload"]
    assert page.url == form_url

    # A preview opens a new tab, the form is still unsaved; publishing leaves without asking.
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Preview", exact=True).click()
    opened.value.close()
    page.get_by_role("button", name="Publish changes", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Published “BL40 Weizhong”")
    assert asked == ["beforeunload"]


def test_a_preview_of_an_untouched_form_leaves_nothing_to_ask_about(page, demo_site, editor_login):
    """The point's complaints box sends every chosen complaint; Django selects them all when the
    form is sent, so after a Preview the form looked edited and leaving asked "Leave site?"."""
    sign_in(page, demo_site, editor_login)
    open_point_form(page, demo_site)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))

    with page.expect_popup() as opened:
        page.get_by_role("button", name="Preview", exact=True).click()
    opened.value.close()
    page.get_by_role("link", name="Points", exact=True).first.click()

    expect(page).to_have_url(f"{demo_site}/admin/points/point/")
    assert asked == []


def test_taking_a_live_page_off_the_site_asks_for_a_tick(page, demo_site, editor_login):
    sign_in(page, demo_site, editor_login)
    open_point_form(page, demo_site)
    confirmation = page.get_by_label("Yes, take this page off the site")
    expect(confirmation).to_be_hidden()

    page.get_by_label("Status").select_option(label="Draft (not public)")
    expect(confirmation).to_be_visible()
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_visible()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Tick “Yes, take this page off the site”")).to_be_visible()

    page.get_by_label("Yes, take this page off the site").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(
        "“BL40 Weizhong” is no longer public: readers get “page not found”"
    )


def test_an_invalid_preview_lists_what_to_fix_in_its_tab(page, demo_site, editor_login):
    sign_in(page, demo_site, editor_login)
    open_point_form(page, demo_site)
    page.get_by_label("Shortest duration (seconds)").fill("120")
    page.get_by_label("Longest duration (seconds)").fill("60")

    with page.expect_popup() as opened:
        page.get_by_role("button", name="Preview", exact=True).click()
    refused = opened.value
    refused.wait_for_load_state("load")

    expect(refused.get_by_role("heading", name="This preview cannot be shown")).to_be_visible()
    expect(refused.get_by_text("Longest duration (seconds):")).to_be_visible()
    expect(refused.locator("#content form")).to_have_count(0)  # no second copy of the form
    expect(refused.get_by_role("button", name="Publish changes")).to_have_count(0)
    assert accessibility_violations(refused) == []
    shot(refused, "preview-refused", full_page=True)
    refused.close()
    expect(page.get_by_label("Longest duration (seconds)")).to_have_value("60")


def test_the_change_form_and_list_are_accessible_within_the_policy(page, demo_site, editor_login):
    page.add_init_script(RECORD_VIOLATIONS)
    page.set_viewport_size(LAPTOP)
    sign_in(page, demo_site, editor_login)
    open_point_form(page, demo_site)
    page.get_by_label("How to find it").fill("Bend your knee a little.")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".messagelist")).to_contain_text("Draft saved")
    page.wait_for_load_state("networkidle")

    found = accessibility_violations(page)
    assert [problem for problem in found if not problem.startswith(DJANGOS_OWN)] == []
    assert csp_violations(page) == []
    shot(page, "form-1280", full_page=True)

    page.goto(f"{demo_site}/admin/points/point/")
    assert horizontal_overflow(page) == 0
    # Every column in view: the list's own box does not scroll sideways either.
    assert (
        page.evaluate("(el => el.scrollWidth - el.clientWidth)(document.querySelector('.results'))")
        == 0
    )
    expect(page.get_by_text("Published · draft waiting")).to_be_visible()
    shot(page, "list-1280", full_page=False)
    page.goto(f"{demo_site}/admin/")
    expect(page.get_by_role("heading", name="Unpublished changes")).to_be_visible()
    shot(page, "home-1280", full_page=False)

    page.set_viewport_size(PHONE)
    page.goto(f"{demo_site}/points/bl40-weizhong/")
    page.get_by_role("link", name="Unpublished changes waiting \N{EN DASH} preview them").click()
    expect(page.get_by_text("Preview of unpublished changes.")).to_be_visible()
    shot(page, "draft-preview-390", full_page=False)

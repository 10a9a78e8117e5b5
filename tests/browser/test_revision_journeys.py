"""Undoing mistakes, in a real browser: an editor compares and restores a version of a live
point while a reader watches the public page; an editor deletes a linked point and recovers
it from the trash."""

import re

import pytest
from playwright.sync_api import expect

from points.models import Article
from tests.browser.checks import accessibility_violations
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_editor_compares_two_versions_and_restores_the_old_one_for_readers(
    browser, page, demo_site, editor_login
):
    point_page = f"{demo_site}/points/bl40-weizhong/"
    reader = browser.new_context().new_page()
    reader.goto(point_page)
    expect(reader.get_by_text("Find the crease across the back of the knee.")).to_be_visible()

    sign_in(page, demo_site, editor_login)
    page.goto(f"{demo_site}/admin/points/point/?q=BL40")
    page.get_by_role("link", name="BL40", exact=True).click()
    page.get_by_label("How to find it").fill("Bend your knee.\nFeel for the soft middle.")
    page.get_by_label("Note about this change").fill("Shorter steps")
    page.get_by_role("button", name="Publish changes and keep editing").click()
    expect(page.locator(".messagelist")).to_contain_text("Published “BL40 Weizhong”")

    reader.reload()
    expect(reader.get_by_text("Feel for the soft middle.")).to_be_visible()

    page.get_by_role("link", name="History").click()
    expect(page.get_by_text("Changed How to find it.")).to_be_visible()
    expect(page.get_by_role("cell", name="Shorter steps")).to_be_visible()
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Compare the chosen versions").click()
    assert accessibility_violations(page) == []
    changed = page.locator("tr.changed", has_text="How to find it")
    expect(changed.locator("td.old del").first).to_be_visible()
    expect(changed.locator("td.old")).to_contain_text("Find the crease")
    expect(changed.locator("td.new")).to_contain_text("Feel for the soft middle.")
    expect(changed.locator("td.new ins").first).to_be_visible()

    page.get_by_role("link", name="Restore the older version").click()
    expect(
        page.get_by_role("heading", name=re.compile("Restore an earlier version"))
    ).to_be_visible()
    page.get_by_role("button", name="Yes, restore this version").click()
    expect(page.locator(".messagelist")).to_contain_text("is current again")

    reader.reload()
    expect(reader.get_by_text("Find the crease across the back of the knee.")).to_be_visible()
    expect(reader.get_by_text("Feel for the soft middle.")).to_have_count(0)
    reader.context.close()


def test_editor_deletes_a_linked_point_and_recovers_it_from_the_trash(
    browser, page, demo_site, editor_login
):
    sign_in(page, demo_site, editor_login)
    page.goto(f"{demo_site}/admin/points/point/?q=BL62")
    page.get_by_role("link", name="BL62", exact=True).click()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(
        page.get_by_text(
            "Linked from section 9 “Urinary Bladder 62” of “11 acupressure points for back "
            "pain relief”."
        )
    ).to_be_visible()
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator(".messagelist")).to_contain_text("was moved to the trash. Undo:")

    reader = browser.new_context().new_page()
    gone = reader.goto(f"{demo_site}/points/bl62-shenmai/")
    assert gone.status == 410
    expect(reader.get_by_role("heading", level=1)).to_have_text("This page has been removed")

    page.locator(".messagelist").get_by_role("link", name="recover it from the trash").click()
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Recover BL62 Shenmai").click()
    expect(page.locator(".messagelist")).to_contain_text("is back")
    page.goto(f"{demo_site}/admin/")
    expect(page.locator("#recent-actions-module")).to_contain_text("Recovered from the trash.")

    reader.goto(demo_site + Article.objects.get().get_absolute_url())
    section = reader.locator(
        "section", has=reader.get_by_role("heading", name="Urinary Bladder 62")
    )
    # The section links the point twice now: in its text (a point link) and as its card.
    section.get_by_role("link", name="BL62 Shenmai").first.click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("BL62 Shenmai")
    expect(reader.get_by_alt_text(re.compile("BL62 is marked"))).to_be_visible()
    reader.context.close()

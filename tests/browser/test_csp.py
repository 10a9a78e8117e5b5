"""The enforced Content-Security-Policy breaks nothing: no violation on public pages or in the
admin screens editors use, including a picture upload."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import png_bytes

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}`
  );
});
"""


@pytest.fixture
def watched_page(page):
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(page):
    return page.evaluate("window.__cspViolations")


def test_public_pages_cause_no_csp_violations(watched_page, public_pages):
    for name, url in public_pages.items():
        watched_page.goto(url)
        watched_page.wait_for_load_state("networkidle")
        assert violations(watched_page) == [], name


def test_the_routine_timer_runs_under_the_policy(watched_page, demo_site):
    watched_page.goto(f"{demo_site}/routine/")
    watched_page.get_by_role("button", name="Start").click()

    assert violations(watched_page) == []


def test_admin_screens_cause_no_csp_violations(watched_page, demo_site, editor_login, tmp_path):
    page = watched_page
    sign_in(page, demo_site, editor_login)
    assert violations(page) == []
    page.goto(f"{demo_site}/{settings.ADMIN_URL}points/point/")
    assert violations(page) == []
    page.goto(f"{demo_site}/{settings.ADMIN_URL}points/point/?q=BL23")
    page.get_by_role("link", name="BL23", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert violations(page) == []

    picture = tmp_path / "new-picture.png"
    picture.write_bytes(png_bytes(size=(300, 200)))
    page.get_by_role("button", name=re.compile("Add another picture", re.I)).click()
    # BL23 has one picture (row 0); the added row is pictures-1. Its "+" uploads a new picture
    # to the library in Django's popup, which puts it in the row when saved.
    with page.expect_popup() as popup_info:
        page.locator("#add_id_pictures-1-picture").click()
    popup = popup_info.value
    popup.locator("input[name='image']").set_input_files(picture)
    popup.get_by_label("Alternative text").fill("A new test picture")
    popup.get_by_role("button", name="Save", exact=True).click()
    popup.wait_for_event("close")
    expect(page.locator("#id_pictures-1-picture")).to_contain_text("new picture")
    page.get_by_role("button", name="Publish changes and keep editing").click()
    page.wait_for_load_state("networkidle")

    assert "Published “BL23 Shenshu”" in page.locator(".messagelist").inner_text()
    assert violations(page) == []

"""The picture library's forms in a real browser."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import png_bytes

pytestmark = pytest.mark.browser


def test_a_new_pictures_alternative_text_is_asked_for_before_the_file_is_sent(
    page, demo_site, editor_login, tmp_path
):
    """Sent without it, the form came back asking for the file to be chosen again."""
    picture = tmp_path / "hand.png"
    picture.write_bytes(png_bytes(size=(300, 200)))
    sign_in(page, demo_site, editor_login)
    page.goto(f"{demo_site}/admin/points/picture/add/")
    page.locator("input[name='image']").set_input_files(picture)

    sent = []
    page.on("request", lambda request: sent.append(request) if request.method == "POST" else None)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_timeout(300)

    assert sent == []  # the chosen file is still there, nothing to choose again
    assert page.locator("input[name='image']").evaluate("input => input.files.length") == 1
    alt_text = page.get_by_label("Alternative text")
    assert "Describe the picture" in alt_text.evaluate("box => box.validationMessage")
    page.get_by_label("Decorative only").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

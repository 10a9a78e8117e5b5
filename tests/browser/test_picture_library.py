"""The picture library's forms in a real browser."""

import pytest

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

    page.get_by_role("button", name="Save", exact=True).click()

    assert page.url == f"{demo_site}/admin/points/picture/add/"  # not sent
    alt_text = page.get_by_label("Alternative text")
    assert alt_text.evaluate("box => box.validity.valueMissing")
    page.get_by_label("Decorative only").check()
    assert not alt_text.evaluate("box => box.validity.valueMissing")

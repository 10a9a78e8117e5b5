"""Moderating in a real browser: one click on a row of the comment list approves it, and the
list stays accessible."""

import pytest
from playwright.sync_api import expect

from points.models import Comment, CommentStatus, Point
from tests.browser.checks import accessibility_violations
from tests.browser.conftest import sign_in
from tests.factories import make_comment

pytestmark = pytest.mark.browser


def test_an_editor_approves_one_comment_from_the_list(page, demo_site, editor_login):
    point = Point.objects.get(code="BL40")
    comment = make_comment(point, name="Rowena", text="Pressing it eased my knee.")
    sign_in(page, demo_site, editor_login)
    page.goto(f"{demo_site}/admin/points/comment/?status__exact=pending")

    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Approve the comment by Rowena").click()

    expect(page.locator(".messagelist")).to_contain_text("Approved the comment by Rowena")
    assert "status__exact=pending" in page.url
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED
    page.goto(f"{demo_site}{point.get_absolute_url()}")
    expect(page.get_by_text("Pressing it eased my knee.")).to_be_visible()
    assert Comment.objects.filter(status=CommentStatus.APPROVED, name="Rowena").count() == 1

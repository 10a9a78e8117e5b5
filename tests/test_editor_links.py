"""Editors on the public site: "Edit this page" and "History" on every page they may change;
readers never see them, and a page with them is never kept by the page cache."""

import pytest
from django.urls import reverse

from points.models import BodyArea, Disclaimer
from tests.factories import make_article, make_condition, make_point
from tests.test_drafts import save_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(point):
    """Every kind of public page an editor can change, with the admin object behind it."""
    condition = make_condition(name="Sciatica", slug="sciatica")
    point.conditions.add(condition)
    article = make_article()
    disclaimer = Disclaimer.objects.create(pk=1, title="Disclaimer", body="Not advice.")
    return {
        point.get_absolute_url(): ("point", point),
        article.get_absolute_url(): ("article", article),
        article.author.get_absolute_url(): ("author", article.author),
        condition.get_absolute_url(): ("condition", condition),
        reverse("points:disclaimer"): ("disclaimer", disclaimer),
    }


def test_editors_see_edit_and_history_on_every_page_they_can_change(editor_client, pages):
    for url, (model_name, page) in pages.items():
        response = editor_client.get(url)

        edit = reverse(f"admin:points_{model_name}_change", args=[page.pk])
        history = reverse(f"admin:points_{model_name}_history", args=[page.pk])
        assert '<nav class="editor-links" aria-label="Editing">' in response.text, url
        assert f'<a href="{edit}">Edit this page</a>' in response.text, url
        assert f'<a href="{history}">History</a>' in response.text, url
        assert "private" in response["Cache-Control"], url


def test_a_body_area_page_links_to_its_points_in_the_admin(editor_client, point):
    response = editor_client.get(reverse("points:body-area-detail", args=[BodyArea.LOWER_BACK]))

    changelist = reverse("admin:points_point_changelist")
    assert f'<a href="{changelist}?body_area=lower-back">Edit these points</a>' in response.text


def test_every_public_page_leads_an_editor_back_to_the_admin(editor_client, point):
    """Home, search and the lists had no way back to the admin (WordPress has its admin bar)."""
    site_admin = f'<a href="{reverse("admin:index")}">Site admin</a>'
    addresses = ["points:home", "points:search", "points:point-index", "points:condition-index"]

    for name in addresses:
        assert site_admin in editor_client.get(reverse(name)).text, name
    index = editor_client.get(reverse("points:point-index")).text
    assert f'<a href="{reverse("admin:points_point_changelist")}">Edit these points</a>' in index


def test_readers_never_see_them(client, pages):
    for url in pages:
        response = client.get(url)

        assert response.status_code == 200, url
        assert "editor-links" not in response.text, url
        assert "Edit this page" not in response.text, url
        assert "Site admin" not in response.text, url


def test_staff_who_may_not_change_a_page_do_not_see_them(viewer_client, point):
    assert "Edit this page" not in viewer_client.get(point.get_absolute_url()).text


def test_an_editors_page_is_never_kept_or_served_to_a_reader(editor_client, client, point):
    editors = editor_client.get(point.get_absolute_url())
    first = client.get(point.get_absolute_url())
    second = client.get(point.get_absolute_url())
    editors_again = editor_client.get(point.get_absolute_url())

    assert "Edit this page" in editors.text
    assert "X-Page-Cache" not in editors  # never stored
    assert first["X-Page-Cache"] == "miss"  # the editor's page was not kept for readers
    assert second["X-Page-Cache"] == "hit"
    assert "Edit this page" not in second.text
    assert "X-Page-Cache" not in editors_again  # nor is a reader's page served to editors
    assert "Edit this page" in editors_again.text


class TestUnpublishedChangesWaiting:
    def test_an_editor_on_the_live_page_is_pointed_to_the_draft(self, editor_client, point):
        save_draft(editor_client, point, summary=["Waiting."])

        live = editor_client.get(point.get_absolute_url()).text
        preview = editor_client.get(f"{point.get_absolute_url()}?draft=1").text

        assert (
            '<a href="/points/bl23-shenshu/?draft=1">'
            "Unpublished changes waiting \N{EN DASH} preview them</a>"
        ) in live
        assert "Unpublished changes waiting" not in preview  # already previewing them

    def test_no_hint_without_a_draft_or_for_readers(self, editor_client, client, point):
        assert "Unpublished changes waiting" not in editor_client.get(point.get_absolute_url()).text
        save_draft(editor_client, point, summary=["Waiting."])

        assert "Unpublished changes waiting" not in client.get(point.get_absolute_url()).text

    def test_an_article_too(self, editor_client):
        article = make_article()
        save_draft(editor_client, article, summary=["Waiting."])

        assert "Unpublished changes waiting" in editor_client.get(article.get_absolute_url()).text


class TestTheAdminHomePage:
    def test_lists_the_pages_with_drafts(self, editor_client, point):
        make_point(code="GB30")  # no draft: not listed
        save_draft(editor_client, point, summary=["Waiting."])

        html = editor_client.get(reverse("admin:index")).text

        panel = html.split('id="unpublished-changes"')[1].split("</div>")[0]
        assert "<h2>Unpublished changes</h2>" in panel
        assert (
            f'<a href="{reverse("admin:points_point_change", args=[point.pk])}">BL23 Shenshu</a>'
            in panel
        )
        assert "saved by edith on" in panel
        assert 'href="/points/bl23-shenshu/?draft=1"' in panel
        assert "GB30" not in panel
        assert reverse("admin:points_point_changelist") + "?unpublished=yes" in panel

    def test_says_when_nothing_waits(self, editor_client):
        html = editor_client.get(reverse("admin:index")).text

        assert "No pages have unpublished changes waiting." in html

    def test_staff_who_may_not_change_pages_get_no_panel(self, viewer_client):
        assert "unpublished-changes" not in viewer_client.get(reverse("admin:index")).text


def test_a_removed_page_points_an_editor_to_the_trash(editor_client, client, point):
    address = point.get_absolute_url()
    editor_client.post(reverse("admin:points_point_delete", args=[point.pk]), {"post": "yes"})

    for_editor = editor_client.get(address)
    for_reader = client.get(address)

    assert for_editor.status_code == 410
    assert f'<a href="{reverse("admin:trash")}">recover it from the trash</a>' in for_editor.text
    assert for_reader.status_code == 410
    assert "recover it" not in for_reader.text

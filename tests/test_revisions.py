"""Revisions: every admin save is kept with who, when and a note; the history says exactly what
changed; two versions compare side by side; an old one is restored as a new version, and
readers see it (the page cache included). Restores that would break something change nothing."""

import json
from datetime import timedelta

import pytest
import reversion
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from points import trash
from points.models import Article, Comment, PendingChange, Point
from tests.factories import (
    make_article,
    make_author,
    make_comment,
    make_image,
    make_point,
    make_section,
    png_bytes,
    upload,
)
from tests.pages import change_form
from tests.test_drafts import change_form_and_html, change_url


def save(client, obj, **changes):
    url, data = change_form(client, obj)
    response = client.post(url, data | changes)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def history_url(obj):
    return reverse(f"admin:points_{obj._meta.model_name}_history", args=[obj.pk])


def versions_of(obj):
    return list(Version.objects.get_for_object(obj).order_by("pk"))


@pytest.fixture
def edited_point(editor_client, point):
    """BL23 saved twice in the admin (at 14:10:05 and 14:10:40): its "how to find it" text
    changed the second time."""
    with time_machine.travel("2026-11-27 14:10:05Z", tick=False):
        save(editor_client, point, how_to_find="Find the waist.")
    with time_machine.travel("2026-11-27 14:10:40Z", tick=False):
        save(
            editor_client,
            point,
            how_to_find="Find the top of the hip bone.",
            change_note="Clearer steps",
        )
    point.refresh_from_db()
    return point


def test_each_admin_save_is_a_revision_with_its_editor_and_note(edited_point, editor):
    *_, first, second = versions_of(edited_point)

    assert second.revision.user == editor
    assert second.revision.comment == "Clearer steps"
    assert first.revision.comment == ""
    assert second.field_dict["how_to_find"] == "Find the top of the hip bone."
    # The point's picture is recorded with it.
    assert second.revision.version_set.filter(content_type__model="pointimage").count() == 1


def test_history_names_exactly_the_fields_that_changed(editor_client, edited_point):
    response = editor_client.get(history_url(edited_point))

    assert response.status_code == 200
    assert "As it was before revisions were kept." in response.text
    assert "Changed How to find it." in response.text
    assert "Clearer steps" in response.text
    assert "Changed Pinyin" not in response.text
    assert "Summary" not in response.text.split("What changed")[1]


def test_history_names_inline_changes(editor_client, point):
    save(editor_client, point)
    save(editor_client, point, **{"aliases-0-name": "UB23", "aliases-0-kind": "code"})

    response = editor_client.get(history_url(point))

    assert "Other names and codes: added “UB23”." in response.text


def test_compare_shows_two_versions_side_by_side_with_word_differences(editor_client, edited_point):
    *_, first, second = versions_of(edited_point)
    url = reverse("admin:points_point_compare", args=[edited_point.pk])

    response = editor_client.get(url, {"old": first.pk, "new": second.pk})

    assert response.status_code == 200
    assert "<del>waist.</del>" in response.text
    assert "<ins>top of the hip bone.</ins>" in response.text
    assert "Pictures" in response.text  # the inline rows are compared too
    history = reverse("admin:points_point_history", args=[edited_point.pk])
    assert f'<a href="{history}">History</a></li>\n<li aria-current="page">Compare</li>' in (
        response.text
    )


def test_compare_with_no_two_versions_chosen_says_so(editor_client, edited_point):
    *_, first, _ = versions_of(edited_point)
    url = reverse("admin:points_point_compare", args=[edited_point.pk])

    for query in ({}, {"old": first.pk, "new": first.pk}, {"old": "x", "new": "<b>"}):
        response = editor_client.get(url, query)
        assert response.status_code == 400
        assert "Choose two different versions" in response.text


def test_compare_escapes_what_editors_typed(editor_client, point):
    save(editor_client, point)
    save(editor_client, point, how_to_find="<script>alert(1)</script>")
    *_, first, second = versions_of(point)

    response = editor_client.get(
        reverse("admin:points_point_compare", args=[point.pk]),
        {"old": first.pk, "new": second.pk},
    )

    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;" in response.text


def test_restoring_asks_first_then_makes_the_old_version_current_for_readers(
    editor_client, client, edited_point
):
    *_, first, _ = versions_of(edited_point)
    page = edited_point.get_absolute_url()
    assert "Find the top of the hip bone." in client.get(page).text  # now in the page cache
    url = reverse("admin:points_point_restore", args=[edited_point.pk, first.pk])

    confirmation = editor_client.get(url)
    assert confirmation.status_code == 200
    assert "Yes, restore this version" in confirmation.text
    edited_point.refresh_from_db()
    assert edited_point.how_to_find == "Find the top of the hip bone."

    response = editor_client.post(url)

    assert response.status_code == 302
    edited_point.refresh_from_db()
    assert edited_point.how_to_find == "Find the waist."
    assert len(versions_of(edited_point)) == 4  # a new version: the restore can be undone
    assert versions_of(edited_point)[-1].revision.comment.startswith("Restored version 2 (")
    assert "Find the waist." in client.get(page).text
    assert edited_point.images.count() == 1


def test_a_restore_can_be_undone(editor_client, edited_point):
    *_, first, second = versions_of(edited_point)
    editor_client.post(reverse("admin:points_point_restore", args=[edited_point.pk, first.pk]))

    editor_client.post(reverse("admin:points_point_restore", args=[edited_point.pk, second.pk]))

    edited_point.refresh_from_db()
    assert edited_point.how_to_find == "Find the top of the hip bone."


def test_restoring_removes_pictures_added_since_and_keeps_them_in_the_trash(editor_client, point):
    save(editor_client, point)
    old = versions_of(point)[0]
    with reversion.create_revision():
        added = make_image(point, alt_text="A newer picture")
    editor_client.post(reverse("admin:points_point_restore", args=[point.pk, old.pk]))

    assert list(point.images.values_list("alt_text", flat=True)) == ["BL23 beside the spine"]
    assert default_storage.exists(added.image.name)


def test_a_picture_a_restore_removes_stays_in_the_trash_for_30_days_however_old_it_is(
    editor_client, editor, point
):
    save(editor_client, point)
    old = versions_of(point)[0]
    with reversion.create_revision():
        added = make_image(point, alt_text="A newer picture")

    with time_machine.travel(timezone.now() + timedelta(days=40), tick=False):
        editor_client.force_login(editor)
        editor_client.post(reverse("admin:points_point_restore", args=[point.pk, old.pk]))
        call_command("purge_trash", verbosity=0)

        assert [item.version.object_repr for item in trash.deleted_items()] == ["A newer picture"]
    assert all(default_storage.exists(name) for name in stored_names(added))


def stored_names(picture):
    return [picture.image.name, *(rendition["name"] for rendition in picture.renditions)]


def restore_version(client, obj, version):
    return client.post(
        reverse(f"admin:points_{obj._meta.model_name}_restore", args=[obj.pk, version.pk])
    )


def served(client, name):
    response = client.get(default_storage.url(name))
    return response.status_code == 200


def test_a_picture_replaced_by_mistake_comes_back_with_its_files_on_restore(
    editor_client, client, point, django_capture_on_commit_callbacks
):
    old = point.images.get()
    save(editor_client, point)
    before = versions_of(point)[-1]
    with django_capture_on_commit_callbacks(execute=True):
        save(editor_client, point, **{"images-0-image": upload("new.png", png_bytes((60, 40)))})
    replaced = versions_of(point)[-1]
    new = point.images.get()
    assert new.image.name != old.image.name
    assert old.image.name not in client.get(point.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        response = restore_version(editor_client, point, before)

    assert response.status_code == 302
    page = client.get(point.get_absolute_url()).text
    assert old.image.url in page
    assert new.image.url not in page
    assert all(served(client, name) for name in stored_names(old))
    # Undoing the restore brings the new picture back, files and all.
    with django_capture_on_commit_callbacks(execute=True):
        restore_version(editor_client, point, replaced)
    assert new.image.url in client.get(point.get_absolute_url()).text
    assert all(served(client, name) for name in stored_names(new))


def test_a_picture_can_be_replaced_again_after_a_restore(
    editor_client, client, point, django_capture_on_commit_callbacks
):
    old = point.images.get()
    save(editor_client, point)
    before = versions_of(point)[-1]
    with django_capture_on_commit_callbacks(execute=True):
        save(editor_client, point, **{"images-0-image": upload("second.png")})
        restore_version(editor_client, point, before)
        save(editor_client, point, **{"images-0-image": upload("third.png", png_bytes((50, 50)))})

    third = point.images.get()
    assert third.image.name not in stored_names(old)
    assert (third.width, third.height) == (50, 50)
    assert third.image.url in client.get(point.get_absolute_url()).text
    assert all(served(client, name) for name in stored_names(third))
    # Every picture this point showed is still in its history.
    with django_capture_on_commit_callbacks(execute=True):
        assert restore_version(editor_client, point, before).status_code == 302
    assert point.images.get().image.name == old.image.name


def test_an_authors_replaced_photo_comes_back_on_restore(
    editor_client, client, django_capture_on_commit_callbacks
):
    author = make_author(photo=upload("one.png"), photo_alt_text="Paul smiling")
    old_name = author.photo.name
    save(editor_client, author)
    before = versions_of(author)[-1]
    with django_capture_on_commit_callbacks(execute=True):
        save(editor_client, author, photo=upload("two.png"))

    with django_capture_on_commit_callbacks(execute=True):
        restore_version(editor_client, author, before)

    author.refresh_from_db()
    assert author.photo.name == old_name
    assert served(client, old_name)


def test_restoring_an_old_address_keeps_the_newer_one_working(editor_client, client, point):
    save(editor_client, point)
    save(editor_client, point, slug="bl23-new")
    first = versions_of(point)[0]

    editor_client.post(reverse("admin:points_point_restore", args=[point.pk, first.pk]))

    assert client.get("/points/bl23-shenshu/").status_code == 200
    assert client.get("/points/bl23-new/")["Location"] == "/points/bl23-shenshu/"


def test_restoring_a_slug_now_used_by_another_point_changes_nothing(editor_client, point):
    save(editor_client, point)
    save(editor_client, point, slug="bl23-new", how_to_find="New steps.")
    make_point(code="BL99", slug="bl23-shenshu")
    first = versions_of(point)[0]

    response = editor_client.post(reverse("admin:points_point_restore", args=[point.pk, first.pk]))

    assert response.status_code == 409
    assert "Nothing was changed." in response.text
    assert "“bl23-shenshu”" in response.text
    assert "is now used by" in response.text
    point.refresh_from_db()
    assert (point.slug, point.how_to_find) == ("bl23-new", "New steps.")


def test_restoring_a_picture_whose_file_is_gone_changes_nothing(editor_client, point):
    save(editor_client, point, how_to_find="Old steps.")
    first = versions_of(point)[0]
    save(editor_client, point, how_to_find="New steps.")
    default_storage.delete(point.images.get().image.name)

    response = editor_client.post(reverse("admin:points_point_restore", args=[point.pk, first.pk]))

    assert response.status_code == 409
    assert "is no longer stored" in response.text
    point.refresh_from_db()
    assert point.how_to_find == "New steps."


def test_restoring_a_section_linking_a_deleted_point_changes_nothing(editor_client, point):
    article = make_article(intro="Old intro.")
    other = make_point(code="GB30", slug="gb30-huantiao")
    make_section(article, points=[point, other])
    save(editor_client, article)
    save(editor_client, article, intro="New intro.")
    editor_client.post(reverse("admin:points_point_delete", args=[other.pk]), {"post": "yes"})
    first = versions_of(article)[0]

    response = editor_client.post(
        reverse("admin:points_article_restore", args=[article.pk, first.pk])
    )

    assert response.status_code == 409
    assert "“GB30" in response.text
    assert "which has been deleted" in response.text
    article.refresh_from_db()
    assert article.intro == "New intro."


@pytest.mark.parametrize("page", ["history", "compare", "restore"])
def test_revisions_are_for_editors_only(client, django_user_model, edited_point, page):
    *_, first, second = versions_of(edited_point)
    urls = {
        "history": history_url(edited_point),
        "compare": reverse("admin:points_point_compare", args=[edited_point.pk])
        + f"?old={first.pk}&new={second.pk}",
        "restore": reverse("admin:points_point_restore", args=[edited_point.pk, first.pk]),
    }
    assert client.get(urls[page]).status_code == 302  # to the login page
    staff = django_user_model.objects.create_user("sam", password="x" * 20, is_staff=True)
    client.force_login(staff)

    assert client.get(urls[page]).status_code == 403
    assert client.post(urls[page]).status_code in (403, 405)
    edited_point.refresh_from_db()
    assert edited_point.how_to_find == "Find the top of the hip bone."


def test_revisions_never_hold_readers_email_addresses(editor_client, point):
    make_comment(
        point,
        email="reader@example.com",
        notify_on_reply=True,
        client_hash="c" * 64,
        form_token_hash="f" * 64,
        status="approved",
    )
    save(editor_client, point)
    editor_client.post(reverse("admin:points_point_delete", args=[point.pk]), {"post": "yes"})

    recorded = Version.objects.get_for_model(Comment).get()  # kept in the trash with the point
    assert recorded.field_dict["text"] == "It helped my back."
    assert not {"email", "notify_on_reply", "client_hash", "form_token_hash"} & set(
        json.loads(recorded.serialized_data)[0]["fields"]
    )
    assert not Version.objects.filter(serialized_data__contains="reader@example.com").exists()


def test_an_article_records_its_sections(editor_client, point):
    article = make_article()
    make_section(article, points=[point], heading="Urinary Bladder 23")

    save(editor_client, article, change_note="First look")

    version = versions_of(Article.objects.get())[0]
    sections = version.revision.version_set.filter(content_type__model="articlesection")
    assert [v.object_repr for v in sections] == ["Urinary Bladder 23"]
    assert Point.objects.count() == 1


def test_restoring_a_version_of_another_item_is_not_found(editor_client, edited_point):
    other = make_point()
    save(editor_client, other)
    version = versions_of(other)[-1]

    response = editor_client.get(
        reverse("admin:points_point_restore", args=[edited_point.pk, version.pk])
    )

    assert response.status_code == 404


def test_restoring_warns_of_and_discards_the_pages_unpublished_changes(
    editor_client, client, edited_point
):
    *_, first, _ = versions_of(edited_point)
    data, _ = change_form_and_html(editor_client, edited_point)
    with time_machine.travel("2026-11-27 14:12:30Z", tick=False):
        editor_client.post(
            change_url(edited_point),
            data | {"summary": ["Edith's draft summary"], "_save_draft": "Save as draft"},
        )
    assert PendingChange.objects.of(edited_point) is not None
    url = reverse("admin:points_point_restore", args=[edited_point.pk, first.pk])

    confirmation = editor_client.get(url)

    assert (
        "This point has unpublished changes saved by edith on 27 November 2026, 14:12:30: "
        "restoring this version discards them." in confirmation.text
    )
    editor_client.post(url)
    assert PendingChange.objects.of(edited_point) is None
    form = editor_client.get(change_url(edited_point)).text
    assert "draft summary" not in form
    assert "Find the waist." in form


def test_history_numbers_the_versions_and_writes_dates_one_way_with_seconds(
    editor_client, edited_point
):
    *_, first, _ = versions_of(edited_point)
    editor_client.post(reverse("admin:points_point_restore", args=[edited_point.pk, first.pk]))

    response = editor_client.get(history_url(edited_point))

    text = response.text
    assert [entry["snapshot"].number for entry in response.context["entries"]] == [4, 3, 2, 1]
    assert "27 November 2026, 14:10:05" in text
    assert "p.m." not in text
    assert "Restored version 2 (27 November 2026, 14:10:05, by edith)." in text
    assert 'aria-label="Restore version 3"' in text


def test_compare_shows_pictures_not_file_names(editor_client, point):
    save(editor_client, point)
    image = point.images.get()
    image.alt_text = "BL23 from behind"
    image.image = upload()
    image.save()
    save(editor_client, point)
    first, *_, second = versions_of(point)

    response = editor_client.get(
        reverse("admin:points_point_compare", args=[point.pk]),
        {"old": first.pk, "new": second.pk},
    )

    text = response.text
    assert "BL23 beside the spine" in text
    assert "BL23 from behind" in text
    assert f'src="{image.image.url}"' in text
    assert ">points/" not in text
    assert "jpg<" not in text


def test_restores_are_in_the_admin_log_and_recent_actions(editor_client, edited_point):
    *_, first, _ = versions_of(edited_point)
    editor_client.post(reverse("admin:points_point_restore", args=[edited_point.pk, first.pk]))

    entry = LogEntry.objects.latest("pk")

    assert (entry.object_repr, entry.action_flag) == (str(edited_point), CHANGE)
    assert entry.change_message == "Restored version 2 (27 November 2026, 14:10:05, by edith)."
    assert "Restored version 2" in editor_client.get(reverse("admin:index")).text

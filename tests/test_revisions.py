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
from points.models import (
    Article,
    Comment,
    PendingChange,
    Picture,
    Point,
    PointReference,
    Reference,
)
from tests.factories import (
    make_article,
    make_author,
    make_comment,
    make_image,
    make_picture,
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
    # Which library picture the point shows is recorded with it.
    assert second.revision.version_set.filter(content_type__model="pointpicture").count() == 1


def test_the_state_before_revisions_were_kept_is_dated_when_it_was_saved(editor_client, point):
    """It was dated at the first change after it, as if the page had been made then."""
    saved_at = timezone.now() - timedelta(days=3)
    Point.objects.filter(pk=point.pk).update(updated_at=saved_at)

    save(editor_client, point, how_to_find="Find the top of the hip bone.")

    first = versions_of(point)[0]
    assert first.revision.comment == "As it was before revisions were kept."
    assert first.revision.date_created == saved_at


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


def test_history_names_a_renamed_row_as_it_was_and_as_it_is(editor_client, point):
    """It named only the new name: "changed name of “UB23 (old)”"."""
    save(editor_client, point, **{"aliases-0-name": "UB23", "aliases-0-kind": "code"})
    url, data = change_form(editor_client, point)
    editor_client.post(url, data | {"aliases-0-name": ["UB-23"]})

    response = editor_client.get(history_url(point))

    assert "Other names and codes: changed name of “UB23” (now “UB-23”)." in response.text


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


def test_compare_of_versions_that_differ_only_in_a_row_does_not_say_nothing_differs(
    editor_client, point
):
    """It opened with "No field differs." above the other name that did."""
    save(editor_client, point)
    save(editor_client, point, **{"aliases-0-name": "UB23", "aliases-0-kind": "code"})
    *_, first, second = versions_of(point)
    url = reverse("admin:points_point_compare", args=[point.pk])

    response = editor_client.get(url, {"old": first.pk, "new": second.pk})

    assert "No field differs." not in response.text
    assert "None of its own fields differs" in response.text
    assert "UB23" in response.text


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
    assert edited_point.pictures.count() == 1


def test_a_restore_can_be_undone(editor_client, edited_point):
    *_, first, second = versions_of(edited_point)
    editor_client.post(reverse("admin:points_point_restore", args=[edited_point.pk, first.pk]))

    editor_client.post(reverse("admin:points_point_restore", args=[edited_point.pk, second.pk]))

    edited_point.refresh_from_db()
    assert edited_point.how_to_find == "Find the top of the hip bone."


def shown_alt_texts(point):
    return list(point.pictures.values_list("picture__alt_text", flat=True))


def test_restoring_takes_off_pictures_shown_since_and_leaves_them_in_the_library(
    editor_client, point
):
    save(editor_client, point)
    old = versions_of(point)[0]
    with reversion.create_revision():
        added = make_image(point, alt_text="A newer picture", position=1)
    editor_client.post(reverse("admin:points_point_restore", args=[point.pk, old.pk]))

    assert shown_alt_texts(point) == ["BL23 beside the spine"]
    assert Picture.objects.filter(pk=added.pk).exists()
    assert default_storage.exists(added.image.name)
    assert trash.deleted_items() == []  # nothing was deleted but the point's use of it


def test_a_picture_a_restore_takes_off_stays_in_the_library_with_its_files_for_good(
    editor_client, editor, point, django_capture_on_commit_callbacks
):
    save(editor_client, point)
    old = versions_of(point)[0]
    with reversion.create_revision():
        added = make_image(point, alt_text="A newer picture", position=1)

    with time_machine.travel(timezone.now() + timedelta(days=40), tick=False):
        editor_client.force_login(editor)
        editor_client.post(reverse("admin:points_point_restore", args=[point.pk, old.pk]))
        with django_capture_on_commit_callbacks(execute=True):
            call_command("purge_trash", verbosity=0)

        assert trash.deleted_items() == []
    assert Picture.objects.filter(pk=added.pk).exists()
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


def test_a_picture_replaced_by_mistake_in_the_library_comes_back_with_its_files_on_restore(
    editor_client, client, point, django_capture_on_commit_callbacks
):
    picture = point.pictures.get().picture
    old_url, old_names = picture.image.url, stored_names(picture)
    save(editor_client, picture)
    before = versions_of(picture)[-1]
    with django_capture_on_commit_callbacks(execute=True):
        save(editor_client, picture, image=upload("new.png", png_bytes((60, 40))))
    replaced = versions_of(picture)[-1]
    picture.refresh_from_db()
    new_url, new_names = picture.image.url, stored_names(picture)
    assert new_names[0] != old_names[0]
    assert old_url not in client.get(point.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        response = restore_version(editor_client, picture, before)

    assert response.status_code == 302
    page = client.get(point.get_absolute_url()).text  # every page showing it shows it again
    assert old_url in page
    assert new_url not in page
    assert all(served(client, name) for name in old_names)
    # Undoing the restore brings the new picture back, files and all.
    with django_capture_on_commit_callbacks(execute=True):
        restore_version(editor_client, picture, replaced)
    assert new_url in client.get(point.get_absolute_url()).text
    assert all(served(client, name) for name in new_names)


def test_a_picture_can_be_replaced_again_after_a_restore(
    editor_client, client, point, django_capture_on_commit_callbacks
):
    picture = point.pictures.get().picture
    old_names = stored_names(picture)
    save(editor_client, picture)
    before = versions_of(picture)[-1]
    with django_capture_on_commit_callbacks(execute=True):
        save(editor_client, picture, image=upload("second.png"))
        restore_version(editor_client, picture, before)
        save(editor_client, picture, image=upload("third.png", png_bytes((50, 50))))

    third = Picture.objects.get()
    assert third.image.name not in old_names
    assert (third.width, third.height) == (50, 50)
    assert third.image.url in client.get(point.get_absolute_url()).text
    assert all(served(client, name) for name in stored_names(third))
    # Every file this picture had is still in its history.
    with django_capture_on_commit_callbacks(execute=True):
        assert restore_version(editor_client, picture, before).status_code == 302
    assert Picture.objects.get().image.name == old_names[0]


def test_an_authors_changed_photo_comes_back_on_restore(editor_client, client):
    one = make_picture(alt_text="Paul smiling")
    two = make_picture(alt_text="Paul at his desk")
    author = make_author(picture=one)
    make_article(author=author)
    save(editor_client, author)
    before = versions_of(author)[-1]
    save(editor_client, author, picture=two.pk)
    assert two.image.url in client.get(author.get_absolute_url()).text

    restore_version(editor_client, author, before)

    author.refresh_from_db()
    assert author.picture == one
    page = client.get(author.get_absolute_url()).text
    assert one.image.url in page
    assert two.image.url not in page
    assert Picture.objects.count() == 2  # both stay in the library


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
    picture = point.pictures.get().picture
    save(editor_client, picture, caption="Old caption.")
    first = versions_of(picture)[0]
    save(editor_client, picture, caption="New caption.", image=upload("new.png"))
    default_storage.delete(first.field_dict["image"].name)

    response = restore_version(editor_client, picture, first)

    assert response.status_code == 409
    assert "is no longer stored" in response.text
    picture.refresh_from_db()
    assert picture.caption == "New caption."


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
    picture = point.pictures.get().picture
    save(editor_client, picture)
    save(editor_client, picture, alt_text="BL23 from behind", image=upload())
    first, *_, second = versions_of(picture)
    picture.refresh_from_db()

    response = editor_client.get(
        reverse("admin:points_picture_compare", args=[picture.pk]),
        {"old": first.pk, "new": second.pk},
    )

    text = response.text
    assert "BL23 beside the spine" in text
    assert "BL23 from behind" in text
    assert f'src="{picture.image.url}"' in text
    assert ">pictures/" not in text
    assert "png<" not in text


def test_restores_are_in_the_admin_log_and_recent_actions(editor_client, edited_point):
    *_, first, _ = versions_of(edited_point)
    editor_client.post(reverse("admin:points_point_restore", args=[edited_point.pk, first.pk]))

    entry = LogEntry.objects.latest("pk")

    assert (entry.object_repr, entry.action_flag) == (str(edited_point), CHANGE)
    assert entry.change_message == "Restored version 2 (27 November 2026, 14:10:05, by edith)."
    assert "Restored version 2" in editor_client.get(reverse("admin:index")).text


# A point's pictures from the library, in its history.


@pytest.fixture
def repictured_point(editor_client, point):
    """BL23 saved showing its own picture (version 1), then showing a picture of the side from
    the library instead (version 2)."""
    Picture.objects.update(title="BL23 beside the spine")
    side = make_picture(title="BL23 from the side", alt_text="BL23 seen from the side")
    save(editor_client, point)
    save(
        editor_client,
        point,
        **{
            "pictures-0-DELETE": "on",
            "pictures-TOTAL_FORMS": "2",
            "pictures-1-picture": str(side.pk),
            "pictures-1-position": "1",
        },
    )
    return point


def test_restoring_a_point_puts_back_the_library_pictures_it_showed(
    editor_client, client, repictured_point
):
    *_, first, second = versions_of(repictured_point)
    own, side = Picture.objects.order_by("pk")
    assert [use.picture for use in repictured_point.pictures.all()] == [side]
    assert own.image.url not in client.get(repictured_point.get_absolute_url()).text

    response = restore_version(editor_client, repictured_point, first)

    assert response.status_code == 302
    assert [use.picture for use in repictured_point.pictures.all()] == [own]
    page = client.get(repictured_point.get_absolute_url()).text
    assert own.image.url in page
    assert side.image.url not in page
    assert list(Picture.objects.order_by("pk")) == [own, side]  # the library keeps both
    # And undone: the side view again.
    restore_version(editor_client, repictured_point, second)
    assert [use.picture for use in repictured_point.pictures.all()] == [side]


def test_history_says_which_pictures_a_point_showed_in_words(editor_client, repictured_point):
    text = editor_client.get(history_url(repictured_point)).text

    assert "Pictures: added “BL23 from the side” on BL23." in text
    assert "Pictures: removed “BL23 beside the spine” on BL23." in text
    assert "object (" not in text


def test_compare_shows_a_points_pictures_in_words(editor_client, repictured_point):
    *_, first, second = versions_of(repictured_point)

    response = editor_client.get(
        reverse("admin:points_point_compare", args=[repictured_point.pk]),
        {"old": first.pk, "new": second.pk},
    )

    text = response.text
    [pictures] = [inline for inline in response.context["inlines"] if inline.label == "Pictures"]
    assert [(name, state) for name, state, _ in pictures.differing] == [
        ("“BL23 beside the spine” on BL23", "removed"),
        ("“BL23 from the side” on BL23", "added"),
    ]
    assert "<h2>Pictures</h2>" in text
    assert '“BL23 from the side” on BL23 <span class="inline-state inline-added">' in text
    assert '<td class="new">BL23 from the side</td>' in text  # the picture, by its name
    assert "object (" not in text


def test_restoring_a_version_showing_a_picture_deleted_since_changes_nothing(
    editor_client, repictured_point
):
    *_, first, _ = versions_of(repictured_point)
    own, side = Picture.objects.order_by("pk")
    editor_client.post(reverse("admin:points_picture_delete", args=[own.pk]), {"post": "yes"})
    assert not Picture.objects.filter(pk=own.pk).exists()  # no point showed it any more

    response = restore_version(editor_client, repictured_point, first)

    assert response.status_code == 409
    assert "links to “BL23 beside the spine”, which has been deleted" in response.text
    assert "Recover it from the trash first" in response.text
    assert [use.picture for use in repictured_point.pictures.all()] == [side]


def test_restoring_a_version_whose_source_was_taken_off_and_cited_again_works(editor_client, point):
    reference = Reference.objects.create(title="A trial", authors="Lee", year=2020)
    first = PointReference.objects.create(point=point, reference=reference)
    save(editor_client, point, how_to_find="Version one.")
    version_one = Version.objects.get_for_object(point).order_by("pk").last()
    # The source taken off the page, then cited again: a new row for the same source.
    first.delete()
    with reversion.create_revision():
        PointReference.objects.create(point=point, reference=reference)
        point.how_to_find = "Version two."
        point.save()

    url = reverse("admin:points_point_restore", args=[point.pk, version_one.pk])
    response = editor_client.post(url)

    assert response.status_code == 302, response.text[response.text.find("errornote") :][:400]
    point.refresh_from_db()
    assert point.how_to_find == "Version one."
    assert list(point.citations.values_list("reference__title", flat=True)) == ["A trial"]


def test_restoring_the_site_routine_while_another_article_is_it_says_why(editor_client):
    first = make_article(title="First", slug="first", is_site_routine=True)
    with reversion.create_revision():
        first.save()
    old = Version.objects.get_for_object(first).get()
    Article.objects.filter(pk=first.pk).update(is_site_routine=False)
    make_article(title="Second", slug="second", is_site_routine=True)

    url = reverse("admin:points_article_restore", args=[first.pk, old.pk])
    response = editor_client.post(url)

    assert response.status_code == 409
    assert "Second" in response.text  # names the article that is the site's routine now

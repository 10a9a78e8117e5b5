"""`manage.py purge_trash` removes the picture files nothing needs any more: a picture replaced
in the admin stays restorable for 30 days after it was replaced, then its files go; files a
current row uses never go; `--dry-run` lists what would go and changes nothing."""

from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from points.models import Point
from tests.factories import make_author, make_image, make_point, png_bytes, upload
from tests.pages import change_form

pytestmark = pytest.mark.django_db


def purge_trash(**options):
    out = StringIO()
    call_command("purge_trash", stdout=out, **options)
    return out.getvalue()


@contextmanager
def later(days, client=None, user=None):
    """The clock `days` from now (files stored now are then that old too), with `client`
    signed in as `user` again (a session does not last that long)."""
    with time_machine.travel(timezone.now() + timedelta(days=days), tick=False):
        if client is not None:
            client.force_login(user)
        yield


def stored_names(picture):
    return [picture.image.name, *(rendition["name"] for rendition in picture.renditions)]


def stored(names):
    return [name for name in names if default_storage.exists(name)]


def save(client, obj, **changes):
    url, data = change_form(client, obj)
    response = client.post(url, data | changes)
    assert response.status_code == 302, response.context["adminform"].form.errors


def replace_picture(client, point, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        save(client, point, **{"images-0-image": upload("new.png", png_bytes((60, 40)))})
    return point.images.get()


def test_a_replaced_picture_is_kept_30_days_after_it_was_replaced_however_old_it_was(
    editor_client, editor, point, django_capture_on_commit_callbacks
):
    old = point.images.get()
    save(editor_client, point)  # the only version showing the old picture
    first = Version.objects.get_for_object(point).last()
    with later(days=100, client=editor_client, user=editor):
        new = replace_picture(editor_client, point, django_capture_on_commit_callbacks)
        purge_trash()
        assert stored(stored_names(old)) == stored_names(old)

    with later(days=131, client=editor_client, user=editor):
        output = purge_trash()
        restore = reverse("admin:points_point_restore", args=[point.pk, first.pk])
        response = editor_client.post(restore)

    assert f"Removed {len(stored_names(old))} picture files" in output
    assert stored(stored_names(old)) == []
    assert stored(stored_names(new)) == stored_names(new)
    assert response.status_code == 409
    assert "is no longer stored" in response.text
    assert point.images.get().image.name == new.image.name


def test_files_current_rows_use_are_never_removed(editor_client, point):
    picture = point.images.get()
    author = make_author(photo=upload(), photo_alt_text="Paul smiling")
    # Saved in the admin long ago: no revision younger than 30 days shows them.
    save(editor_client, point)
    save(editor_client, author)

    with later(days=400):
        output = purge_trash()

    assert "Removed 0 picture files" in output
    assert stored(stored_names(picture)) == stored_names(picture)
    assert default_storage.exists(author.photo.name)


def test_files_nothing_refers_to_go_once_a_day_old_and_other_folders_are_left_alone():
    orphan = default_storage.save("points/orphan.png", ContentFile(png_bytes()))
    nested = default_storage.save("authors/2019/old.png", ContentFile(png_bytes()))
    other = default_storage.save("exports/report.csv", ContentFile(b"a,b"))

    purge_trash()
    assert stored([orphan, nested]) == [orphan, nested]  # an upload whose row is not saved yet

    with later(days=2):
        purge_trash()

    assert stored([orphan, nested, other]) == [other]


def test_a_deleted_point_keeps_its_files_for_30_days_then_they_go(
    editor_client, point, django_capture_on_commit_callbacks
):
    names = stored_names(point.images.get())
    editor_client.post(reverse("admin:points_point_delete", args=[point.pk]), {"post": "yes"})

    with later(days=29):
        assert "Purged 0 items" in purge_trash()
    assert stored(names) == names

    with later(days=31):
        output = purge_trash()

    assert "Purged 2 items" in output  # the point and its picture
    assert stored(names) == []


def test_dry_run_lists_what_would_go_and_changes_nothing(
    editor_client, point, django_capture_on_commit_callbacks
):
    old = point.images.get()
    save(editor_client, point)
    replace_picture(editor_client, point, django_capture_on_commit_callbacks)
    deleted = make_point(code="GB30", slug="gb30-huantiao", pinyin="Huantiao")
    deleted_files = stored_names(make_image(deleted))
    editor_client.post(reverse("admin:points_point_delete", args=[deleted.pk]), {"post": "yes"})

    with later(days=31):
        output = purge_trash(dry_run=True)
        in_trash = Version.objects.get_deleted(Point).count()

    assert "Would purge 2 items from the trash:" in output
    assert "point “GB30 Huantiao”, deleted" in output
    expected = len(stored_names(old)) + len(deleted_files)
    assert f"Would remove {expected} picture files that nothing needs any more:" in output
    assert all(name in output for name in [*stored_names(old), *deleted_files])
    assert point.images.get().image.name not in output
    assert stored(stored_names(old) + deleted_files) == stored_names(old) + deleted_files
    assert in_trash == 1


def test_a_restore_after_a_replace_keeps_both_pictures_for_30_days(
    editor_client, editor, point, django_capture_on_commit_callbacks
):
    old = point.images.get()
    save(editor_client, point)
    first = Version.objects.get_for_object(point).last()
    with later(days=50, client=editor_client, user=editor):
        new = replace_picture(editor_client, point, django_capture_on_commit_callbacks)
    with later(days=60, client=editor_client, user=editor):
        restore = reverse("admin:points_point_restore", args=[point.pk, first.pk])
        assert editor_client.post(restore).status_code == 302

    with later(days=85):
        purge_trash()
    assert stored(stored_names(old) + stored_names(new)) == stored_names(old) + stored_names(new)

    with later(days=91):
        purge_trash()
    assert stored(stored_names(old) + stored_names(new)) == stored_names(old)

"""`manage.py purge_trash` removes the picture files nothing needs any more: a picture replaced
in the library stays restorable for 30 days after it was replaced, then its files go; files a
current picture uses never go, in the folders pictures were stored in before the library too;
`--dry-run` lists what would go and changes nothing."""

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

from points import picture_files
from points.models import Picture, Point
from tests.factories import make_author, make_image, make_picture, make_point, png_bytes, upload
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


def replace_picture(client, picture, django_capture_on_commit_callbacks):
    """Upload a new file for `picture` in the library, as an editor does; returns it as saved."""
    with django_capture_on_commit_callbacks(execute=True):
        save(client, picture, image=upload("new.png", png_bytes((60, 40))))
    return Picture.objects.get(pk=picture.pk)


def delete(client, obj):
    """Delete `obj` in the admin: it goes to the trash."""
    name = f"admin:points_{obj._meta.model_name}_delete"
    response = client.post(reverse(name, args=[obj.pk]), {"post": "yes"})
    assert response.status_code == 302, response.text


def test_a_replaced_picture_is_kept_30_days_after_it_was_replaced_however_old_it_was(
    editor_client, editor, point, django_capture_on_commit_callbacks
):
    old = point.pictures.get().picture
    save(editor_client, old)  # the only version showing the old file
    first = Version.objects.get_for_object(old).last()
    with later(days=100, client=editor_client, user=editor):
        new = replace_picture(editor_client, old, django_capture_on_commit_callbacks)
        purge_trash()
        assert stored(stored_names(old)) == stored_names(old)

    with later(days=131, client=editor_client, user=editor):
        output = purge_trash()
        restore = reverse("admin:points_picture_restore", args=[old.pk, first.pk])
        response = editor_client.post(restore)

    assert f"Removed {len(stored_names(old))} picture files" in output
    assert stored(stored_names(old)) == []
    assert stored(stored_names(new)) == stored_names(new)
    assert response.status_code == 409
    assert "is no longer stored" in response.text
    assert point.pictures.get().picture.image.name == new.image.name


def test_files_current_rows_use_are_never_removed(editor_client, point):
    picture = point.pictures.get().picture
    author = make_author(picture=make_picture(alt_text="Paul smiling"))
    # Saved in the admin long ago: no revision younger than 30 days shows them.
    for obj in (point, picture, author, author.picture):
        save(editor_client, obj)

    with later(days=400):
        output = purge_trash()

    assert "Removed 0 picture files" in output
    assert stored(stored_names(picture)) == stored_names(picture)
    assert stored(stored_names(author.picture)) == stored_names(author.picture)


def test_files_nothing_refers_to_go_once_a_day_old_and_other_folders_are_left_alone():
    orphan = default_storage.save("pictures/orphan.png", ContentFile(png_bytes()))
    # Where pictures were stored before the library: a point's, and an author's photo.
    earlier = default_storage.save("points/orphan.png", ContentFile(png_bytes()))
    nested = default_storage.save("authors/2019/old.png", ContentFile(png_bytes()))
    other = default_storage.save("exports/report.csv", ContentFile(b"a,b"))

    purge_trash()
    # An upload whose row is not saved yet.
    assert stored([orphan, earlier, nested]) == [orphan, earlier, nested]

    with later(days=2):
        purge_trash()

    assert stored([orphan, earlier, nested, other]) == [other]


def moved_into_the_library(folder, **fields):
    """A picture stored before the library, as the migration moved it in: the row is new, its
    file and renditions stay where they were uploaded (points/ or authors/)."""
    name = default_storage.save(f"{folder}/a1b2c3.png", ContentFile(png_bytes()))
    rendition = default_storage.save(f"{folder}/a1b2c3-40.webp", ContentFile(b"RIFF"))
    picture = Picture.objects.create(
        image=name,
        width=40,
        height=30,
        renditions=[{"width": 40, "height": 30, "name": rendition}],
        **{"alt_text": f"Moved from {folder}/"} | fields,
    )
    assert stored_names(picture) == [name, rendition]  # not uploaded again
    return picture


def test_the_earlier_folders_are_looked_through_with_the_pictures_storage():
    (field,) = picture_files.picture_fields()
    assert picture_files.EARLIER_FOLDERS == ("points", "authors")

    assert picture_files.folders([field]) == [
        (field.storage, "pictures"),
        (field.storage, "points"),
        (field.storage, "authors"),
    ]


def test_pictures_moved_into_the_library_keep_their_files_in_the_earlier_folders(
    editor_client, point
):
    diagram = moved_into_the_library("points")
    point.pictures.create(picture=diagram, position=1)
    author = make_author(picture=moved_into_the_library("authors", title="Photo of Paul"))
    photo = author.picture
    unused = moved_into_the_library("points", title="Used by nothing")
    for obj in (point, diagram, author, photo, unused):
        save(editor_client, obj)
    orphans = [
        default_storage.save("points/orphan.png", ContentFile(png_bytes())),
        default_storage.save("authors/orphan.jpg", ContentFile(png_bytes())),
    ]

    with later(days=400):
        output = purge_trash(verbosity=2)

    assert "Removed 2 picture files" in output
    assert stored(orphans) == []
    for picture in (diagram, photo, unused):  # a picture in the library, used or not, is current
        assert stored(stored_names(picture)) == stored_names(picture)


def test_a_deleted_picture_from_an_earlier_folder_goes_30_days_after_it_was_deleted(
    editor_client, editor
):
    author = make_author(picture=moved_into_the_library("authors", title="Photo of Paul"))
    photo = author.picture
    names = stored_names(photo)
    save(editor_client, author, picture="")  # the author lets go of the photo
    delete(editor_client, photo)

    with later(days=29):
        assert "Purged 0 items" in purge_trash()
    assert stored(names) == names  # the trash can still bring it back

    with later(days=31):
        output = purge_trash()

    assert "Purged 1 item " in output
    assert stored(names) == []


def test_a_deleted_point_and_its_picture_keep_their_files_for_30_days_then_they_go(
    editor_client, point
):
    picture = point.pictures.get().picture
    names = stored_names(picture)
    delete(editor_client, point)
    assert Picture.objects.get() == picture  # still in the library: a picture is shared
    delete(editor_client, picture)  # used by nothing now

    with later(days=29):
        assert "Purged 0 items" in purge_trash()
    assert stored(names) == names

    with later(days=31):
        output = purge_trash()

    assert "Purged 2 items" in output  # the point and the picture
    assert stored(names) == []


def test_a_deleted_points_picture_still_in_the_library_keeps_its_files(editor_client, point):
    picture = point.pictures.get().picture
    delete(editor_client, point)

    with later(days=400):
        output = purge_trash()

    assert "Purged 1 item " in output  # the point
    assert stored(stored_names(picture)) == stored_names(picture)


def test_dry_run_lists_what_would_go_and_changes_nothing(
    editor_client, point, django_capture_on_commit_callbacks
):
    old = point.pictures.get().picture
    save(editor_client, old)
    new = replace_picture(editor_client, old, django_capture_on_commit_callbacks)
    deleted = make_point(code="GB30", slug="gb30-huantiao", pinyin="Huantiao")
    deleted_picture = make_image(deleted)
    deleted_files = stored_names(deleted_picture)
    delete(editor_client, deleted)
    delete(editor_client, deleted_picture)

    with later(days=31):
        output = purge_trash(dry_run=True)
        in_trash = Version.objects.get_deleted(Point).count()

    assert "Would purge 2 items from the trash:" in output
    assert "point “GB30 Huantiao”, deleted" in output
    assert f"picture “{deleted_picture}”, deleted" in output
    expected = len(stored_names(old)) + len(deleted_files)
    assert f"Would remove {expected} picture files that nothing needs any more:" in output
    assert all(name in output for name in [*stored_names(old), *deleted_files])
    assert new.image.name not in output
    assert stored(stored_names(old) + deleted_files) == stored_names(old) + deleted_files
    assert in_trash == 1


def test_a_restore_after_a_replace_keeps_both_pictures_for_30_days(
    editor_client, editor, point, django_capture_on_commit_callbacks
):
    old = point.pictures.get().picture
    save(editor_client, old)
    first = Version.objects.get_for_object(old).last()
    with later(days=50, client=editor_client, user=editor):
        new = replace_picture(editor_client, old, django_capture_on_commit_callbacks)
    with later(days=60, client=editor_client, user=editor):
        restore = reverse("admin:points_picture_restore", args=[old.pk, first.pk])
        assert editor_client.post(restore).status_code == 302

    with later(days=85):
        purge_trash()
    assert stored(stored_names(old) + stored_names(new)) == stored_names(old) + stored_names(new)

    with later(days=91):
        purge_trash()
    assert stored(stored_names(old) + stored_names(new)) == stored_names(old)
    assert point.pictures.get().picture.image.name == old.image.name

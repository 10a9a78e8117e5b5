"""One upload pipeline for every picture field: the author's photo is decoded, stripped of its
metadata and stored under a random name like a point's pictures, and files a row lets go of are
removed once the database has committed, never before, unless an editor's change keeps them for
the history (then purge_trash removes them later, tests/test_picture_files.py)."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from points.models import Author, PointImage
from points.validators import keep_old_files
from tests.factories import gps_jpeg_bytes, make_author, make_image, make_point, upload

pytestmark = pytest.mark.django_db


def stored(storage, name):
    return storage.exists(name)


def test_the_input_has_a_gps_position():
    assert Image.open(io.BytesIO(gps_jpeg_bytes())).getexif().get_ifd(0x8825)


def test_an_authors_photo_uploaded_in_the_admin_loses_its_gps_position(editor_client):
    response = editor_client.post(
        reverse("admin:points_author_add"),
        {
            "name": "Paul Thomas",
            "slug": "paul-thomas",
            "bio": "Writes.",
            "photo": upload("paul-at-home.jpg", gps_jpeg_bytes(), "image/jpeg"),
            "photo_alt_text": "Paul smiling",
        },
    )

    assert response.status_code == 302, response.text
    photo = Author.objects.get().photo
    assert photo.name.startswith("authors/")
    assert "paul-at-home" not in photo.name
    with photo.open() as file, Image.open(file) as result:
        assert result.format == "JPEG"
        assert result.size == (64, 48)
        assert not result.getexif()
        assert "exif" not in result.info


def test_a_file_that_is_not_a_picture_is_refused_for_an_author_too(editor_client):
    response = editor_client.post(
        reverse("admin:points_author_add"),
        {
            "name": "A",
            "slug": "a",
            "photo": upload("x.jpg", b"not a picture", "image/jpeg"),
            "photo_alt_text": "A",
        },
    )

    assert response.status_code == 200
    assert "not a picture we can read" in response.text
    assert not Author.objects.exists()


def test_a_replaced_photo_is_removed_after_the_save_commits(django_capture_on_commit_callbacks):
    author = make_author(photo=upload("one.png"), photo_alt_text="A")
    old_name, storage = author.photo.name, author.photo.storage

    with django_capture_on_commit_callbacks(execute=True):
        author.photo = upload("two.png")
        author.save()

    assert not stored(storage, old_name)
    assert stored(storage, author.photo.name)


def test_a_cleared_photo_is_removed(django_capture_on_commit_callbacks):
    author = make_author(photo=upload(), photo_alt_text="A")
    old_name, storage = author.photo.name, author.photo.storage

    with django_capture_on_commit_callbacks(execute=True):
        author.photo = None
        author.save()

    assert not stored(storage, old_name)


def test_saving_other_fields_keeps_the_photo(django_capture_on_commit_callbacks):
    author = make_author(photo=upload(), photo_alt_text="A")

    with django_capture_on_commit_callbacks(execute=True):
        author.bio = "New bio."
        author.save()

    assert stored(author.photo.storage, author.photo.name)


def test_a_replaced_point_picture_loses_its_file_and_renditions(
    django_capture_on_commit_callbacks,
):
    picture = make_image(make_point())
    storage = picture.image.storage
    old = [picture.image.name, *(r["name"] for r in picture.renditions)]

    with django_capture_on_commit_callbacks(execute=True):
        picture.image = upload("new.png")
        picture.save()

    assert not any(stored(storage, name) for name in old)
    assert stored(storage, picture.image.name)
    assert all(stored(storage, r["name"]) for r in picture.renditions)


def test_an_editors_change_keeps_the_files_it_lets_go_of_for_the_history(
    django_capture_on_commit_callbacks,
):
    author = make_author(photo=upload("one.png"), photo_alt_text="A")
    picture = make_image(make_point())
    storage = picture.image.storage
    old = [author.photo.name, picture.image.name, *(r["name"] for r in picture.renditions)]

    with keep_old_files(), django_capture_on_commit_callbacks(execute=True):
        author.photo = None
        author.save()
        picture.image = upload("new.png")
        picture.save()

    assert all(stored(storage, name) for name in old)
    assert stored(storage, picture.image.name)


def test_deleting_rows_removes_their_files_after_commit(django_capture_on_commit_callbacks):
    point = make_point()
    picture = make_image(point)
    author = make_author(photo=upload(), photo_alt_text="A")
    storage = picture.image.storage
    names = [picture.image.name, *(r["name"] for r in picture.renditions), author.photo.name]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        point.delete()  # its pictures go with it
        author.delete()
    assert all(stored(storage, name) for name in names)  # not before the commit
    for callback in callbacks:
        callback()

    assert not any(stored(storage, name) for name in names)
    assert not PointImage.objects.exists()

"""One upload pipeline for every picture: a picture uploaded to the library (an author's photo
as much as a point's diagram) is decoded, stripped of its metadata, resized into renditions and
stored under a random name, and files a picture lets go of are removed once the database has
committed, never before, unless an editor's change keeps them for the history (then
purge_trash removes them later, tests/test_picture_files.py)."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from points.models import Author, Picture, PointPicture
from points.validators import keep_old_files
from tests.factories import (
    gps_jpeg_bytes,
    make_article,
    make_author,
    make_image,
    make_picture,
    make_point,
    png_bytes,
    upload,
)
from tests.pages import form_data

pytestmark = pytest.mark.django_db


def stored(storage, name):
    return storage.exists(name)


def stored_names(picture):
    return [picture.image.name, *(r["name"] for r in picture.renditions)]


def add_picture(client, **fields):
    """Send the library's "Add picture" form as an editor fills it in."""
    url = reverse("admin:points_picture_add")
    return client.post(url, form_data(client.get(url).text, "picture_form") | fields)


def test_the_input_has_a_gps_position():
    assert Image.open(io.BytesIO(gps_jpeg_bytes())).getexif().get_ifd(0x8825)


def test_a_photo_uploaded_to_the_library_loses_its_gps_position_and_becomes_an_authors(
    editor_client, client
):
    response = add_picture(
        editor_client,
        image=upload("paul-at-home.jpg", gps_jpeg_bytes((700, 500)), "image/jpeg"),
        alt_text="Paul smiling",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    picture = Picture.objects.get()

    response = editor_client.post(
        reverse("admin:points_author_add"),
        {"name": "Paul Thomas", "slug": "paul-thomas", "bio": "Writes.", "picture": picture.pk},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Author.objects.get().picture == picture
    assert picture.title == "paul at home"  # named after the file, which is not kept
    assert picture.image.name.startswith("pictures/")
    assert "paul-at-home" not in picture.image.name
    with picture.image.open() as file, Image.open(file) as result:
        assert result.format == "JPEG"
        assert result.size == (700, 500)
        assert not result.getexif()
        assert "exif" not in result.info
    assert [(r["width"], r["height"]) for r in picture.renditions] == [
        (320, 229),
        (640, 457),
        (700, 500),
    ]
    for rendition in picture.renditions:
        with picture.image.storage.open(rendition["name"]) as file, Image.open(file) as result:
            assert result.format == "WEBP"
            assert not result.getexif()
    author = make_article(author=Author.objects.get()).author  # shown once they have written
    page = client.get(author.get_absolute_url()).text
    assert picture.image.url in page
    assert 'alt="Paul smiling"' in page


def test_a_file_that_is_not_a_picture_is_refused_by_the_library(editor_client):
    response = add_picture(
        editor_client, image=upload("x.jpg", b"not a picture", "image/jpeg"), alt_text="A"
    )

    assert response.status_code == 200
    assert "not a picture we can read" in response.text
    assert not Picture.objects.exists()


def test_a_replaced_authors_photo_is_removed_after_the_save_commits(
    django_capture_on_commit_callbacks,
):
    author = make_author(picture=make_picture(image=upload("one.png")))
    picture = author.picture
    old, storage = stored_names(picture), picture.image.storage

    with django_capture_on_commit_callbacks(execute=True):
        picture.image = upload("two.png")
        picture.save()

    assert not any(stored(storage, name) for name in old)
    assert all(stored(storage, name) for name in stored_names(picture))


def test_a_cleared_picture_file_is_removed(django_capture_on_commit_callbacks):
    picture = make_picture()
    old, storage = stored_names(picture), picture.image.storage

    with django_capture_on_commit_callbacks(execute=True):
        picture.image = None
        picture.save()

    assert not any(stored(storage, name) for name in old)
    assert picture.renditions == []


def test_saving_other_fields_keeps_the_photo(django_capture_on_commit_callbacks):
    author = make_author(picture=make_picture())
    picture = author.picture

    with django_capture_on_commit_callbacks(execute=True):
        author.bio = "New bio."
        author.save()
        picture.caption = "Paul at home."
        picture.save()

    assert all(stored(picture.image.storage, name) for name in stored_names(picture))


def test_an_author_who_lets_go_of_their_photo_leaves_it_in_the_library(
    django_capture_on_commit_callbacks,
):
    author = make_author(picture=make_picture())
    picture = author.picture

    with django_capture_on_commit_callbacks(execute=True):
        author.picture = None
        author.save()

    assert Picture.objects.get() == picture
    assert all(stored(picture.image.storage, name) for name in stored_names(picture))


def test_a_replaced_point_picture_loses_its_file_and_renditions(
    django_capture_on_commit_callbacks,
):
    picture = make_image(make_point())
    storage = picture.image.storage
    old = stored_names(picture)

    with django_capture_on_commit_callbacks(execute=True):
        picture.image = upload("new.png", png_bytes((700, 500)))
        picture.save()

    assert not any(stored(storage, name) for name in old)
    assert stored(storage, picture.image.name)
    assert [r["width"] for r in picture.renditions] == [320, 640, 700]
    assert all(stored(storage, r["name"]) for r in picture.renditions)


def test_an_editors_change_keeps_the_files_it_lets_go_of_for_the_history(
    django_capture_on_commit_callbacks,
):
    photo = make_author(picture=make_picture(image=upload("one.png"))).picture
    picture = make_image(make_point())
    storage = picture.image.storage
    old = [*stored_names(photo), *stored_names(picture)]

    with keep_old_files(), django_capture_on_commit_callbacks(execute=True):
        photo.image = None
        photo.save()
        picture.image = upload("new.png")
        picture.save()

    assert all(stored(storage, name) for name in old)
    assert stored(storage, picture.image.name)


def test_deleting_pictures_removes_their_files_after_commit_and_not_with_their_users(
    django_capture_on_commit_callbacks,
):
    point = make_point()
    picture = make_image(point)
    author = make_author(picture=make_picture())
    photo = author.picture
    storage = picture.image.storage
    names = [*stored_names(picture), *stored_names(photo)]

    with django_capture_on_commit_callbacks(execute=True):
        point.delete()  # its use of the picture goes; the picture stays in the library
        author.delete()
    assert all(stored(storage, name) for name in names)
    assert not PointPicture.objects.exists()
    assert Picture.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Picture.objects.all().delete()
    assert all(stored(storage, name) for name in names)  # not before the commit
    for callback in callbacks:
        callback()

    assert not any(stored(storage, name) for name in names)

"""Uploaded pictures are served by the site itself on a single machine, and nothing else is."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from points.models import Picture
from tests.factories import make_image, make_point, png_bytes

pytestmark = pytest.mark.django_db


def test_uploaded_picture_is_served_with_long_caching(client):
    picture = make_image(make_point())

    response = client.get(picture.image.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert picture.image.name.startswith("pictures/")
    webp = client.get(picture.image.storage.url(picture.renditions[0]["name"]))
    assert webp.status_code == 200
    assert webp["Content-Type"] == "image/webp"


@pytest.mark.parametrize("folder", ["points", "authors"])
def test_a_picture_stored_before_the_library_is_served_from_its_folder(client, folder):
    name = default_storage.save(f"{folder}/a1b2c3.png", ContentFile(png_bytes()))
    picture = Picture.objects.create(image=name, width=40, height=30, alt_text="Moved in")

    response = client.get(picture.image.url)

    assert picture.image.url == f"/media/{folder}/a1b2c3.png"
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    "path",
    [
        "/media/../acupressure/settings.py",
        "/media/..%2f..%2facupressure%2fsettings.py",
        "/media/%2e%2e/%2e%2e/etc/passwd",
        "/media/..%5c..%5cetc%5cpasswd",
        "/media/%252e%252e%252fetc%252fpasswd",
        "/media//etc/passwd",
        "/media/points/missing.png",
        "/media/pictures/missing.png",
        "/media/points/",
        "/media/pictures/",
    ],
)
def test_paths_outside_uploads_or_missing_files_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("folder", ["pictures", "points"])
def test_files_that_are_not_pictures_are_never_served(client, settings, folder):
    (settings.MEDIA_ROOT / folder).mkdir(parents=True)
    (settings.MEDIA_ROOT / folder / "page.html").write_text("<script>alert(1)</script>")

    assert client.get(f"/media/{folder}/page.html").status_code == 404

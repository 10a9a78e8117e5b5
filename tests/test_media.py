"""Uploaded pictures are served by the site itself on a single machine, and nothing else is."""

import pytest

from tests.factories import make_image, make_point

pytestmark = pytest.mark.django_db


def test_uploaded_picture_is_served_with_long_caching(client):
    image = make_image(make_point())

    response = client.get(image.image.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


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
        "/media/points/",
    ],
)
def test_paths_outside_uploads_or_missing_files_are_404(client, path):
    assert client.get(path).status_code == 404


def test_files_that_are_not_pictures_are_never_served(client, settings):
    (settings.MEDIA_ROOT / "points").mkdir(parents=True)
    (settings.MEDIA_ROOT / "points" / "page.html").write_text("<script>alert(1)</script>")

    assert client.get("/media/points/page.html").status_code == 404

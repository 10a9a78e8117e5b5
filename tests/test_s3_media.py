"""Media past one machine: uploads kept in an S3-compatible object store (MEDIA_STORAGE=s3,
django-storages), exercised against a real S3 API server (moto's) that the test starts on
loopback: upload through the pipeline, renditions, replace, delete, purge_trash removing what
nothing needs, and backup and restore."""

import io
import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from itertools import count

import boto3
import pytest
import time_machine
from botocore.exceptions import ClientError
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from moto.server import ThreadedMotoServer
from PIL import Image

from points.validators import keep_old_files
from scripts.harness import free_port, throwaway_env
from tests.factories import (
    gps_jpeg_bytes,
    make_author,
    make_image,
    make_picture,
    make_point,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db

PROJECT_DIR = settings.BASE_DIR
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
_buckets = count(1)


@pytest.fixture(scope="module")
def s3_endpoint():
    """A real S3 API server (moto) on a free loopback port, for this module's tests."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_endpoint):
    client = boto3.client("s3", endpoint_url=s3_endpoint, **lowercase(CREDENTIALS))
    bucket = f"media-{os.getpid()}-{next(_buckets)}"
    client.create_bucket(Bucket=bucket)
    return client, bucket


def lowercase(credentials):
    return {
        "aws_access_key_id": credentials["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": credentials["AWS_SECRET_ACCESS_KEY"],
        "region_name": credentials["AWS_DEFAULT_REGION"],
    }


def site_env(s3_endpoint, bucket, root):
    """The environment of a site whose uploads live in the bucket, as an operator sets it."""
    return throwaway_env(
        root,
        MEDIA_STORAGE="s3",
        MEDIA_BUCKET=bucket,
        MEDIA_ENDPOINT_URL=s3_endpoint,
        **CREDENTIALS,
    )


@pytest.fixture
def s3_storage(s3, s3_endpoint, settings, monkeypatch, tmp_path):
    """This process's uploads go to the bucket, with the options MEDIA_STORAGE=s3 sets."""
    client, bucket = s3
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    code = "from django.conf import settings; print(repr(settings.STORAGES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=PROJECT_DIR,
        env=site_env(s3_endpoint, bucket, tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    configured = eval(result.stdout)  # noqa: S307 - our own settings' repr, from our process
    assert configured["BACKEND"] == "storages.backends.s3.S3Storage"
    settings.STORAGES = settings.STORAGES | {"default": configured}
    return client, bucket


def keys(client, bucket):
    listing = client.list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


def exists(client, bucket, key):
    try:
        client.head_object(Bucket=bucket, Key=key)
    except ClientError:
        return False
    return True


def names(picture):
    return {picture.image.name, *(rendition["name"] for rendition in picture.renditions)}


def test_an_upload_goes_through_the_pipeline_into_the_bucket(s3_storage, client):
    s3, bucket = s3_storage
    point = make_point()

    picture = make_image(
        point, image=upload("IMG_1.jpg", gps_jpeg_bytes((1000, 600)), "image/jpeg")
    )

    assert keys(s3, bucket) == names(picture)
    assert [rendition["width"] for rendition in picture.renditions] == [320, 640, 960, 1000]
    assert "IMG_1" not in picture.image.name
    stored = s3.get_object(Bucket=bucket, Key=picture.image.name)
    assert stored["CacheControl"] == "public, max-age=31536000, immutable"
    with Image.open(io.BytesIO(stored["Body"].read())) as result:
        assert not result.getexif()
    page = client.get(point.get_absolute_url()).text
    assert f"{settings.STORAGES['default']['OPTIONS']['endpoint_url']}/{bucket}/" in page


def test_an_authors_photo_goes_to_the_bucket_without_its_gps_position(s3_storage):
    s3, bucket = s3_storage

    author = make_author(
        picture=make_picture(image=upload("me.jpg", gps_jpeg_bytes(), "image/jpeg"))
    )

    photo = author.picture
    assert keys(s3, bucket) == names(photo)  # the photo and its rendition, like any picture
    assert photo.image.name.startswith("pictures/")
    for key in names(photo):
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert not Image.open(io.BytesIO(body)).getexif()


def test_a_replaced_picture_leaves_no_object_behind(s3_storage, django_capture_on_commit_callbacks):
    s3, bucket = s3_storage
    picture = make_image(make_point(), image=upload(content=gps_jpeg_bytes((800, 400))))
    old = names(picture)

    with django_capture_on_commit_callbacks(execute=True):
        picture.image = upload("second.png")
        picture.save()

    assert keys(s3, bucket) == names(picture)
    assert not any(exists(s3, bucket, key) for key in old)


def test_deleting_a_picture_deletes_its_objects(s3_storage, django_capture_on_commit_callbacks):
    s3, bucket = s3_storage
    point = make_point()
    picture = make_image(point)

    with django_capture_on_commit_callbacks(execute=True):
        point.delete()  # the point no longer uses it; it stays in the library
    assert keys(s3, bucket) == names(picture)

    with django_capture_on_commit_callbacks(execute=True):
        picture.delete()

    assert keys(s3, bucket) == set()


def test_purge_trash_removes_the_objects_nothing_needs_from_the_bucket(
    s3_storage, django_capture_on_commit_callbacks
):
    s3, bucket = s3_storage
    picture = make_image(make_point(), image=upload(content=gps_jpeg_bytes((800, 400))))
    old = names(picture)
    with keep_old_files(), django_capture_on_commit_callbacks(execute=True):
        picture.image = upload("second.png")
        picture.save()  # as in the admin: the old objects stay for the history
    s3.put_object(Bucket=bucket, Key="exports/report.csv", Body=b"a,b")
    # Left in the folders pictures were stored in before the library: one a picture moved into
    # the library still uses, and one nothing uses.
    s3.put_object(Bucket=bucket, Key="points/moved.png", Body=png_bytes())
    s3.put_object(Bucket=bucket, Key="authors/2019/orphan.png", Body=png_bytes())
    moved = make_picture(image="points/moved.png", width=40, height=30)
    kept = names(picture) | {"exports/report.csv", "points/moved.png"}
    assert keys(s3, bucket) == old | kept | {"authors/2019/orphan.png"}

    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        dry_run = StringIO()
        call_command("purge_trash", dry_run=True, stdout=dry_run)
        assert all(key in dry_run.getvalue() for key in [*old, "authors/2019/orphan.png"])
        assert moved.image.name not in dry_run.getvalue()
        assert keys(s3, bucket) == old | kept | {"authors/2019/orphan.png"}
        call_command("purge_trash", verbosity=0)

    assert keys(s3, bucket) == kept


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *map(str, args)],
        cwd=PROJECT_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_backup_and_restore_with_media_in_the_bucket(s3, s3_endpoint, tmp_path):
    """An operator's round trip: demo content uploaded to the store, a backup, a mass delete
    (which deletes the objects too), and a restore that brings rows and objects back."""
    client, bucket = s3
    env = site_env(s3_endpoint, bucket, tmp_path)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo_content")
    uploaded = keys(client, bucket)
    assert len(uploaded) > 10  # the 10 demo pictures and their renditions
    backup_dir = tmp_path / "backups"

    manage(env, "backup", "--output", backup_dir)
    (backup,) = backup_dir.glob("backup-*")
    manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from points.models import Picture, Point\n"
        "Point.objects.all().delete()\nPicture.objects.all().delete()",
    )
    assert keys(client, bucket) == set()  # the deleted pictures' objects went with them
    restored = manage(env, "restore", backup, "--yes")

    assert "Everything matches the backup's manifest" in restored
    assert keys(client, bucket) == uploaded
    count_pictures = (
        "from points.models import Picture, PointPicture\n"
        "print(Picture.objects.count(), PointPicture.objects.count())"
    )
    assert manage(env, "shell", "--no-imports", "-c", count_pictures).split() == ["10", "10"]

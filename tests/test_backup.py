"""`manage.py backup` takes a consistent backup while the site serves; `manage.py restore` brings
it back, checked against the backup's manifest.

SQLite is tested for real on a file database (the test database lives in memory), by running
manage.py in subprocesses as an operator would, with a separate process writing comments during
one backup. PostgreSQL is tested against the test database when the suite runs on PostgreSQL.
"""

import io
import json
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from points.management.commands import backup as backup_command
from points.models import ArticleSection, Comment, Picture, Point, PointPicture
from scripts import harness
from tests.factories import make_comment, make_image, make_point

PROJECT_DIR = settings.BASE_DIR

PRINT_COUNTS = """
import json
from points.models import ArticleSection, Comment, Picture, Point
print(json.dumps({
    "points": Point.objects.count(),
    "article_sections": ArticleSection.objects.count(),
    "pictures": Picture.objects.count(),
    "comments": Comment.objects.count(),
}))
"""

# Deletes every point and every picture in the library (their files go when that commits).
DELETE_POINTS_AND_PICTURES = """
from points.models import Picture, Point
Point.objects.all().delete()
Picture.objects.all().delete()
"""

# Posts comments one transaction at a time, as gunicorn workers do, until told to stop.
COMMENT_WRITER = """
import sys, time
from pathlib import Path
import django
django.setup()
from django.db import transaction
from points.models import Comment, Point

stop, point = Path(sys.argv[1]), Point.objects.first()
deadline = time.monotonic() + 30
number = 0
while not stop.exists() and time.monotonic() < deadline:
    with transaction.atomic():
        Comment.objects.create(point=point, name="Writer", text=f"Comment {number}",
                               client_hash="0" * 64)
    number += 1
    if number == 1:
        print("writing", flush=True)
"""


class Site:
    """A site on its own SQLite file and media folder, driven through manage.py."""

    def __init__(self, root: Path):
        self.root = root
        self.media = root / "media"
        self.backups = root / "backups"
        # Its own files and cache (shared by this site's commands, as by workers); a developer's
        # own .env must not change the outcome.
        self.env = harness.throwaway_env(root)
        self.database = root / "db.sqlite3"

    def manage(self, *args, check=True, env=None):
        result = subprocess.run(
            [sys.executable, "manage.py", *map(str, args)],
            cwd=PROJECT_DIR,
            env=self.env | (env or {}),
            stdin=subprocess.DEVNULL,  # no terminal, as under cron
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def shell(self, code):
        return self.manage("shell", "--no-imports", "-c", code).stdout

    def counts(self):
        return json.loads(self.shell(PRINT_COUNTS))

    def backup(self) -> Path:
        """Take a backup; return its folder."""
        before = set(self.backups.glob("backup-*"))
        self.manage("backup", "--output", self.backups)
        (folder,) = set(self.backups.glob("backup-*")) - before
        return folder

    def media_files(self):
        return {path.relative_to(self.media) for path in self.media.rglob("*") if path.is_file()}

    def integrity(self):
        with closing(sqlite3.connect(self.database)) as database:
            return database.execute("PRAGMA integrity_check").fetchall()


def manifest(backup):
    return json.loads((backup / "manifest.json").read_text())


@pytest.fixture(scope="module")
def demo_site_template(tmp_path_factory):
    """A migrated site with the demo content, built once per module (it takes a few seconds)."""
    site = Site(tmp_path_factory.mktemp("demo-site"))
    harness.set_up_demo_site(site.env)  # collectstatic too: its pages link to hashed files
    return site.root


@pytest.fixture
def site(demo_site_template, tmp_path):
    """A fresh copy of the demo site for one test."""
    shutil.copytree(demo_site_template, tmp_path / "site")
    return Site(tmp_path / "site")


def test_restore_brings_back_deleted_content_and_media(site):
    backup = site.backup()
    picture = sorted(site.media.rglob("*.png"))[0]
    original = picture.read_bytes()
    media_before = site.media_files()

    site.shell(DELETE_POINTS_AND_PICTURES)
    assert not picture.exists()  # deleting the pictures removed their files
    assert site.counts()["points"] == site.counts()["pictures"] == 0

    result = site.manage("restore", backup, "--yes")

    assert "Everything matches the backup's manifest" in result.stdout
    assert site.counts() == {
        "points": 10,
        "article_sections": 11,
        "pictures": 10,
        "comments": 0,
    }
    assert picture.read_bytes() == original
    assert media_before <= site.media_files()
    assert site.integrity() == [("ok",)]
    assert not list(site.root.glob(".db.sqlite3.*"))  # no temporary copy left behind


def test_a_backup_taken_before_the_picture_library_restores_then_migrates(site):
    """A backup the site made before the picture library (its database at migration 0008, its
    manifest counting "point_images") restores with its counts checked; `migrate` then moves
    its pictures into the library."""
    backup = site.backup()
    database = backup / "database.sqlite3"
    site.manage("migrate", "points", "0008", env={"DATABASE_URL": f"sqlite:///{database}"})
    with closing(sqlite3.connect(database)) as old:
        assert old.execute("SELECT COUNT(*) FROM points_pointimage").fetchone() == (10,)
    described = manifest(backup)
    described["counts"]["point_images"] = described["counts"].pop("pictures")
    (backup / "manifest.json").write_text(json.dumps(described))
    site.shell(DELETE_POINTS_AND_PICTURES)

    result = site.manage("restore", backup, "--yes")

    assert "Everything matches the backup's manifest" in result.stdout
    assert "manage.py migrate" in result.stdout  # the database is from an earlier version
    site.manage("migrate", "--noinput")
    assert site.counts() == {"points": 10, "article_sections": 11, "pictures": 10, "comments": 0}
    assert site.integrity() == [("ok",)]


# The home page as a reader gets it: whether it came from the page cache, and whether it lists
# any point.
READ_HOME_PAGE = """
from django.test import Client
response = Client().get("/", HTTP_HOST="localhost")
lists_points = "No points have been published yet" not in response.text
print(response.headers.get("X-Page-Cache"), lists_points)
"""


def test_restore_leaves_no_cached_page_of_the_site_before_it(site):
    backup = site.backup()
    site.shell("from points.models import Point; Point.objects.all().delete()")
    assert site.shell(READ_HOME_PAGE).split() == ["miss", "False"]
    assert site.shell(READ_HOME_PAGE).split() == ["hit", "False"]

    site.manage("restore", backup, "--yes")

    assert site.shell(READ_HOME_PAGE).split() == ["miss", "True"]


def test_manifest_describes_the_backup(site):
    backup = site.backup()

    described = manifest(backup)

    assert described["vendor"] == "sqlite"
    assert described["counts"] == {
        "points": 10,
        "articles": 1,
        "article_sections": 11,
        "pictures": 10,
        "comments": 0,
    }
    assert described["media_files"] == len(site.media_files())
    assert {path.name for path in backup.iterdir()} == {
        "manifest.json",
        "database.sqlite3",
        "media.tar.gz",
    }


def test_backup_taken_while_another_process_writes_is_consistent(site):
    stop = site.root / "stop-writing"
    writer = subprocess.Popen(
        [sys.executable, "-c", COMMENT_WRITER, str(stop)],
        cwd=PROJECT_DIR,
        env=site.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "writing", writer.stderr.read()
        backup = site.backup()
        time.sleep(0.3)  # the writer keeps going after the backup
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0, writer.stderr.read()
    in_backup = manifest(backup)["counts"]["comments"]
    written = site.counts()["comments"]
    assert 0 < in_backup < written

    site.manage("restore", backup, "--yes")

    assert site.counts()["comments"] == in_backup
    assert site.integrity() == [("ok",)]


def test_restore_without_yes_and_without_a_terminal_refuses(site):
    backup = site.backup()
    site.shell("from points.models import Point; Point.objects.all().delete()")

    result = site.manage("restore", backup, check=False)

    assert result.returncode != 0
    assert "pass --yes" in result.stderr
    assert site.counts()["points"] == 0  # nothing restored


@pytest.mark.parametrize("evil_name", ["../evil", "points/../../evil", "{root}/evil-absolute"])
def test_restore_refuses_a_media_archive_that_leaves_media_root(site, evil_name):
    backup = site.backup()
    evil_name = evil_name.format(root=site.root)
    with tarfile.open(backup / "media.tar.gz", "w:gz") as tar:
        for name in ("pictures/harmless.png", evil_name):
            member = tarfile.TarInfo(name)
            member.size = 4
            tar.addfile(member, io.BytesIO(b"evil"))
    site.shell(DELETE_POINTS_AND_PICTURES)

    result = site.manage("restore", backup, "--yes", check=False)

    assert result.returncode != 0
    assert "Refusing to restore" in result.stderr
    assert not (site.root / "evil").exists()
    assert not (site.root / "evil-absolute").exists()
    assert not (site.media / "pictures" / "harmless.png").exists()  # nothing extracted at all
    assert site.counts()["points"] == 0  # and the database was left alone


def test_backup_refuses_other_database_engines():
    with pytest.raises(CommandError, match="only SQLite and PostgreSQL"):
        backup_command.check_supported(SimpleNamespace(vendor="mysql"))


def test_backup_refuses_postgresql_without_pg_dump(monkeypatch):
    monkeypatch.setattr(backup_command.shutil, "which", lambda name: None)

    with pytest.raises(CommandError, match="pg_dump was not found"):
        backup_command.check_supported(SimpleNamespace(vendor="postgresql"))


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="runs when the suite runs on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)  # pg_dump sees only committed rows
def test_postgresql_backup_and_restore(tmp_path):
    point = make_point()
    picture = Path(make_image(point).image.path)
    original = picture.read_bytes()
    make_comment(point, name="Reader", text="It helped.")
    call_command("backup", output=tmp_path / "backups", stdout=io.StringIO())
    (backup,) = (tmp_path / "backups").glob("backup-*")
    Point.objects.all().delete()
    Picture.objects.all().delete()  # its files go when the deletion commits
    picture.unlink(missing_ok=True)

    output = io.StringIO()
    call_command("restore", backup, yes=True, stdout=output)

    assert "Everything matches the backup's manifest" in output.getvalue()
    assert manifest(backup)["vendor"] == "postgresql"
    assert Point.objects.get().code == point.code
    assert Picture.objects.count() == PointPicture.objects.count() == 1
    assert Comment.objects.count() == 1
    assert ArticleSection.objects.count() == 0
    assert picture.read_bytes() == original

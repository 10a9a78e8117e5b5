"""Take a consistent backup of the database and the uploaded media while the site is serving.

Why: the site's content and readers' comments live in the database, and editors' pictures in
MEDIA_ROOT; both are needed to bring the site back. Copying `db.sqlite3` with `cp` while gunicorn
workers write can give a torn file (and misses what is still in the -wal file), so this command
uses the databases' own online backup tools.

Usage:

    .venv/bin/python manage.py backup                  # into backups/ in the project folder
    .venv/bin/python manage.py backup --output /srv/backups

Each run writes one folder, `backup-<UTC time>`, readable only by its owner (it holds readers'
email addresses and password hashes):

- `database.sqlite3` (SQLite: a copy made with SQLite's online backup API, consistent even while
  others write) or `database.pgdump` (PostgreSQL: `pg_dump --format=custom`);
- `media.tar.gz`: the uploads: the MEDIA_ROOT tree, or every object in the media storage when
  it is not a folder on this machine (MEDIA_STORAGE=s3);
- `manifest.json`: when and from which database vendor it was taken, the row counts of the main
  tables in that same snapshot, and the number of media files, so `manage.py restore` can check
  its work.

The folder appears under its final name only once complete. Pictures uploaded while the backup
runs may be in the archive without a database row (harmless); restore with `manage.py restore`.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from points.models import Article, ArticleSection, Comment, Picture, Point

MANIFEST_NAME = "manifest.json"
MEDIA_ARCHIVE_NAME = "media.tar.gz"
DATABASE_FILE_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MANIFEST_FORMAT = 1
# The tables whose row counts are recorded in the manifest and checked after a restore.
COUNTED_MODELS = {
    "points": Point,
    "articles": Article,
    "article_sections": ArticleSection,
    "pictures": Picture,
    "comments": Comment,
}
# pg_dump and pg_restore of a large site can take a while; a hung one must not block forever.
POSTGRES_TOOL_TIMEOUT_SECONDS = 60 * 60


class Command(BaseCommand):
    help = "Back up the database and the uploaded media into one timestamped folder."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Folder to write the backup into (default: backups/ in the project folder).",
        )

    def handle(self, *, output, **options):
        output = (output or settings.BASE_DIR / "backups").resolve()
        connection = connections[DEFAULT_DB_ALIAS]
        check_supported(connection)
        output.mkdir(parents=True, exist_ok=True)
        # Write into a private scratch folder first, so a failed run leaves no half backup that
        # looks complete. mkdtemp makes it readable by its owner only.
        work = Path(tempfile.mkdtemp(prefix=".backup-", suffix=".partial", dir=output))
        try:
            manifest = write_backup(connection, work)
            target = unique_path(output / f"backup-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
            work.rename(target)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        counts = ", ".join(f"{count} {name}" for name, count in manifest["counts"].items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {target}\n"
                f"  {connection.vendor} database: {counts}\n"
                f"  media: {manifest['media_files']} files"
            )
        )


def check_supported(connection):
    """Refuse early, before writing anything, what this command cannot back up."""
    if connection.vendor == "sqlite":
        sqlite_path(connection.settings_dict)
    elif connection.vendor == "postgresql":
        postgres_tool("pg_dump")
    else:
        raise CommandError(
            f"Cannot back up a {connection.vendor!r} database: only SQLite and PostgreSQL are "
            "supported."
        )


def write_backup(connection, folder: Path) -> dict:
    """Write the database, the media archive and the manifest into folder; return the manifest."""
    database_file = folder / DATABASE_FILE_NAMES[connection.vendor]
    if connection.vendor == "sqlite":
        counts = backup_sqlite(sqlite_path(connection.settings_dict), database_file)
    else:
        counts = backup_postgres(connection, database_file)
    if media_is_local():
        media_files = archive_media(Path(settings.MEDIA_ROOT), folder / MEDIA_ARCHIVE_NAME)
    else:
        media_files = archive_storage(default_storage, folder / MEDIA_ARCHIVE_NAME)
    manifest = {
        "format": MANIFEST_FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "vendor": connection.vendor,
        "database_file": database_file.name,
        "media_archive": MEDIA_ARCHIVE_NAME,
        "counts": counts,
        "media_files": media_files,
    }
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def unique_path(path: Path) -> Path:
    """path, or path-2, path-3... when a backup was already taken in the same second."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}-{number}")
    return candidate


# SQLite


def sqlite_path(settings_dict, *, must_exist=True) -> Path:
    """The database file, refusing in-memory databases, and missing files when must_exist
    (connecting to a missing file would quietly create an empty database)."""
    name = str(settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise CommandError(
            "The SQLite database is in memory; there is no file to back up or restore."
        )
    path = Path(name)
    if must_exist and not path.is_file():
        raise CommandError(f"The SQLite database file {path} does not exist.")
    return path


def backup_sqlite(source: Path, destination: Path) -> dict:
    """Copy source with SQLite's online backup API and return the copy's row counts.

    The copy is made in one step inside one read transaction, so it is a consistent snapshot even
    while other processes write (WAL mode lets them carry on meanwhile). The copy is switched to
    the rollback journal so it is one self-contained file; Django turns WAL back on when it
    connects to a restored database.
    """
    with (
        closing(sqlite3.connect(source, timeout=20)) as src,
        closing(sqlite3.connect(destination)) as dst,
    ):
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        check_sqlite_integrity(dst, destination)
        return {name: count_rows(dst, model) for name, model in COUNTED_MODELS.items()}


def count_rows(connection: sqlite3.Connection, model) -> int:
    """The number of rows in model's table (the name comes from our models, not from input)."""
    sql = f'SELECT COUNT(*) FROM "{model._meta.db_table}"'  # noqa: S608 - our own table name
    return connection.execute(sql).fetchone()[0]


def check_sqlite_integrity(connection: sqlite3.Connection, path: Path):
    """Raise CommandError unless SQLite's integrity check of the database says "ok"."""
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        problems = "; ".join(rows[:5])
        raise CommandError(f"SQLite integrity check of {path} failed: {problems}")


# PostgreSQL


def postgres_tool(name: str) -> str:
    """The full path of a PostgreSQL client program, or a CommandError saying how to get it."""
    path = shutil.which(name)
    if path is None:
        raise CommandError(
            f"{name} was not found on PATH. Install the PostgreSQL client programs "
            "(e.g. apt-get install postgresql-client) in a version at least the server's."
        )
    return path


def postgres_connection_args(settings_dict) -> list[str]:
    """pg_dump/pg_restore options naming the configured database (never the password)."""
    args = ["--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args.append(f"{option}={settings_dict[key]}")
    return [*args, f"--dbname={settings_dict['NAME']}"]


def postgres_environment(settings_dict) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: the password goes in PGPASSWORD, where other
    users cannot read it (the command line shows up in `ps`)."""
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    if sslmode := settings_dict.get("OPTIONS", {}).get("sslmode"):
        environment["PGSSLMODE"] = sslmode
    return environment


def run_postgres_tool(name: str, args: list[str], settings_dict):
    """Run pg_dump or pg_restore against the configured database; raise CommandError with the
    program's own message when it fails."""
    command = [postgres_tool(name), *postgres_connection_args(settings_dict), *args]
    try:
        result = subprocess.run(  # noqa: S603 - a fixed program and arguments, no shell
            command,
            env=postgres_environment(settings_dict),
            capture_output=True,
            text=True,
            timeout=POSTGRES_TOOL_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise CommandError(f"{name} did not finish in {POSTGRES_TOOL_TIMEOUT_SECONDS} s.") from None
    if result.returncode != 0:
        raise CommandError(
            f"{name} failed (exit status {result.returncode}):\n{result.stderr.strip()}"
        )


def backup_postgres(connection, destination: Path) -> dict:
    """Dump the database with pg_dump and return the row counts of the very same snapshot.

    A repeatable-read transaction here exports its snapshot; pg_dump imports it (--snapshot), so
    the dump and the counts see exactly the same rows while the site goes on writing.
    """
    if connection.in_atomic_block:
        raise CommandError("Run the backup outside a database transaction.")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = {name: model._base_manager.count() for name, model in COUNTED_MODELS.items()}
        args = ["--format=custom", f"--file={destination}", f"--snapshot={snapshot}"]
        run_postgres_tool("pg_dump", args, connection.settings_dict)
    return counts


# Media


def archive_media(media_root: Path, archive: Path) -> int:
    """Write MEDIA_ROOT's files into a tar.gz with relative names; return how many files.

    Symbolic links and other special files are left out (a restore accepts only plain files and
    folders). A missing MEDIA_ROOT gives an empty archive.
    """
    files = 0
    with tarfile.open(archive, "w:gz") as tar:
        for folder, _, names in os.walk(media_root):  # does not follow symbolic links
            for path in sorted(Path(folder) / name for name in names):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=path.relative_to(media_root).as_posix())
                    files += 1
    return files


def media_is_local() -> bool:
    """Whether uploads are files under MEDIA_ROOT on this machine, rather than objects in a
    store that other machines share (MEDIA_STORAGE=s3)."""
    return isinstance(storages["default"], FileSystemStorage)


def storage_files(storage, folder=""):
    """Every file name in a storage, folders walked recursively (an object store's "folders"
    are the prefixes of its keys)."""
    folders, files = storage.listdir(folder)
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for name in sorted(folders):
        yield from storage_files(storage, prefix + name)


def archive_storage(storage, archive: Path) -> int:
    """Write every file of a (remote) storage into a tar.gz under its name; return how many."""
    files = 0
    with tarfile.open(archive, "w:gz") as tar:
        for name in storage_files(storage):
            with storage.open(name, "rb") as file:
                content = file.read()
            member = tarfile.TarInfo(name)
            member.size = len(content)
            member.mode = 0o644
            tar.addfile(member, io.BytesIO(content))
            files += 1
    return files

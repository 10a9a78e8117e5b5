"""Restore a backup made by `manage.py backup`: the database and the uploaded media.

Why: to bring the site back after a lost disk, a bad migration or a mistaken mass delete, and to
prove now and then that the backups really restore.

Usage:

    .venv/bin/python manage.py restore backups/backup-20260509T073611Z         # asks first
    .venv/bin/python manage.py restore backups/backup-20260509T073611Z --yes   # in scripts

Stop the site (gunicorn) first: a restore replaces every row, and with SQLite a process that
keeps the old file open would go on writing to it.

What it does, refusing before it changes anything when something is wrong:

1. reads the backup's manifest.json; the backup must come from the same kind of database
   (SQLite or PostgreSQL) as the one configured now;
2. checks that every member of media.tar.gz is a plain file or folder with a relative path that
   stays inside MEDIA_ROOT (no absolute paths, no `..`, no links);
3. asks for confirmation, unless --yes (without a terminal, --yes is required);
4. SQLite: copies the backup into a temporary file next to the database file, checks its
   integrity, closes Django's connections, removes the old -wal and -shm files and swaps the
   copy in with os.replace (atomic), then runs `PRAGMA integrity_check` again.
   PostgreSQL: `pg_restore --clean --if-exists --no-owner --single-transaction` into the
   configured database: all or nothing;
5. extracts the media into MEDIA_ROOT, or uploads it to the media storage when that is not a
   folder on this machine (MEDIA_STORAGE=s3) (files of the same name are overwritten, others
   are left);
6. makes every cached page stale (the cache outlives the database);
7. prints the row counts and the media file count next to the manifest's, and fails if they
   differ; a backup from an earlier version of the site is counted as that version counted
   (EARLIER_COUNTED_TABLES), and then needs `manage.py migrate`, which the command says.
"""

import json
import os
import shutil
import sqlite3
import sys
import tarfile
import tempfile
from contextlib import closing
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from points.management.commands.backup import (
    COUNTED_MODELS,
    MANIFEST_FORMAT,
    MANIFEST_NAME,
    check_sqlite_integrity,
    media_is_local,
    run_postgres_tool,
    sqlite_path,
)
from points.page_cache import pages_changed

# What manifests of earlier versions of the site counted that the models no longer name, by
# table: the point pictures that became the picture library (migration 0009_picture_library).
EARLIER_COUNTED_TABLES = {"point_images": "points_pointimage"}

REQUIRED_MANIFEST_KEYS = {
    "created_at",
    "vendor",
    "database_file",
    "media_archive",
    "counts",
    "media_files",
}


class Command(BaseCommand):
    help = "Restore the database and the uploaded media from a folder made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup folder (holding manifest.json).")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (for scripts)."
        )

    def handle(self, *, path, yes, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        manifest = read_manifest(path, connection.vendor)
        database_file = path / manifest["database_file"]
        media_archive = path / manifest["media_archive"]
        media_members = checked_media_members(media_archive)
        media_root = Path(settings.MEDIA_ROOT)
        if not yes:
            confirm(
                f"This replaces the {connection.vendor} database "
                f"{connection.settings_dict['NAME']} and writes the media into {media_root} "
                f"with the backup taken at {manifest['created_at']}."
            )
        if connection.vendor == "sqlite":
            restore_sqlite(database_file, sqlite_path(connection.settings_dict, must_exist=False))
        else:
            connections.close_all()
            restore_postgres(database_file, connection.settings_dict)
        if media_is_local():
            media_files = extract_media(media_archive, media_members, media_root)
        else:
            media_files = upload_media(media_archive, media_members, default_storage)
        # The cache outlives the database: pages of what the site held before
        # must not be served as the restored site's.
        pages_changed()
        self.report(manifest, current_counts(manifest["counts"]), media_files)
        if needs_migrating(connections[DEFAULT_DB_ALIAS]):
            self.stdout.write(
                self.style.WARNING(
                    "The backup is from an earlier version of the site: run "
                    "`manage.py migrate` before starting the site."
                )
            )

    def report(self, manifest, counts, media_files):
        """Print what the backup held next to what the site holds now; fail if they differ."""
        expected = manifest["counts"] | {"media files": manifest["media_files"]}
        actual = counts | {"media files": media_files}
        lines = [f"  {'':18} {'backup':>8} {'now':>8}"]
        lines += [f"  {name:18} {expected[name]:>8} {actual.get(name)!s:>8}" for name in expected]
        self.stdout.write(f"Restored the backup taken at {manifest['created_at']}.")
        self.stdout.write("\n".join(lines))
        differ = [name for name in expected if expected[name] != actual.get(name)]
        if differ:
            raise CommandError(
                "The restored site does not match the backup's manifest: " + ", ".join(differ)
            )
        self.stdout.write(self.style.SUCCESS("Everything matches the backup's manifest."))


def read_manifest(folder: Path, vendor: str) -> dict:
    """The backup's manifest, after checking it is one this command can restore here."""
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"{folder} is not a backup folder: it has no {MANIFEST_NAME}.") from None
    except (OSError, ValueError) as error:
        raise CommandError(f"Cannot read {folder / MANIFEST_NAME}: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise CommandError(f"{folder / MANIFEST_NAME} is not a manifest this command knows.")
    missing = REQUIRED_MANIFEST_KEYS - manifest.keys()
    if missing:
        raise CommandError(f"{folder / MANIFEST_NAME} lacks {', '.join(sorted(missing))}.")
    if manifest["vendor"] != vendor:
        raise CommandError(
            f"The backup holds a {manifest['vendor']} database but the site is configured for "
            f"{vendor}; restore it into the same kind of database."
        )
    for name in (manifest["database_file"], manifest["media_archive"]):
        if PurePosixPath(name).name != name or not (folder / name).is_file():
            raise CommandError(f"The backup in {folder} is incomplete: {name} is missing.")
    return manifest


def confirm(message: str):
    """Ask on the terminal; without one, refuse (a script must say --yes)."""
    if sys.stdin is None or not sys.stdin.isatty():
        raise CommandError("Not asking for confirmation without a terminal; pass --yes to restore.")
    answer = input(f"{message}\nType 'yes' to restore: ")
    if answer.strip().lower() not in {"yes", "y"}:
        raise CommandError("Restore cancelled; nothing was changed.")


# Database


def restore_sqlite(backup_file: Path, database: Path):
    """Swap the backup in for the database file in one atomic step, checked before and after."""
    database.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        prefix=f".{database.name}.", suffix=".restoring", dir=database.parent
    )
    os.close(handle)
    temporary = Path(name)
    try:
        shutil.copyfile(backup_file, temporary)
        if database.exists():
            shutil.copymode(database, temporary)  # keep the live file's permissions
        check_integrity(temporary)
        connections.close_all()
        # A -wal file left from the old database would be replayed into the new one.
        for suffix in ("-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        os.replace(temporary, database)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    check_integrity(database)


def check_integrity(path: Path):
    with closing(sqlite3.connect(path)) as connection:
        check_sqlite_integrity(connection, path)


def restore_postgres(dump: Path, settings_dict):
    """Replace the configured database's tables with the dump's, in one transaction."""
    args = ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(dump)]
    run_postgres_tool("pg_restore", args, settings_dict)


def current_counts(names) -> dict:
    """The rows now in the tables the manifest counted as `names`. The restored database may
    be from an earlier version of the site: a table it does not have is left out (and so
    reported as differing), never an error."""
    connection = connections[DEFAULT_DB_ALIAS]
    tables = {name: model._meta.db_table for name, model in COUNTED_MODELS.items()}
    tables |= EARLIER_COUNTED_TABLES
    existing = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for name in names:
            table = tables.get(name)
            if table in existing:  # one of our own table names, so safe to put in the query
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                counts[name] = cursor.fetchone()[0]
    return counts


def needs_migrating(connection) -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


# Media


def checked_media_members(archive: Path) -> list[tarfile.TarInfo]:
    """The archive's members, refusing the whole archive if any could write outside the media
    folder or is anything but a plain file or folder."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
    except (OSError, tarfile.TarError) as error:
        raise CommandError(f"Cannot read the media archive {archive}: {error}") from None
    for member in members:
        if problem := member_problem(member):
            raise CommandError(
                f"Refusing to restore: the media archive member {member.name!r} {problem}. "
                "Nothing was changed."
            )
    return members


def member_problem(member: tarfile.TarInfo) -> str | None:
    path = PurePosixPath(member.name)
    if path.is_absolute():
        return "has an absolute path"
    if ".." in path.parts:
        return "contains '..' (it would be written outside MEDIA_ROOT)"
    if not (member.isfile() or member.isdir()):
        return "is not a plain file or folder"
    return None


def extract_media(archive: Path, members: list[tarfile.TarInfo], media_root: Path) -> int:
    """Extract the checked members into media_root; return how many of the archive's files are
    now there."""
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        # The "data" filter re-checks every path, in case a link inside MEDIA_ROOT points out.
        try:
            tar.extractall(media_root, members=members, filter="data")
        except tarfile.FilterError as error:
            raise CommandError(f"Refusing to extract the media archive: {error}") from None
    files = [member.name for member in members if member.isfile()]
    return sum((media_root / name).is_file() for name in files)


def upload_media(archive: Path, members: list[tarfile.TarInfo], storage) -> int:
    """Put the checked members' files into a (remote) storage under their own names; return how
    many of the archive's files are now there."""
    files = [member for member in members if member.isfile()]
    with tarfile.open(archive, "r:gz") as tar:
        for member in files:
            content = tar.extractfile(member).read()
            # An object store keeps the name given only when it is free.
            if storage.exists(member.name):
                storage.delete(member.name)
            stored = storage.save(member.name, ContentFile(content))
            if stored != member.name:
                raise CommandError(f"The media storage stored {member.name} as {stored}.")
    return sum(storage.exists(member.name) for member in files)

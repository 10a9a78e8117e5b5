"""Empty the trash of what was deleted more than 30 days ago (or --days), then remove the
picture files nothing needs any more: files in the pictures' folders that no current row uses
and no revision current in those days shows (points/picture_files.py). Older revisions of a
picture whose files are gone are then refused on restore, with a message saying so.
`--dry-run` lists what would go and changes nothing. Run it daily, e.g. from cron:

    17 4 * * *  cd /srv/acupressure && .venv/bin/python manage.py purge_trash
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format

from points import picture_files, trash


class Command(BaseCommand):
    help = (
        "Forget items deleted more than TRASH_DAYS (30) days ago, and remove the picture files "
        "that no page, recent revision or trash item uses."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=trash.TRASH_DAYS,
            help=f"Keep what was deleted in the last DAYS days (at least {trash.TRASH_DAYS}), "
            "and the pictures revisions showed in that time.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be purged and removed, and change nothing.",
        )

    def handle(self, *args, days, dry_run, verbosity, **options):
        if days < trash.TRASH_DAYS:
            raise CommandError(
                f"Editors are promised {trash.TRASH_DAYS} days to recover what they delete: "
                f"--days must be at least {trash.TRASH_DAYS}."
            )
        if dry_run:
            items = trash.expired_items(days=days)
            files = [name for _, name in picture_files.unused_files(keep_days=days)]
        else:
            items = trash.purge(days=days)
            files = picture_files.remove_unused_files(keep_days=days)
        if verbosity == 0:
            return
        listed = dry_run or verbosity > 1
        first = "Would purge" if dry_run else "Purged"
        self.stdout.write(f"{first} {counted(items, 'item')} from the trash{end(items, listed)}")
        if listed:
            for version in items:
                when = date_format(timezone.localtime(version.revision.date_created), "j F Y")
                kind = version._model._meta.verbose_name
                self.stdout.write(f"  {kind} “{version.object_repr}”, deleted {when}")
        first = "Would remove" if dry_run else "Removed"
        self.stdout.write(
            f"{first} {counted(files, 'picture file')} that nothing needs any more"
            f"{end(files, listed)}"
        )
        if listed:
            for name in files:
                self.stdout.write(f"  {name}")


def counted(things, noun):
    return f"{len(things)} {noun}{'' if len(things) == 1 else 's'}"


def end(things, listed):
    return ":" if things and listed else "."

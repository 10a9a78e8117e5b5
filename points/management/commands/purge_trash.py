"""Empty the trash of what was deleted more than 30 days ago (or --days): the deleted items'
recorded versions, and the picture files no remaining page uses. Run it from cron, e.g. daily:

    .venv/bin/python manage.py purge_trash
"""

from django.core.management.base import BaseCommand, CommandError

from points import trash


class Command(BaseCommand):
    help = "Forget items deleted more than TRASH_DAYS (30) days ago, with their picture files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=trash.TRASH_DAYS,
            help=f"Keep what was deleted in the last DAYS days (at least {trash.TRASH_DAYS}).",
        )

    def handle(self, *args, days, **options):
        if days < trash.TRASH_DAYS:
            raise CommandError(
                f"Editors are promised {trash.TRASH_DAYS} days to recover what they delete: "
                f"--days must be at least {trash.TRASH_DAYS}."
            )
        purged = trash.purge(days=days)
        self.stdout.write(f"Purged {purged} item{'s' if purged != 1 else ''} from the trash.")

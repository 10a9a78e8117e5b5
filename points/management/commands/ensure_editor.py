"""Create the first editor account, with a random password printed once.

Used by `make run` on a fresh database. Never sets a fixed password; when the account exists it
only says how to reset its password.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from points.roles import EDITORS_GROUP


class Command(BaseCommand):
    help = "Create an editor account with a random password if none exists yet."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")

    def handle(self, *, username, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Editor account '{username}' exists. Forgotten the password? "
                f"Run: .venv/bin/python manage.py changepassword {username}"
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(username=username, password=password, is_staff=True)
        user.groups.add(Group.objects.get(name=EDITORS_GROUP))
        self.stdout.write(
            self.style.SUCCESS(
                "\nCreated an editor account. It is shown only this once:\n"
                f"  admin:    /admin/\n  username: {username}\n  password: {password}\n"
            )
        )

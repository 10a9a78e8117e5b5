"""The management commands `make run` relies on, and the Editors role they set up."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_ensure_editor_creates_an_editor_with_a_random_password_shown_once():
    first = run("ensure_editor")
    second = run("ensure_editor")

    password = re.search(r"password: (\S+)", first).group(1)
    user = User.objects.get(username="editor")
    assert user.check_password(password)
    assert user.is_staff
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert password not in second
    assert "changepassword" in second


def test_two_fresh_databases_get_different_editor_passwords(django_user_model):
    first = re.search(r"password: (\S+)", run("ensure_editor")).group(1)
    django_user_model.objects.all().delete()
    second = re.search(r"password: (\S+)", run("ensure_editor")).group(1)

    assert first != second
    assert len(first) >= 12


def test_editors_group_has_exactly_the_content_permissions():
    group = Group.objects.get(name="Editors")

    app_labels = set(group.permissions.values_list("content_type__app_label", flat=True))
    codenames = set(group.permissions.values_list("codename", flat=True))

    assert app_labels == {"points"}
    assert {"add_point", "change_point", "delete_pointimage", "change_disclaimer"} <= codenames

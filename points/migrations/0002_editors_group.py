"""Create the "Editors" group: everything needed to manage content, nothing to manage accounts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create them now so the
    # group can be given them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.set(Permission.objects.filter(content_type__app_label="points"))


def delete_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("points", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_editors_group, delete_editors_group)]

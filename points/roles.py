"""The "Editors" role: everything needed to manage content and moderate comments, nothing to
manage accounts. Editors never delete readers' comments or their result reports: a comment is
kept, spam is marked, not dropped (only a superuser deletes one, say on a reader's request).

The group is brought up to date after every `migrate` (Django creates permissions the same way),
so a model added later is editable by editors without a hand-written data migration.
"""

from django.contrib.auth.models import Group, Permission

EDITORS_GROUP = "Editors"
EDITOR_APP_LABELS = ["points"]
NOT_FOR_EDITORS = ["delete_comment", "delete_resultreport"]


def sync_editors_group(**kwargs):
    """Create the Editors group if needed and give it exactly the content permissions."""
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=EDITOR_APP_LABELS).exclude(
            codename__in=NOT_FOR_EDITORS
        )
    )
    return group

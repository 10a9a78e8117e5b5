"""Bringing back what a revision recorded: an older state of an item (restore), or a deleted
item with its relations (recover). Either is checked first and done whole or not at all: an
address now used by another page, a picture file no longer stored, or a linked item since
deleted stops it with a message for the editor, and nothing changes."""

from contextlib import contextmanager

import reversion
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from reversion.models import Version

from points import trash
from points.models import Comment, Point, ResultReport
from points.models.drafts import PendingChange
from points.models.publishing import KeepsOldURLs, redirect_old_path
from points.revisions import inline_relations
from points.validators import PictureField, keep_old_files

User = get_user_model()


class RestoreRefused(Exception):
    """Why a revision cannot be brought back, in words for the editor."""


def restore(snapshot, *, user):
    """Make the state `snapshot` recorded (the item and its inline rows) current again, as a
    new revision, so that the restore can be undone in turn. Returns the item."""
    version = snapshot.version
    model = version._model
    inline_versions = [v for rows in snapshot.inlines.values() for v in rows.values()]
    check([version, *inline_versions])
    with bring_back(user, f"Restored {snapshot.label}."):
        revert(version)
        for name, related, key in inline_relations(model):
            kept = list(snapshot.inlines.get(name, {}))
            current = related.objects.filter(**{key: version.object_id})
            added_since = current.exclude(pk__in=kept)
            if related in trash.TRASH_MODELS:
                # To the trash as of now (a picture added since, say), not as of when it was
                # added: it must stay recoverable, with its files, for the days promised.
                trash.record_deletion(list(added_since), user=user)
            # The current rows go first, kept ones too: a row added since, or a kept row
            # changed since, may hold what a restored row must hold again (the same source
            # cited again in a new row), and a unique constraint would refuse the restore.
            current.delete()
            for other in snapshot.inlines.get(name, {}).values():
                revert(other)
        obj = model._base_manager.get(pk=version.object_id)
        # A draft saved over the page would put back what the restore replaced.
        if PendingChange.is_kept_for(obj):
            PendingChange.objects.filter(**{PendingChange.field_for(model): obj}).delete()
        reversion.add_to_revision(obj)
    return obj


def recover(version, *, user):
    """Bring back a deleted item from its deletion record (points/trash.py): the item, the rows
    deleted with it, and the links other items had to it. Returns the item."""
    model = version._model
    in_revision = list(version.revision.version_set.exclude(pk=version.pk))
    own_rows, linking, comments = [], [], []
    relations = trash.rows_deleted_with(model)
    for other in in_revision:
        if other._model in (Comment, ResultReport):
            comments.append(other)
        elif any(
            other._model is related and str(other.field_dict.get(key)) == version.object_id
            for _, related, key in relations
        ):
            own_rows.append(other)
        elif links_to(other, model):
            linking.append(other)
    if model._base_manager.filter(pk=version.object_id).exists():
        raise RestoreRefused(f"“{version.object_repr}” is not deleted: it is on the site already.")
    # Pictures deleted with a point before the picture library (migration 0009) come back too.
    own_rows = [*gone_and_linked(in_revision, own_rows), *own_rows]
    check([version, *own_rows])
    with bring_back(user, "Recovered from the trash."):
        revert(version)
        for other in own_rows:
            revert(other)
        for other in linking:
            relink(other, model, version.object_id)
        bring_back_comments(comments)
        obj = model._base_manager.get(pk=version.object_id)
        reversion.add_to_revision(obj)
    return obj


def bring_back_comments(versions):
    """Put back the comments (and result reports) kept with a recovered page, as they were:
    status, dates, the site's reply. The reader's email address was never kept; a report
    whose other side is gone (a comment or point deleted since) stays out."""
    comments = [v for v in versions if v._model is Comment]
    for version in comments:
        if not Comment.objects.filter(pk=version.object_id).exists():
            revert(version)
    back = {int(v.object_id) for v in comments}
    users = {v.field_dict.get("replied_by_id") for v in comments} - {None}
    gone = users - set(User.objects.filter(pk__in=users).values_list("pk", flat=True))
    if gone:
        Comment.objects.filter(pk__in=back, replied_by__in=gone).update(replied_by=None)
    for version in versions:
        if version._model is not ResultReport:
            continue
        values = version.field_dict
        if (
            Comment.objects.filter(pk=values["comment_id"]).exists()
            and (Point.objects.filter(pk=values["point_id"]).exists())
            and not ResultReport.objects.filter(pk=version.object_id).exists()
        ):
            revert(version)


@contextmanager
def bring_back(user, comment):
    """One transaction and one new revision; a constraint failure becomes RestoreRefused."""
    try:
        with (
            transaction.atomic(),
            reversion.create_revision(atomic=False),
            keep_old_files(),
        ):
            reversion.set_user(user)
            reversion.set_comment(comment)
            yield
            # Foreign keys are checked at commit on PostgreSQL: check them here, inside.
            connection.check_constraints()
    except DatabaseError as error:
        raise RestoreRefused(
            "It could not be brought back: it conflicts with the site's current content."
        ) from error


def revert(version):
    model = version._model
    before = model._base_manager.filter(pk=version.object_id).first()
    version.revert()
    after = model._base_manager.get(pk=version.object_id)
    # A raw save skips the model's save(): keep the address a restore moves away from working,
    # and tell readers when the page changed (not when the restored version was made).
    if isinstance(before, KeepsOldURLs) and before.slug != after.slug:
        redirect_old_path(before.get_absolute_url(), after.get_absolute_url())
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        model._base_manager.filter(pk=version.object_id).update(updated_at=timezone.now())


def gone_and_linked(versions, rows):
    """The `versions` of items that `rows` link to by a key and that no longer exist."""
    wanted = {
        (f.related_model, str(row.field_dict.get(f.attname)))
        for row in rows
        for f in row._model._meta.concrete_fields
        if f.many_to_one
    }
    return [
        v
        for v in versions
        if (v._model, v.object_id) in wanted
        and not v._model._base_manager.filter(pk=v.object_id).exists()
    ]


def links_to(version, model):
    return [
        f
        for f in version._model._meta.local_many_to_many
        if f.related_model is model and f.remote_field.through._meta.auto_created
    ]


def relink(version, model, pk):
    """Put back the link a still-existing item (a section) had to the recovered one."""
    linking = version._model._base_manager.filter(pk=version.object_id).first()
    if linking is None:
        return
    for m2m in links_to(version, model):
        if str(pk) in map(str, version.field_dict.get(m2m.attname, [])):
            getattr(linking, m2m.name).add(pk)


def check(versions):
    """Raise RestoreRefused with every reason `versions` cannot be brought back."""
    problems = []
    restored = {(v._model, str(v.object_id)) for v in versions}
    for version in versions:
        problems += taken_values(version) + taken_roles(version) + missing_files(version)
        problems += missing_links(version, restored)
    if problems:
        raise RestoreRefused(" ".join(dict.fromkeys(problems)))


def taken_values(version):
    model, values = version._model, version.field_dict
    problems = []
    for f in model._meta.concrete_fields:
        value = values.get(f.attname)
        if not f.unique or f.primary_key or value in (None, ""):
            continue
        other = model._base_manager.filter(**{f.attname: value}).exclude(pk=version.object_id)
        if other := other.first():
            problems.append(
                f"The {f.verbose_name} “{value}” of “{version.object_repr}” is now used by "
                f"“{other}”. Change that first, then try again."
            )
    return problems


def taken_roles(version):
    """What only one row may be at a time (the site's guided routine: a unique constraint with
    a condition), held now by another row."""
    model, values = version._model, version.field_dict
    shown = {f.name: values.get(f.attname) for f in model._meta.concrete_fields}
    problems = []
    for constraint in model._meta.constraints:
        if not (isinstance(constraint, models.UniqueConstraint) and constraint.condition):
            continue
        if not constraint.condition.check(shown):
            continue  # Restored, the row does not take the role.
        lookup = {name: shown[name] for name in constraint.fields}
        others = model._base_manager.filter(constraint.condition, **lookup)
        if other := others.exclude(pk=version.object_id).first():
            problems.append(
                f"{constraint.violation_error_message.rstrip('.')}: “{other}” (this version "
                f"of “{version.object_repr}” was). Change that first, then try again."
            )
    return problems


def missing_files(version):
    model, values = version._model, version.field_dict
    problems = []
    for f in model._meta.concrete_fields:
        if not isinstance(f, PictureField) or not values.get(f.attname):
            continue
        renditions = values.get(f.renditions_field) if f.renditions_field else []
        names = f.stored_names(str(values[f.attname]), renditions)
        if not all(f.storage.exists(name) for name in names):
            problems.append(
                f"The picture file of “{version.object_repr}” is no longer stored. Upload the "
                "picture again instead of restoring this version."
            )
    return problems


def missing_links(version, restored):
    """Items this version links to that no longer exist (and are not brought back with it)."""
    model, values = version._model, version.field_dict
    problems = []
    for f in [*model._meta.concrete_fields, *model._meta.local_many_to_many]:
        if not (f.many_to_one or f.many_to_many) or f.attname not in values:
            continue
        target = f.related_model
        pks = values[f.attname] if f.many_to_many else [values[f.attname]]
        pks = {pk for pk in pks if pk is not None and (target, str(pk)) not in restored}
        found = set(target._base_manager.filter(pk__in=pks).values_list("pk", flat=True))
        for pk in pks - found:
            deleted = reversion.is_registered(target) and (
                Version.objects.get_for_object_reference(target, pk).first()
            )
            name = f"“{deleted.object_repr}”" if deleted else f"a {target._meta.verbose_name}"
            problems.append(
                f"“{version.object_repr}” links to {name}, which has been deleted. Recover it "
                "from the trash first, then try again."
            )
    return problems

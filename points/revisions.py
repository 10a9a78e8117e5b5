"""Revisions of everything editors change, kept by django-reversion: what is recorded, and how
two revisions of an item differ, field by field and inline by inline, in words an editor reads.

Readers' comments are recorded only when the page they are on is deleted (to come back with it
from the trash), and never with what identifies the reader: their email address, whether they
asked to be emailed, the hashes of their address and form.
"""

import datetime
import difflib
import re
from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.text import capfirst
from reversion.models import Revision, Version

# What each recorded model brings along in its revisions: the rows edited on its change form.
FOLLOWED = {
    "Point": ("aliases", "pictures", "citations"),
    "Article": ("sections", "routine_steps", "citations"),
    "PointAlias": (),
    "PointPicture": (),
    "Picture": ("markers",),
    "PictureMarker": (),
    "PointReference": (),
    "ArticleSection": (),
    "ArticleReference": (),
    "RoutineStep": (),
    "Author": (),
    "Condition": (),
    "Reference": (),
    "Reviewer": (),
    "Disclaimer": (),
    # Kept in the trash with a deleted page (points/trash.py), never edited through revisions.
    "Comment": (),
    "ResultReport": (),
}
# What a revision never holds.
NEVER_RECORDED = {"Comment": ("email", "notify_on_reply", "client_hash", "form_token_hash")}
# One way to write a moment in the history, the comparisons, restores and the trash: seconds
# included, since several saves can fall in one minute.
WHEN_FORMAT = "j F Y, H:i:s"
# The note of an item's deletion record (points/trash.py). The record holds the deleted item
# first, then the rows that go with it and the items that link to it (the points under a
# deleted condition): those are not versions of the linking items, whose history skips them.
DELETION_NOTE = "Deleted."


def when(moment):
    """27 November 2026, 14:10:05, in the site's time zone."""
    return date_format(timezone.localtime(moment), WHEN_FORMAT)


def register_models(app_config):
    for name, follow in FOLLOWED.items():
        model = app_config.get_model(name)
        if not reversion.is_registered(model):
            reversion.register(model, follow=follow, exclude=NEVER_RECORDED.get(name, ()))


def recorded_fields(model):
    """The names of the fields a revision holds of `model` (None: all of them)."""
    excluded = NEVER_RECORDED.get(model.__name__)
    if not excluded:
        return None
    return [f.name for f in model._meta.concrete_fields if f.name not in excluded]


def version_of(obj, revision=None):
    """A version recording `obj` as it is now (unsaved when `revision` is None)."""
    return Version(
        revision=revision,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        db="default",
        format="json",
        serialized_data=serializers.serialize("json", [obj], fields=recorded_fields(type(obj))),
        object_repr=str(obj),
    )


def record_revision(objs, *, user, comment, when=None):
    """Record `objs` as they are now, each with its inline rows, as one revision (dated `when`,
    or now), outside whatever revision the request is making (for states that must be kept
    before a change: an item about to be deleted, or one saved for the first time since
    revisions began)."""
    revision = Revision.objects.create(
        date_created=when or timezone.now(), user=user, comment=comment
    )
    Version.objects.bulk_create(version_of(obj, revision) for obj in objs)
    return revision


def record_first_state(model, pk):
    """An item changed for the first time since revisions began (the demo content, say) has
    its state before the change recorded first, so its history can say what changed."""
    obj = model._base_manager.filter(pk=pk).first()
    if obj is None or Version.objects.get_for_object(obj).exists():
        return
    rows = [obj]
    for name, _, _ in inline_relations(model):
        rows += getattr(obj, name).all()
    # Dated when it was last saved (the demo's loading, say), not now: History showed it made
    # at the same moment as the change after it.
    when = getattr(obj, "updated_at", None)
    record_revision(rows, user=None, comment="As it was before revisions were kept.", when=when)


def inline_relations(model):
    """[(name, related model, name of its key to `model`)] for the rows `model`'s revisions
    follow, e.g. ("pictures", PointPicture, "point_id")."""
    relations = []
    for name in FOLLOWED.get(model.__name__, ()):
        relation = model._meta.get_field(name)
        relations.append((name, relation.related_model, relation.field.attname))
    return relations


def shown_fields(model):
    """The fields an editor changes, in the model's order (not timestamps or file sizes)."""
    return [
        f
        for f in model._meta.get_fields()
        if f.concrete and f.editable and not f.primary_key and not f.auto_created
        if not (f.many_to_many and not f.remote_field.through._meta.auto_created)
    ]


def field_label(model_field):
    return capfirst(model_field.verbose_name)


# The inline rows by the names the change forms give them.
RELATION_LABELS = {
    "aliases": "Other names and codes",
    "pictures": "Pictures",
    "markers": "Markers",
    "citations": "Sources",
    "sections": "Sections",
    "routine_steps": "Guided routine",
}


def relation_label(model, name):
    related = model._meta.get_field(name).related_model
    return RELATION_LABELS.get(name) or capfirst(related._meta.verbose_name_plural)


@dataclass
class Snapshot:
    """An item as one revision recorded it, with the inline rows recorded alongside."""

    version: Version
    inlines: dict = field(default_factory=dict)  # relation name -> {pk: Version}
    number: int = 0  # 1 for the first recorded version of the item

    @property
    def values(self):
        return self.version.field_dict

    @property
    def label(self):
        """ "version 3 (27 November 2026, 14:10:05, by edith)": one version, unambiguously."""
        revision = self.version.revision
        by = f", by {revision.user.get_username()}" if revision.user else ""
        return f"version {self.number} ({when(revision.date_created)}{by})"


def snapshots_of(obj):
    """Every recorded state of `obj`, newest first, each with its inline rows (two queries)."""
    first_in_revision = Version.objects.filter(revision=OuterRef("revision")).order_by("pk")
    versions = list(
        Version.objects.get_for_object(obj)
        # Not another item's deletion record that merely recorded this item's link to it.
        .exclude(
            Q(revision__comment=DELETION_NOTE) & ~Q(pk=Subquery(first_in_revision.values("pk")[:1]))
        )
        .select_related("revision__user")
        .order_by("-pk")
    )
    snapshots = build_snapshots(type(obj), versions)
    for index, snapshot in enumerate(snapshots):
        snapshot.number = len(snapshots) - index
    return snapshots


def live_snapshot(obj):
    """`obj` as it is now, with its inline rows, to compare with what a revision recorded."""
    snapshot = Snapshot(version_of(obj))
    for name, _, _ in inline_relations(type(obj)):
        snapshot.inlines[name] = {row.pk: version_of(row) for row in getattr(obj, name).all()}
    return snapshot


def build_snapshots(model, versions):
    relations = inline_relations(model)
    related_types = {related for _, related, _ in relations}
    siblings = {}
    if relations:
        others = Version.objects.filter(revision__in=[v.revision_id for v in versions]).exclude(
            pk__in=[v.pk for v in versions]
        )
        for other in others:
            if other._model in related_types:
                siblings.setdefault(other.revision_id, []).append(other)
    snapshots = []
    for version in versions:
        snapshot = Snapshot(version)
        for name, related, key in relations:
            snapshot.inlines[name] = {
                int(other.object_id): other
                for other in siblings.get(version.revision_id, [])
                if other._model is related and str(other.field_dict.get(key)) == version.object_id
            }
        snapshots.append(snapshot)
    return snapshots


def changed_fields(model, old, new):
    """The fields whose values differ between two field dicts."""
    return [f for f in shown_fields(model) if values_differ(old.get(f.attname), new.get(f.attname))]


def values_differ(a, b):
    if isinstance(a, list) or isinstance(b, list):
        return sorted(map(str, a or [])) != sorted(map(str, b or []))
    return comparable(a) != comparable(b)


def comparable(value):
    """A value as an editor sees it: browsers send line breaks as CRLF, and the admin's date
    fields keep whole seconds, neither of which is a change."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0)
    return value


def describe_changes(model, old, new):
    """Plain sentences naming exactly what changed from snapshot `old` to `new` (None: the
    first recorded state)."""
    if old is None:
        return ["First recorded version."]
    sentences = []
    fields = changed_fields(model, old.values, new.values)
    if fields:
        sentences.append("Changed " + ", ".join(field_label(f) for f in fields) + ".")
    for name, related, _ in inline_relations(model):
        before, after = old.inlines.get(name, {}), new.inlines.get(name, {})
        label = relation_label(model, name)
        for pk in after.keys() - before.keys():
            sentences.append(f"{label}: added {quoted(after[pk].object_repr)}.")
        for pk in before.keys() - after.keys():
            sentences.append(f"{label}: removed {quoted(before[pk].object_repr)}.")
        for pk in sorted(before.keys() & after.keys()):
            inline_fields = changed_fields(related, before[pk].field_dict, after[pk].field_dict)
            if inline_fields:
                names = ", ".join(field_label(f).lower() for f in inline_fields)
                was, now = before[pk].object_repr, after[pk].object_repr
                # Named as it was, and as it is now when that is what changed.
                renamed = f" (now {quoted(now)})" if now != was else ""
                sentences.append(f"{label}: changed {names} of {quoted(was)}{renamed}.")
    return sentences or ["No change to the content."]


def quoted(name):
    """ "“UB23”"; a name that quotes a name itself stays as it is: "“Back view” on BL23"."""
    return name if name.startswith("“") else f"“{name}”"


def display_value(model_field, value):
    """A recorded value as an editor reads it: a choice's label, a linked item's name."""
    if value is None or value == "" or value == []:
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return when(value)
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if model_field.many_to_many or model_field.many_to_one:
        target = model_field.related_model
        pks = value if isinstance(value, list) else [value]
        names = {obj.pk: str(obj) for obj in target._base_manager.filter(pk__in=pks)}
        return ", ".join(names.get(pk, f"(deleted {target._meta.verbose_name})") for pk in pks)
    return str(value)


@dataclass
class Row:
    label: str
    old: str
    new: str
    changed: bool


class Rows(list):
    """A comparison's rows, those that differ apart from those that do not."""

    @property
    def changed(self):
        return [row for row in self if row.changed]

    @property
    def same(self):
        return [row for row in self if not row.changed]


def compare_rows(model, old_values, new_values):
    """Rows of (label, old, new) for every shown field; long texts get word-level marks."""
    rows = Rows()
    for model_field in shown_fields(model):
        a, b = old_values.get(model_field.attname), new_values.get(model_field.attname)
        changed = values_differ(a, b)
        old_text, new_text = display_value(model_field, a), display_value(model_field, b)
        if isinstance(model_field, models.FileField):
            old_html = picture_html(model_field, a, old_values)
            new_html = picture_html(model_field, b, new_values)
        elif changed and isinstance(a, str) and isinstance(b, str) and not model_field.choices:
            old_html, new_html = word_diff(comparable(a), comparable(b))
        else:
            old_html, new_html = escape(old_text), escape(new_text)
        rows.append(Row(field_label(model_field), old_html, new_html, changed))
    return rows


def picture_html(model_field, name, values):
    """A recorded picture as a small thumbnail with its description, not its file name."""
    if not name:
        return "—"
    alt = values.get(f"{model_field.name}_alt_text") or values.get("alt_text") or "A picture"
    if not model_field.storage.exists(str(name)):
        return format_html("{} (the file is no longer stored)", alt)
    return format_html(
        '<img src="{}" alt="" class="revision-picture" width="96"> {}',
        model_field.storage.url(str(name)),
        alt,
    )


WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(old, new):
    """(old, new) as escaped HTML, the words removed from `old` in <del>, the words added in
    `new` in <ins>."""
    a, b = WORDS.findall(old), WORDS.findall(new)
    old_parts, new_parts = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            old_parts.append(escape(removed))
            new_parts.append(escape(added))
            continue
        if removed:
            old_parts.append(format_html("<del>{}</del>", removed))
        if added:
            new_parts.append(format_html("<ins>{}</ins>", added))
    return joined(old_parts), joined(new_parts)


def joined(parts):
    return format_html_join("", "{}", ((part,) for part in parts))


@dataclass
class InlineComparison:
    label: str
    items: list  # [(name, state, rows)]; state: "added", "removed", "changed", "same"

    @property
    def differing(self):
        return [item for item in self.items if item[1] != "same"]

    @property
    def same_names(self):
        return [name for name, state, _ in self.items if state == "same"]


def compare_inlines(model, old, new):
    comparisons = []
    for name, related, _ in inline_relations(model):
        before, after = old.inlines.get(name, {}), new.inlines.get(name, {})
        items = []
        for pk in sorted(before.keys() | after.keys()):
            a, b = before.get(pk), after.get(pk)
            rows = compare_rows(related, a.field_dict if a else {}, b.field_dict if b else {})
            if a is None:
                state = "added"
            elif b is None:
                state = "removed"
            else:
                state = "changed" if any(row.changed for row in rows) else "same"
            items.append(((b or a).object_repr, state, rows))
        comparisons.append(InlineComparison(relation_label(model, name), items))
    return comparisons

"""The trash: what editors delete stays recoverable for TRASH_DAYS days.

Deleting in the admin first records the item as it is, with the rows deleted with it (a
point's pictures, other names and sources) and the items that link to it (the sections that
name a point, the points under a condition), as one revision of django-reversion; then the
rows go, but their picture files stay in storage. Recovering (points/restoring.py) puts it
all back. `manage.py purge_trash` forgets what was deleted more than TRASH_DAYS ago, and
removes the picture files nothing needs any more (points/picture_files.py).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from reversion.models import Revision, Version

from points.models import (
    Article,
    Author,
    Comment,
    Condition,
    Picture,
    Point,
    Reference,
    ResultReport,
    Reviewer,
)
from points.revisions import DELETION_NOTE, inline_relations, record_revision

TRASH_DAYS = 30
# What the trash lists, in this order. (Other rows come back with the item they belong to.)
TRASH_MODELS = [Point, Article, Author, Condition, Picture, Reference, Reviewer]
# Where a link to a deleted item is kept: the other side of a many-to-many relation.
LINKED_FROM = {Point: ["sections"], Condition: ["points"]}
# Rows deleted with an item that are edited elsewhere: a point's markers on pictures, its steps
# in articles' guided routines.
DELETED_WITH = {Point: ["picture_markers", "routine_steps"]}
# What comes back with an item recovered from the trash, in the editors' words.
COMES_BACK_WITH = {
    Point: "its pictures, their markers, other names, sources, conditions, article links, "
    "steps in guided routines and comments",
    Article: "its sections, their links to points, its sources and comments",
    Author: "their photo and biography",
    Condition: "its links to the points listed under it",
    Picture: "its file and its markers",
    Reference: "its details",
    Reviewer: "their details",
}
# Readers' comments are kept with the page they are on (without what identifies the reader:
# points/revisions.py), with their result reports and the site's replies.
COMMENTED = (Point, Article)
KEPT_WITH_PAGES = (Comment, ResultReport)


def rows_deleted_with(model):
    """[(name, related model, name of its key to `model`)]: the rows that go and come back
    with an item of `model` (its inline rows, and the rows of DELETED_WITH)."""
    relations = inline_relations(model)
    for name in DELETED_WITH.get(model, []):
        relation = model._meta.get_field(name)
        relations.append((name, relation.related_model, relation.field.attname))
    return relations


def comes_back_with(model):
    return COMES_BACK_WITH.get(model, "its links")


def comments_kept_with(obj):
    """The comments on page `obj` and the result reports that go when it is deleted (those of
    its comments, and any other comment's report about this point)."""
    if not isinstance(obj, COMMENTED):
        return []
    comments = list(Comment.objects.on(obj))
    reports = ResultReport.objects.filter(comment__in=comments)
    if isinstance(obj, Point):
        reports = reports | ResultReport.objects.filter(point=obj)
    return [*comments, *reports.distinct()]


def record_deletion(objs, *, user):
    """Keep `objs` (about to be deleted) in the trash: one revision for each, holding the item,
    its inline rows, and the items that link to it."""
    for obj in objs:
        rows = [obj]
        for name, _, _ in rows_deleted_with(type(obj)):
            rows += getattr(obj, name).all()
        for name in LINKED_FROM.get(type(obj), []):
            rows += getattr(obj, name).all()
        rows += comments_kept_with(obj)
        record_revision(rows, user=user, comment=DELETION_NOTE)


@dataclass
class DeletedItem:
    version: Version
    kind: str

    @property
    def deleted_at(self):
        return self.version.revision.date_created

    @property
    def deleted_by(self):
        return self.version.revision.user

    @property
    def removed_on(self):
        """When `purge_trash` may forget it."""
        return self.deleted_at + timedelta(days=TRASH_DAYS)


def deleted_items(models_shown=TRASH_MODELS):
    """What is in the trash, most recently deleted first: for each deleted item, the last
    version recorded (its deletion record when it was deleted in the admin)."""
    items = []
    for model in models_shown:
        versions = Version.objects.get_deleted(model).select_related("revision__user")
        for version in versions:
            items.append(DeletedItem(version, model._meta.verbose_name))
    return sorted(items, key=lambda item: item.deleted_at, reverse=True)


def deleted_version(model, pk):
    """The latest record of a deleted item, or None when it is not in the trash."""
    version = Version.objects.get_for_object_reference(model, pk).first()
    if version is None or model._base_manager.filter(pk=pk).exists():
        return None
    return version


def expired_items(*, days=TRASH_DAYS):
    """The deletion records of the items deleted more than `days` ago, oldest first."""
    cutoff = timezone.now() - timedelta(days=days)
    expired = []
    for model in TRASH_MODELS:
        for version in Version.objects.get_deleted(model).select_related("revision"):
            if version.revision.date_created < cutoff:
                expired.append(version)
    return sorted(expired, key=lambda version: version.revision.date_created)


def purge(*, days=TRASH_DAYS):
    """Forget the items deleted more than `days` ago: every version recorded of them. Their
    picture files are then needed by nothing, and go with the other unused files
    (points/picture_files.py). Returns the items' deletion records."""
    expired = expired_items(days=days)
    for version in expired:
        with transaction.atomic():
            records = Version.objects.get_for_object_reference(version._model, version.object_id)
            # The page's comments are forgotten with it.
            Version.objects.filter(
                revision__in=records.values("revision"),
                content_type__model__in=["comment", "resultreport"],
                content_type__app_label="points",
            ).delete()
            records.delete()
            Revision.objects.filter(version__isnull=True).delete()
    return expired


def gone_or_404(request, model, slug):
    """The answer for a page address no published item has: 410 Gone, with links onward, when
    the page was published and is now in the trash; else the usual 404."""
    candidates = Version.objects.get_for_model(model).filter(serialized_data__contains=slug)
    for version in candidates.order_by("-pk"):
        values = version.field_dict
        if values.get("slug") == slug and values.get("status") == "published":
            if not model._base_manager.filter(pk=version.object_id).exists():
                response = render(
                    request,
                    "410.html",
                    {"kind": model._meta.verbose_name, "name": version.object_repr},
                    status=410,
                )
                # Browsers keep a 410 without headers for ever (Chromium does); the page
                # must come back when the item is recovered.
                add_never_cache_headers(response)
                return response
            break
    raise Http404(f"No {model._meta.verbose_name} at this address.")

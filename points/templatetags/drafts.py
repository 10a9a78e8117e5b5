"""The admin home page's "Unpublished changes" panel: pages whose drafts wait to be published
(points/admin/drafts.py), with who saved them, when, and where to look."""

from django import template
from django.db.models import Q
from django.urls import reverse

from points.models import Article, PendingChange, Point

register = template.Library()

SHOWN = 10


@register.inclusion_tag("admin/points/includes/unpublished_changes.html", takes_context=True)
def unpublished_changes_panel(context):
    """The drafts of pages this user may change, newest first; nothing for other users."""
    user = context["request"].user
    fields = [
        PendingChange.field_for(model)
        for model in (Point, Article)
        if user.has_perm(f"points.change_{model._meta.model_name}")
    ]
    if not fields:
        return {"shown": False}
    of_their_pages = Q()
    for field in fields:
        of_their_pages |= Q(**{f"{field}__isnull": False})
    waiting = PendingChange.objects.filter(of_their_pages).select_related(
        "point", "article", "saved_by"
    )
    drafts = [
        {
            "page": pending.page,
            "kind": pending.page._meta.verbose_name,
            "saved_by": pending.saved_by_name,
            "saved_at": pending.saved_at,
            "change_url": reverse(
                f"admin:points_{pending.page._meta.model_name}_change", args=[pending.page.pk]
            ),
            "preview_url": f"{pending.page.get_absolute_url()}?draft=1",
        }
        for pending in waiting[:SHOWN]
    ]
    lists = [
        (
            model._meta.verbose_name_plural,
            reverse(f"admin:points_{model._meta.model_name}_changelist") + "?unpublished=yes",
        )
        for model in (Point, Article)
        if PendingChange.field_for(model) in fields
    ]
    return {"shown": True, "drafts": drafts, "more": waiting.count() > SHOWN, "lists": lists}

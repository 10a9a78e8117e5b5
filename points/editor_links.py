"""The links a signed-in editor sees on a public page they may change: "Edit this page",
"History", and "Unpublished changes waiting" when a draft of the page waits; "Site admin" on
every page; on a removed page's 410, the way to the trash. Readers never see them; an
editor's pages carry their session cookie, so the page cache neither serves nor keeps them
(points/page_cache.py, is_personal_request)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.urls import reverse

from points.models import Article, PendingChange, Point

DRAFT_WAITING = "Unpublished changes waiting \N{EN DASH} preview them"


def is_editor(request):
    """A signed-in, active staff member (a session cookie is what keeps pages out of the
    cache, so no cookie means no links)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return request.user.is_active and request.user.is_staff


def editor_links(request, editable=None):
    """[(label, address)]: for `editable`, a saved model instance (its change form and its
    history), or (model, {field: value}) for a page that lists rows (the admin's list of them,
    filtered), when the editor may change them; and the way back to the admin, on every page
    (WordPress's admin bar). Empty for readers."""
    if not is_editor(request):
        return []
    return [*links_for(request, editable), ("Site admin", reverse("admin:index"))]


def links_for(request, editable):
    if editable is None:
        return []
    user = request.user
    if isinstance(editable, tuple):
        model, filters = editable
        if not user.has_perm(permission(model)):
            return []
        changelist = reverse(admin_name(model, "changelist"))
        query = f"?{urlencode(filters)}" if filters else ""
        return [(f"Edit these {model._meta.verbose_name_plural}", f"{changelist}{query}")]
    model = editable._meta.model  # not type(): a lazy object stands in for the disclaimer
    if editable.pk is None or not user.has_perm(permission(model)):
        return []
    links = [
        ("Edit this page", reverse(admin_name(model, "change"), args=[editable.pk])),
        ("History", reverse(admin_name(model, "history"), args=[editable.pk])),
    ]
    previewing = "draft" in request.GET
    if model in {Point, Article} and not previewing and PendingChange.objects.of(editable):
        links.append((DRAFT_WAITING, f"{editable.get_absolute_url()}?draft=1"))
    return links


def trash_address(request):
    """The trash's address, for an editor on a removed page's 410 who may recover pages; else
    None."""
    if not is_editor(request):
        return None
    if not any(request.user.has_perm(f"points.add_{name}") for name in ("point", "article")):
        return None
    return reverse("admin:trash")


def permission(model):
    return f"{model._meta.app_label}.{get_permission_codename('change', model._meta)}"


def admin_name(model, view):
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"

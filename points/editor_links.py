"""The links a signed-in editor sees on a public page they may change: "Edit this page" and
"History". Readers never see them; an editor's pages carry their session cookie, so the page
cache neither serves nor keeps them (points/page_cache.py, is_personal_request)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.urls import reverse


def editor_links(request, editable):
    """[(label, address)] for `editable`: a saved model instance (its change form and its
    history), or (model, {field: value}) for a page that lists rows (the admin's list of them,
    filtered). Empty for readers and for staff who may not change them."""
    if editable is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return []
    user = request.user
    if not (user.is_active and user.is_staff):
        return []
    if isinstance(editable, tuple):
        model, filters = editable
        if not user.has_perm(permission(model)):
            return []
        changelist = reverse(admin_name(model, "changelist"))
        return [
            (f"Edit these {model._meta.verbose_name_plural}", f"{changelist}?{urlencode(filters)}")
        ]
    model = editable._meta.model  # not type(): a lazy object stands in for the disclaimer
    if editable.pk is None or not user.has_perm(permission(model)):
        return []
    return [
        ("Edit this page", reverse(admin_name(model, "change"), args=[editable.pk])),
        ("History", reverse(admin_name(model, "history"), args=[editable.pk])),
    ]


def permission(model):
    return f"{model._meta.app_label}.{get_permission_codename('change', model._meta)}"


def admin_name(model, view):
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"

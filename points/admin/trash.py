"""The trash's admin page: what editors deleted in the last TRASH_DAYS days, who deleted it and
when, with a Recover button (points/trash.py keeps it, points/restoring.py brings it back)."""

from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from points import trash
from points.restoring import RestoreRefused, recover
from points.validators import is_number


def recoverable_models(user):
    """The kinds of item this user may bring back: those an editor may add."""
    return [
        model
        for model in trash.TRASH_MODELS
        if user.has_perm(f"{model._meta.app_label}.add_{model._meta.model_name}")
    ]


def trash_view(request):
    models = recoverable_models(request.user)
    if not models:
        raise PermissionDenied
    error = None
    if request.method == "POST":
        kind, _, pk = request.POST.get("item", "").partition(":")
        model = next((m for m in models if m._meta.model_name == kind), None)
        version = trash.deleted_version(model, pk) if model and is_number(pk) else None
        if version is None:
            error = "This item is not in the trash any more: it may have been recovered already."
        else:
            try:
                obj = recover(version, user=request.user)
            except RestoreRefused as refused:
                error = f"“{version.object_repr}” was not recovered. {refused}"
            else:
                change_url = reverse(
                    f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
                )
                LogEntry.objects.log_actions(
                    user_id=request.user.pk,
                    queryset=[obj],
                    action_flag=ADDITION,
                    change_message="Recovered from the trash.",
                    single_object=True,
                )
                messages.success(
                    request, f"“{obj}” is back, with {trash.comes_back_with(type(obj))}."
                )
                return HttpResponseRedirect(change_url)
    elif request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    context = {
        **admin.site.each_context(request),
        "title": "Trash",
        "items": trash.deleted_items(models),
        "trash_days": trash.TRASH_DAYS,
        "error": error,
    }
    return TemplateResponse(
        request, "admin/points/revisions/trash.html", context, status=409 if error else 200
    )

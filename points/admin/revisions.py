"""What every content admin shares: each save is a revision (who, when, an optional note);
an item's history says exactly what each save changed; any two revisions can be compared
side by side; an old one can be restored as a new revision; deleting sends the item to the
trash (points/trash.py) after saying in plain words where it is used."""

import dataclasses

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from reversion.models import Version

from points import revisions, trash
from points.admin.usage import still_used_by, where_used
from points.models import PendingChange
from points.restoring import RestoreRefused, restore
from points.validators import keep_old_files

NOTE_FIELD = "change_note"


class ChangeNoteForm(forms.ModelForm):
    """A change form with the editor's optional note, kept as the revision's comment."""

    change_note = forms.CharField(
        label="Note about this change",
        required=False,
        max_length=300,
        help_text="Optional: what you changed and why, for the other editors. It is shown in "
        "the page's history, never to readers.",
        widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
    )


def version_label(snapshot):
    return capfirst(snapshot.label)


def delete_selected_to_trash(modeladmin, request, queryset):
    """Django's "Delete selected" action, its confirmation saying where each item is used, or,
    when some are still needed, by which pages."""
    response = delete_selected(modeladmin, request, queryset)
    if isinstance(response, TemplateResponse):
        context = response.context_data
        items = f"{len(queryset)} {context['objects_name']}"
        if context.get("protected"):
            context["title"] = f"{capfirst(items)} cannot be deleted yet"
            context["still_used"] = [
                (obj, *still_used_by(obj)) for obj in queryset if still_used_by(obj)[1]
            ]
        else:
            context["title"] = f"Move {items} to the trash?"
        context["usage_list"] = [(str(obj), where_used(obj)) for obj in queryset]
        context["trash_days"] = trash.TRASH_DAYS
        context["comes_back_with"] = trash.comes_back_with(modeladmin.model)
    return response


def moved_to_trash_message(objs):
    """ "… was moved to the trash. Undo: recover it from the trash.", linked to the trash."""
    model = type(objs[0])
    if len(objs) == 1:
        what, it = f"The {model._meta.verbose_name} “{objs[0]}” was", "it"
        with_what = f", with {trash.comes_back_with(model)},"
    else:
        what, it = f"{len(objs)} {model._meta.verbose_name_plural} were", "them"
        with_what = ""
    return format_html(
        '{} moved to the trash. Undo: <a href="{}">recover {} from the trash</a>{} within {} days.',
        what,
        reverse("admin:trash"),
        it,
        with_what,
        trash.TRASH_DAYS,
    )


def with_delete_selected(actions, func):
    """`actions` with Django's "Delete selected" (when the user may delete) running `func`
    instead, which words the confirmation for what the delete does."""
    if "delete_selected" in actions:
        actions["delete_selected"] = dataclasses.replace(actions["delete_selected"], func=func)
    return actions


# A change form carries when its item was last saved: a save made since (in another tab, or by a
# colleague) is not overwritten without a word (WordPress locks a post; Wagtail warns).
SAVED_SEEN_FIELD = "_saved_seen"


def saved_marker(obj):
    """When `obj` was last saved, for a model that keeps it (`updated_at`); else ""."""
    updated_at = getattr(obj, "updated_at", None)
    return updated_at.isoformat() if updated_at else ""


def saved_since_error(obj, *, draft=False):
    """What a form filled from an older state of `obj` is told, naming who saved it since (a
    `draft` was made from that older state)."""
    latest = Version.objects.get_for_object(obj).select_related("revision__user").order_by("-pk")
    latest = latest.first()
    who = ""
    if latest is not None and latest.revision.user is not None:
        user = latest.revision.user
        who = f" by {user.get_full_name() or user.get_username()}"
    when = timezone.localtime(obj.updated_at)
    if draft:
        return (
            f"This page was saved{who} on {when:%-d %B %Y at %H:%M}, after these unpublished "
            "changes were made: publishing them replaces that save. Look at the History to see "
            "it, then publish, or change the form first."
        )
    return (
        f"This was saved{who} on {when:%-d %B %Y at %H:%M}, after you opened this form (in "
        "another tab, or by someone else). Nothing was saved, so those changes are not lost. "
        "Yours are still in the form below: look at the History to see the others, then save "
        "again to replace them with yours."
    )


class RevisionAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves are revisions and whose deletes go to the trash, and whose
    change form is refused once when its item was saved after the form was opened."""

    form = ChangeNoteForm
    object_history_template = "admin/points/revisions/history.html"
    delete_confirmation_template = "admin/points/revisions/delete_confirmation.html"
    delete_selected_confirmation_template = (
        "admin/points/revisions/delete_selected_confirmation.html"
    )
    change_list_template = "admin/points/revisions/change_list.html"

    # The note goes last, just above the save buttons.
    def get_fields(self, request, obj=None):
        return [name for name in super().get_fields(request, obj) if name != NOTE_FIELD]

    def get_fieldsets(self, request, obj=None):
        note = ("About this save", {"fields": [NOTE_FIELD]})
        return [*super().get_fieldsets(request, obj), note]

    # Saving over a later save

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None or not saved_marker(obj):
            return form

        class SavedSinceCheckForm(form):
            def clean(self):
                cleaned_data = super().clean()
                # Not a preview's rolled-back try: nothing replaces the item. (Keeping a draft
                # is checked: published, it would replace the later save.)
                trial = getattr(request, "drafts_trial", None)
                previewing = trial is not None and not trial.keeps_draft
                # A draft shown in the form is not being saved: publishing it is checked.
                showing = getattr(self, "shows_draft", False)
                seen = self.data.get(SAVED_SEEN_FIELD)
                if not (previewing or showing) and seen and seen != saved_marker(self.instance):
                    draft = bool(self.data.get("_draft_seen"))  # filled from a draft
                    raise forms.ValidationError(saved_since_error(self.instance, draft=draft))
                return cleaned_data

        SavedSinceCheckForm.__name__ = form.__name__
        return SavedSinceCheckForm

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            # The item as it is now: a form shown again after a refusal may then replace it.
            # (A draft shown in the form carries the mark it was made from: see drafts.py.)
            context.setdefault("saved_marker", saved_marker(obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Saving: one revision for the item and its inline rows.
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with reversion.create_revision(), keep_old_files():
            reversion.set_user(request.user)
            if object_id and request.method == "POST":
                revisions.record_first_state(self.model, unquote(object_id))
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"trash_url": reverse("admin:trash"), **(extra_context or {})}
        with reversion.create_revision(), keep_old_files():
            reversion.set_user(request.user)
            return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if reversion.is_active():
            reversion.set_comment(form.cleaned_data.get(NOTE_FIELD, ""))
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        deleted = [f.instance for f in formset.deleted_forms if f.instance.pk]
        if deleted and type(deleted[0]) in trash.TRASH_MODELS:
            trash.record_deletion(deleted, user=request.user)
        super().save_formset(request, form, formset, change)

    # Deleting: to the trash, files kept.
    def delete_model(self, request, obj):
        trash.record_deletion([obj], user=request.user)
        request.moved_to_trash = [obj]
        with keep_old_files():
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        request.moved_to_trash = list(queryset)
        trash.record_deletion(request.moved_to_trash, user=request.user)
        with keep_old_files():
            super().delete_queryset(request, queryset)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # A page's comments go to the trash with it (points/trash.py): editors, who may not
        # delete comments themselves, may still delete the page.
        kept = {model._meta.verbose_name for model in trash.KEPT_WITH_PAGES}
        return deleted, counts, perms_needed - kept, protected

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # Django's "deleted successfully" becomes where it went and how to undo it.
        moved = getattr(request, "moved_to_trash", None)
        if moved and level == messages.SUCCESS:
            message, request.moved_to_trash = moved_to_trash_message(moved), None
        super().message_user(request, message, level, *args, **kwargs)

    def render_delete_form(self, request, context):
        obj = context.get("object")
        context["usage"] = where_used(obj) if obj is not None else []
        context["trash_days"] = trash.TRASH_DAYS
        context["comes_back_with"] = trash.comes_back_with(self.model)
        if obj is not None and context.get("protected"):
            context["title"] = f"“{obj}” cannot be deleted yet"
            context["still_used_verb"], context["still_used_by"] = still_used_by(obj)
        return super().render_delete_form(request, context)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        return with_delete_selected(actions, delete_selected_to_trash)

    # History, compare, restore.
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                wrap(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                wrap(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def editable_object(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with this number.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def admin_url(self, view, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}", args=[obj.pk])

    def revision_context(self, request, obj, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "module_name": capfirst(self.opts.verbose_name_plural),
            **context,
        }

    def history_view(self, request, object_id, extra_context=None):
        obj = self.editable_object(request, object_id)
        snapshots = revisions.snapshots_of(obj)
        entries = []
        for index, snapshot in enumerate(snapshots):
            older = snapshots[index + 1] if index + 1 < len(snapshots) else None
            entries.append(
                {
                    "snapshot": snapshot,
                    "revision": snapshot.version.revision,
                    "changes": revisions.describe_changes(self.model, older, snapshot),
                    "is_current": index == 0,
                }
            )
        context = self.revision_context(
            request,
            obj,
            title=f"History of {obj}",
            entries=entries,
            **(extra_context or {}),
        )
        status = 400 if context.get("error") else 200
        return TemplateResponse(request, self.object_history_template, context, status=status)

    def compare_view(self, request, object_id):
        obj = self.editable_object(request, object_id)
        snapshots = {str(s.version.pk): s for s in revisions.snapshots_of(obj)}
        old, new = snapshots.get(request.GET.get("old")), snapshots.get(request.GET.get("new"))
        if old is None or new is None or old is new:
            error = "Choose two different versions of this page to compare."
            return self.history_view(request, object_id, {"error": error})
        if old.version.pk > new.version.pk:
            old, new = new, old
        context = self.revision_context(
            request,
            obj,
            title=f"Compare two versions of {obj}",
            old=old,
            new=new,
            old_heading=f"Older: {version_label(old)}",
            new_heading=f"Newer: {version_label(new)}",
            rows=revisions.compare_rows(self.model, old.values, new.values),
            inlines=revisions.compare_inlines(self.model, old, new),
        )
        return TemplateResponse(request, "admin/points/revisions/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        obj = self.editable_object(request, object_id)
        snapshot = next(
            (s for s in revisions.snapshots_of(obj) if s.version.pk == version_id), None
        )
        if snapshot is None:
            raise Http404("This page has no such version.")
        error = None
        if request.method == "POST":
            try:
                obj = restore(snapshot, user=request.user)
            except RestoreRefused as refused:
                error = str(refused)
            else:
                self.log_change(request, obj, f"Restored {snapshot.label}.")
                messages.success(
                    request,
                    f"{version_label(snapshot)} is current again. To undo, restore the "
                    "version before it from this history.",
                )
                return HttpResponseRedirect(self.admin_url("history", obj))
        current = revisions.live_snapshot(obj)
        context = self.revision_context(
            request,
            obj,
            title=f"Restore an earlier version of {obj}?",
            old=snapshot,
            pending=PendingChange.objects.of(obj) if PendingChange.is_kept_for(obj) else None,
            error=error,
            rows=revisions.compare_rows(self.model, current.values, snapshot.values),
            inlines=revisions.compare_inlines(self.model, current, snapshot),
        )
        return TemplateResponse(
            request, "admin/points/revisions/restore.html", context, status=409 if error else 200
        )

"""Changes that wait, in the admin: on a published point or article, "Save as draft" keeps the
change form's data as a PendingChange while the live page stays as it was; the change form
shows the draft; "Preview" shows the page as it would look; publishing is the normal save.

Checking a draft and previewing it run the ModelAdmin's own save path (form, save_model,
save_related, inlines) in a transaction that is always rolled back, so a draft is checked and
shown exactly as publishing would save it, and nothing of it reaches readers or the page cache
(points/page_cache.changes_rolled_back). `DraftsAdminMixin` goes first in an admin's bases, so
that it wraps whatever records saves (revisions) and a rolled-back try is never recorded.
"""

import copy
from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html

from points.models import Article, PendingChange, Point
from points.page_cache import changes_rolled_back
from points.revisions import relation_label
from points.views.articles import ArticlePage
from points.views.points import PointPage

# What a draft never keeps of the form as sent: the CSRF token and which button was pressed.
NOT_KEPT = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", "_saveasnew"}
# (A draft keeps `_saved_seen`: publishing it says so when the page was saved after it.)
NOT_KEPT |= {"_save_draft", "_preview", "_draft_seen"}
NO_NEW_FILES = (
    "A draft and a preview keep what the form says, not new picture files. Add the picture to "
    "the picture library first, then choose it here."
)
PUBLIC_PAGES = {Point: PointPage(), Article: ArticlePage()}


@dataclass
class Trial:
    """One rolled-back run of the admin's save: why the form is refused all the same (shown as
    its error, or ""), and the page as saved (None until the form and its inlines were valid
    and saved)."""

    refusal: str = ""
    page: object = None
    # A draft being kept warns about what readers would miss, as publishing does; a preview
    # says nothing (its save is only a way to show the page).
    keeps_draft: bool = False


class PendingChangeFilter(admin.SimpleListFilter):
    title = "unpublished changes"
    parameter_name = "unpublished"

    def lookups(self, request, model_admin):
        return [("yes", "Has unpublished changes"), ("no", "No unpublished changes")]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(has_pending_change=self.value() == "yes")
        return queryset


class DraftsAdminMixin:
    """For the admin of a page readers see (Point, Article): drafts over the live page, their
    preview, and an "Unpublished changes" column and filter in the list."""

    change_form_template = "admin/points/change_form_with_drafts.html"

    # The list

    def get_queryset(self, request):
        pending = PendingChange.objects.filter(
            **{PendingChange.field_for(self.model): OuterRef("pk")}
        )
        return super().get_queryset(request).annotate(has_pending_change=Exists(pending))

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), PendingChangeFilter]

    # The change form

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/preview/",
                wrap(self.preview_view),
                name="{}_{}_preview".format(*info),
            ),
            path(
                "<path:object_id>/discard-draft/",
                wrap(self.discard_draft_view),
                name="{}_{}_discard_draft".format(*info),
            ),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        if request.method == "POST" and "_save_draft" in request.POST:
            return self.save_draft(request, object_id, form_url)
        page = self.get_object(request, unquote(object_id))
        context = self.drafts_context(request, page)
        # A save from this form publishes what it shows; a change of position in the list
        # (list_editable) leaves a draft alone.
        request.drafts_publishing = True
        if context and context["drafts"]["pending"] and request.method in {"GET", "HEAD"}:
            request.drafts_shown = context["drafts"]["pending"]
        return super().changeform_view(
            request, object_id, form_url, (extra_context or {}) | context
        )

    def drafts_context(self, request, page):
        if page is None or not self.has_change_permission(request, page):
            return {}
        pending = PendingChange.objects.of(page)
        return {
            "drafts": {
                "pending": pending,
                # Drafts are for live pages: one not public yet is simply saved.
                "can_save_draft": page.is_public or pending is not None,
                "preview_url": self.drafts_url("preview", page),
                "discard_url": self.drafts_url("discard_draft", page),
                "draft_preview_url": f"{page.get_absolute_url()}?draft=1",
                # Which draft the form was filled from: publishing removes only that one.
                "seen": request.POST.get("_draft_seen", "")
                if request.method == "POST"
                else getattr(pending, "version", ""),
            }
        }

    def drafts_url(self, name, page):
        info = self.opts.app_label, self.opts.model_name, name
        return reverse("admin:{}_{}_{}".format(*info), args=[page.pk])

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        pending = getattr(request, "drafts_shown", None)
        seen = pending.form_data.get("_saved_seen") if pending is not None else None
        if seen:
            # Made from the page as it was then: publishing it after a later save is refused
            # once, saying so (RevisionAdmin).
            context["saved_marker"] = seen[0]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        pending = getattr(request, "drafts_shown", None)
        trial = getattr(request, "drafts_trial", None)
        refusal = trial.refusal if trial is not None else ""
        if pending is None and not refusal:
            return form_class

        class DraftForm(form_class):
            def __init__(self, data=None, files=None, *args, **kwargs):
                self.shows_draft = data is None and pending is not None
                if self.shows_draft:
                    data, files = pending.as_query_dict(), MultiValueDict()
                super().__init__(data, files, *args, **kwargs)

            def clean(self):
                cleaned_data = super().clean()
                if refusal:
                    raise ValidationError(refusal)
                return cleaned_data

        DraftForm.__name__ = form_class.__name__
        return DraftForm

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        pending = getattr(request, "drafts_shown", None)
        if pending is not None and request.method != "POST":
            kwargs |= {"data": pending.as_query_dict(), "files": MultiValueDict()}
        return kwargs

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        trial = getattr(request, "drafts_trial", None)
        if trial is not None:
            trial.page = form.instance
        elif change and getattr(request, "drafts_publishing", False):
            pending = PendingChange.objects.of(form.instance)
            if pending is None:
                return
            if pending.version == request.POST.get("_draft_seen"):
                pending.delete()  # Published: the draft the form showed is now the live page.
            else:
                self.message_user(request, unseen_message(pending), messages.WARNING)

    def message_user(self, request, *args, **kwargs):
        if getattr(request, "drafts_trial", None) is None:  # A rolled-back save says nothing.
            super().message_user(request, *args, **kwargs)

    def warns_about_links(self, request):
        trial = getattr(request, "drafts_trial", None)
        return trial is None or trial.keeps_draft

    # Trying changes without keeping them

    def try_changes(self, request, object_id, *, form_url, then, refusal="", keeps_draft=False):
        """Run the admin's save of request.POST in a transaction that is always rolled back.
        Valid: (True, then(the saved page)), called before the rollback. Not valid: (False,
        the change form with its errors and everything typed)."""
        form_context = self.drafts_context(request, self.get_object(request, unquote(object_id)))
        trial = request.drafts_trial = Trial(refusal=refusal, keeps_draft=keeps_draft)
        try:
            with (
                changes_rolled_back(),
                transaction.atomic(using=router.db_for_write(self.model)),
            ):
                response = self._changeform_view(request, object_id, form_url, form_context)
                if trial.page is not None:
                    response = then(trial.page)
                transaction.set_rollback(True)
        finally:
            del request.drafts_trial
        return trial.page is not None, response

    def save_draft(self, request, object_id, form_url):
        """Check the form as publishing would, then keep it as the page's pending change
        (unless it would replace another draft the editor has not seen)."""
        page = self.get_object(request, unquote(object_id))
        pending = page and PendingChange.objects.of(page)
        refusal = NO_NEW_FILES if request.FILES else ""
        if pending and pending.version != request.POST.get("_draft_seen"):
            refusal = unseen_message(pending, saving_draft=True)
        valid, response = self.try_changes(
            request,
            object_id,
            form_url=form_url,
            then=lambda page: None,
            refusal=refusal,
            keeps_draft=True,
        )
        if not valid:
            return response
        form_data = {name: values for name, values in request.POST.lists() if name not in NOT_KEPT}
        PendingChange.objects.update_or_create(
            **{PendingChange.field_for(self.model): page},
            defaults={"form_data": form_data, "saved_by": request.user},
        )
        self.message_user(
            request,
            format_html(
                'Draft saved. Readers still see the published page. <a href="{}">Preview it</a>',
                f"{page.get_absolute_url()}?draft=1",
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(request.get_full_path())

    def preview_view(self, request, object_id):
        """The public page as the change form sent here would make it (opened in a new tab by
        the form's Preview button); the form with its errors when it is not valid."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[object_id]
        )
        page_view = PUBLIC_PAGES[self.model]
        valid, response = self.try_changes(
            request,
            object_id,
            form_url=form_url,
            refusal=NO_NEW_FILES if request.FILES else "",
            then=lambda page: page_view.render_changes(request, page, edit_url=form_url),
        )
        if valid or not hasattr(response, "context_data"):
            return response
        # Not a second, saveable copy of the form: what to fix, in the form's own tab.
        context = self.admin_site.each_context(request) | {
            "title": "This preview cannot be shown",
            "subtitle": str(response.context_data.get("original", "")),
            "opts": self.opts,
            "problems": form_problems(response.context_data),
        }
        return TemplateResponse(request, "admin/points/preview_refused.html", context, status=400)

    def preview_pending_change(self, request, page, pending):
        """The public page with `pending` applied, for the page's address with ?draft=1."""
        trial_request = copy.copy(request)
        trial_request.method = "POST"
        trial_request.POST = pending.as_query_dict()
        trial_request._files = MultiValueDict()
        edit_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[page.pk]
        )
        page_view = PUBLIC_PAGES[self.model]
        valid, response = self.try_changes(
            trial_request,
            str(page.pk),
            form_url=edit_url,
            then=lambda changed: page_view.render_changes(
                request, changed, edit_url=edit_url, pending=pending
            ),
        )
        if not valid:
            messages.warning(
                request,
                "The unpublished changes no longer pass the form's checks (another edit may "
                "have come first). Fix them here, then preview again.",
            )
            return HttpResponseRedirect(edit_url)
        return response

    def discard_draft_view(self, request, object_id):
        """Confirm, then throw the pending change away; the live page is untouched."""
        page = self.get_object(request, unquote(object_id))
        if page is None:
            raise Http404("No such page.")
        if not self.has_change_permission(request, page):
            raise PermissionDenied
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[page.pk]
        )
        pending = PendingChange.objects.of(page)
        if pending is None:
            self.message_user(request, f"“{page}” has no unpublished changes.", messages.INFO)
            return HttpResponseRedirect(change_url)
        if request.method == "POST":
            pending.delete()
            self.message_user(
                request,
                f"Unpublished changes to “{page}” discarded. The form shows the published page.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
        context = self.admin_site.each_context(request) | {
            "title": "Discard the unpublished changes?",
            "subtitle": str(page),
            "opts": self.opts,
            "object": page,
            "pending": pending,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/points/discard_draft.html", context)


def unseen_message(pending, *, saving_draft=False):
    """What to say when a save meets a draft its form was not filled from."""
    when = (
        f"{pending.saved_by_name} saved unpublished changes on {pending.saved_at:%d %B %Y, %H:%M}"
    )
    if saving_draft:
        return (
            f"{when} while you were editing; saving yours would replace them. Copy what you "
            "typed, open the page again to see theirs, then save."
        )
    return (
        f"{when}, after you opened the form: they were not part of what you published and are "
        "still waiting. Open the page to publish or discard them."
    )


def form_problems(context):
    """[(where, message)] for every error of a change form's context: its own fields, then
    each inline's rows ("Pictures, row 2: Picture"), in the order they are shown."""
    form = context["adminform"].form
    problems = [
        (where(form, name), error) for name, errors in form.errors.items() for error in errors
    ]
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        # The rows' short name, as the history names them ("Pictures"), not the inline's
        # title with its instructions.
        title = relation_label(type(formset.instance), formset.fk.remote_field.get_accessor_name())
        problems += [(title, error) for error in formset.non_form_errors()]
        for number, row in enumerate(formset.forms, start=1):
            for name, errors in row.errors.items():
                place = where(row, name)
                label = f"{title}, row {number}" + (f": {place}" if place else "")
                problems += [(label, error) for error in errors]
    return problems


def where(form, name):
    """A field's label as the form shows it; "" for errors about the whole form."""
    if name == NON_FIELD_ERRORS or name not in form.fields:
        return ""
    return str(form[name].label)

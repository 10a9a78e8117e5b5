"""Publishing a page readers see (a point, an article) from its change form, as WordPress and
Wagtail editors expect it: one clear primary button whose label says what it does ("Publish",
"Publish changes", or "Save" for a page that is not public), "Save as draft" and "Preview"
beside it, Delete set apart; messages that say what readers now get, with a link to look; a
confirmation before a live page is taken off the site; and one "Status" column in the list."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from points.admin.usage import while_not_public
from points.models import Status

TAKE_OFF_FIELD = "take_off_site"
TAKE_OFF_ERROR = (
    "This page is live: saving it as a draft (or with a publication date in the future) takes "
    "it off the site, and readers get “page not found”. Tick “Yes, take this page off the "
    "site” to do that, or set the status back to Published and the date back to now or "
    "earlier."
)
# The same, for keeping a draft of a live page: the page stays live until it is published.
TAKE_OFF_LATER_ERROR = (
    "Published later, this draft would take the page off the site (its status is Draft, or its "
    "publication date is in the future), and readers would get “page not found”. The page "
    "stays live until then. Tick “Yes, take this page off the site” to keep the draft so, or "
    "set the status back to Published and the date back to now or earlier."
)


def primary_label(*, live, status, scheduled=False):
    """What the main button does, said on it: a page that is not public is just saved."""
    if status != Status.PUBLISHED:
        return "Save"
    if live:
        return "Publish changes"
    return "Schedule" if scheduled else "Publish"


def will_be_public(cleaned_data, instance):
    status = cleaned_data.get("status", instance.status)
    published_at = cleaned_data.get("published_at") or instance.published_at
    return status == Status.PUBLISHED and published_at <= timezone.now()


class PublicationFilter(admin.SimpleListFilter):
    """Status as readers meet it: live, scheduled (published, with a date to come) or draft."""

    title = "status"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("live", "Published (live)"), ("scheduled", "Scheduled"), ("draft", "Draft")]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "draft":
            return queryset.filter(status=Status.DRAFT)
        return queryset


class PublishingAdminMixin:
    """For the admin of a page readers see; goes after DraftsAdminMixin in an admin's bases
    (a rolled-back try of a draft or preview neither asks for the confirmation nor says
    anything)."""

    # The list: one short "Status" column instead of status, dates and a draft tick.

    @admin.display(description="Status", ordering="status")
    def publication_status(self, page):
        if page.status != Status.PUBLISHED:
            label = "Draft"
        elif page.is_scheduled:
            label = f"Scheduled {timezone.localtime(page.published_at):%-d %b %Y}"
        else:
            label = "Published"
        if getattr(page, "has_pending_change", False):
            label += " · draft waiting"
        return label

    @admin.display(description="Review due", ordering="next_review_due")
    def review_due(self, page):
        return f"{page.next_review_due:%-d %b %Y}" if page.next_review_due else "—"

    # The change form

    def get_form(self, request, obj=None, change=False, **kwargs):
        """A live page's form asks for a confirmation before a save takes it off the site, also
        to keep a draft that would; a preview is not asked."""
        if obj is None or not obj.is_public:
            return super().get_form(request, obj, change, **kwargs)
        base = kwargs.get("form", self.form)

        class TakeOffSiteForm(base):
            take_off_site = forms.BooleanField(
                required=False,
                label="Yes, take this page off the site",
                help_text="Needed only when you change the status to Draft or move the "
                "publication date into the future: readers then get “page not found”.",
            )

            def clean(self):
                cleaned_data = super().clean()
                trial = getattr(request, "drafts_trial", None)
                if trial is not None and not trial.keeps_draft:
                    return cleaned_data  # A preview: nothing is kept.
                # A draft is checked as publishing it would be.
                taken_off = not will_be_public(cleaned_data, self.instance)
                if taken_off and not cleaned_data.get(TAKE_OFF_FIELD):
                    self.add_error(
                        TAKE_OFF_FIELD, TAKE_OFF_LATER_ERROR if trial else TAKE_OFF_ERROR
                    )
                return cleaned_data

        TakeOffSiteForm.__name__ = base.__name__
        return super().get_form(request, obj, change, **kwargs | {"form": TakeOffSiteForm})

    def get_fieldsets(self, request, obj=None):
        """The confirmation sits under the status, in the publishing group."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.is_public:
            return fieldsets
        shown = []
        for name, options in fieldsets:
            fields = list(options.get("fields", []))
            if "status" in fields and TAKE_OFF_FIELD not in fields:
                fields.insert(fields.index("status") + 1, TAKE_OFF_FIELD)
            shown.append((name, options | {"fields": fields}))
        return shown

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        may_save = (
            self.has_add_permission(request) if add else self.has_change_permission(request, obj)
        )
        if not context.get("is_popup") and may_save:
            context["publishing"] = self.publishing_buttons(request, context, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def publishing_buttons(self, request, context, obj):
        form = context["adminform"].form
        status = form["status"].value() if "status" in form.fields else None
        live = obj is not None and obj.is_public
        scheduled = obj is not None and obj.is_scheduled
        labels = {
            "published": primary_label(live=live, status=Status.PUBLISHED, scheduled=scheduled),
            "draft": primary_label(live=live, status=Status.DRAFT),
        }
        delete_url = None
        if obj is not None and self.has_delete_permission(request, obj):
            info = self.opts.app_label, self.opts.model_name
            delete_url = reverse("admin:{}_{}_delete".format(*info), args=[obj.pk])
        return {
            "label": labels["published" if status == Status.PUBLISHED else "draft"],
            "labels": labels,
            "live": live,
            "delete_url": delete_url,
        }

    # What a save says

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            before = type(obj)._base_manager.filter(pk=obj.pk).first()
        request.publishing_before = before
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        request.publishing_news = self.publishing_news(request, obj)
        try:
            return super().response_add(request, obj, post_url_continue)
        finally:
            del request.publishing_news

    def response_change(self, request, obj):
        request.publishing_news = self.publishing_news(request, obj)
        try:
            return super().response_change(request, obj)
        finally:
            del request.publishing_news

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        """Django's "was changed successfully" becomes what readers now get."""
        news = getattr(request, "publishing_news", None)
        if not news or level != messages.SUCCESS:
            return super().message_user(request, message, level, *args, **kwargs)
        request.publishing_news = None
        for news_level, news_message in news:
            super().message_user(request, news_message, news_level)
        return None

    def publishing_news(self, request, page):
        """[(level, message)] for a saved page: published, saved as a draft, scheduled or
        taken off the site, and where its old address now leads."""
        before = getattr(request, "publishing_before", None)
        address = page.get_absolute_url()
        if page.is_public:
            news = [
                (
                    messages.SUCCESS,
                    format_html(
                        'Published “{}”. <a href="{}">View it on the site</a>', page, address
                    ),
                )
            ]
        elif before is not None and before.is_public:
            until = ""
            if page.is_scheduled:
                when = timezone.localtime(page.published_at)
                until = f" until it goes live on {when:%-d %B %Y at %H:%M}"
            news = [
                (
                    messages.WARNING,
                    format_html(
                        "“{}” is no longer public: readers get “page not found”{}. "
                        '<a href="{}">Preview it</a>',
                        page,
                        until,
                        address,
                    ),
                )
            ]
            missed = while_not_public(page)
            if missed:
                sentence = "; ".join(missed)
                news.append((messages.WARNING, f"Until it is public again, {sentence}."))
        elif page.is_scheduled:
            when = timezone.localtime(page.published_at)
            news = [
                (
                    messages.SUCCESS,
                    format_html(
                        "Saved “{}”: it goes live on {}. Until then readers get “page not "
                        'found”. <a href="{}">Preview it</a>',
                        page,
                        f"{when:%-d %B %Y at %H:%M}",
                        address,
                    ),
                )
            ]
        else:
            news = [
                (
                    messages.SUCCESS,
                    format_html(
                        "Saved “{}” as a draft: readers cannot see it yet. "
                        '<a href="{}">Preview it</a>',
                        page,
                        address,
                    ),
                )
            ]
        if before is not None and before.slug != page.slug:
            news.append(
                (
                    messages.INFO,
                    f"The old address {before.get_absolute_url()} now redirects to {address}.",
                )
            )
        return news

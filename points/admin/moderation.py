"""The moderation queue: readers' comments, their result reports, and the site's replies."""

from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from points.admin.revisions import with_delete_selected
from points.admin.widgets import KeepsRelatedItems
from points.commenting import notify_reader_of_reply
from points.models import Comment, CommentStatus, ResultReport
from points.validators import is_number


class ResultReportInline(KeepsRelatedItems, admin.TabularInline):
    model = ResultReport
    extra = 0
    autocomplete_fields = ["point"]
    verbose_name = "result report"
    verbose_name_plural = "Result reports (counted on the point's page once approved)"


def delete_selected_for_good(modeladmin, request, queryset):
    """Django's "Delete selected", titled for what it does (superusers only: points/roles.py)."""
    response = delete_selected(modeladmin, request, queryset)
    if isinstance(response, TemplateResponse):
        count = len(queryset)
        response.context_data["title"] = f"Delete {count} comment{pluralize(count)} for good?"
    return response


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderation queue: newest first, waiting comments on top by default filter."""

    list_display = [
        *["excerpt", "name", "page", "result", "status", "created_at", "has_reply"],
        "moderate",
    ]
    list_display_links = ["excerpt"]
    list_filter = ["status", "point", "article", "created_at"]
    search_fields = ["name", "text", "reply"]
    list_select_related = ["point", "article"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["approve", "mark_as_spam"]
    # Editors cannot delete comments (points/roles.py); a superuser deleting one is told
    # plainly that it is for good.
    delete_confirmation_template = "admin/points/comment/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/points/comment/delete_selected_confirmation.html"
    inlines = [ResultReportInline]

    class Media:
        css = {"all": ["admin/moderation.css"]}

    readonly_fields = ["page_link", "created_at", "spam_reason", "replied_at", "replied_by"]
    fieldsets = [
        (
            None,
            {"fields": ["status", "page_link", "created_at", "spam_reason", "name", "text"]},
        ),
        (
            "The site's reply",
            {
                "fields": ["reply", "replied_at", "replied_by"],
                "description": "Shown under the comment. If the reader asked, they are emailed "
                "once when a reply is first saved.",
            },
        ),
        (
            "Private (never shown)",
            {"fields": ["email", "notify_on_reply"], "classes": ["collapse"]},
        ),
    ]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        return with_delete_selected(actions, delete_selected_for_good)

    def render_delete_form(self, request, context):
        context["title"] = "Delete this comment for good?"
        return super().render_delete_form(request, context)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("reports__point")

    def has_add_permission(self, request):
        return False  # Comments come from readers; editors reply to them.

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return comment.excerpt

    @admin.display(description="Page")
    def page(self, comment):
        return comment.point.code if comment.point else comment.article

    @admin.display(description="Page")
    def page_link(self, comment):
        return format_html('<a href="{}">{}</a>', comment.get_absolute_url(), comment.page)

    @admin.display(description="Result")
    def result(self, comment):
        reports = comment.reports.all()
        return ", ".join(f"{r.point.code}: {r.get_outcome_display()}" for r in reports) or "—"

    @admin.display(description="Replied", boolean=True)
    def has_reply(self, comment):
        return bool(comment.reply)

    @admin.display(description="Moderate")
    def moderate(self, comment):
        """One click per row: buttons of the list's own form (with its CSRF token) that post to
        moderate_view, so a comment is approved or marked as spam without opening it."""
        url = reverse("admin:points_comment_moderate")
        buttons = [
            (name, label)
            for name, label, status in (
                ("approve", "Approve", CommentStatus.APPROVED),
                ("spam", "Spam", CommentStatus.SPAM),
            )
            if comment.status != status
        ]
        return format_html_join(
            " ",
            '<button type="submit" class="button" formaction="{}" name="{}" value="{}" '
            'aria-label="{} the comment by {}">{}</button>',
            ((url, name, comment.pk, label, comment.name, label) for name, label in buttons),
        )

    def get_urls(self):
        moderate = self.admin_site.admin_view(require_POST(self.moderate_view))
        return [
            path("moderate/", moderate, name="points_comment_moderate"),
            *super().get_urls(),
        ]

    def moderate_view(self, request):
        """Approve, or mark as spam, the one comment whose button was pressed; then back to the
        list as it was (its filters kept)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        action = next((name for name in ("approve", "spam") if name in request.POST), None)
        if action is None:
            return HttpResponseBadRequest("Choose Approve or Spam for a comment.")
        pk = request.POST[action]
        comments = Comment.objects.filter(pk=pk) if is_number(pk) else Comment.objects.none()
        comment = comments.first()
        if comment is None:
            self.message_user(request, "That comment is no longer there.", messages.WARNING)
        elif action == "approve":
            comments.approve()
            message = f"Approved the comment by {comment.name}: it is on its page."
            self.message_user(request, message, messages.SUCCESS)
        else:
            comments.mark_as_spam()
            message = f"Marked the comment by {comment.name} as spam: it is hidden."
            self.message_user(request, message, messages.SUCCESS)
        return redirect(self.back_to_list(request))

    def back_to_list(self, request):
        """The comment list the button was pressed on (with its filters), else the list."""
        changelist = reverse("admin:points_comment_changelist")
        back = request.headers.get("Referer", "")
        is_the_list = urlsplit(back).path == changelist
        if is_the_list and url_has_allowed_host_and_scheme(back, {request.get_host()}):
            return back
        return changelist

    @admin.action(description="Approve selected comments (publish them)")
    def approve(self, request, queryset):
        changed = queryset.approve()
        self.message_user(
            request, f"Approved {changed} comment{pluralize(changed)}.", messages.SUCCESS
        )

    @admin.action(description="Mark selected comments as spam (hide them)")
    def mark_as_spam(self, request, queryset):
        changed = queryset.mark_as_spam()
        self.message_user(
            request, f"Marked {changed} comment{pluralize(changed)} as spam.", messages.SUCCESS
        )

    def save_model(self, request, obj, form, change):
        if "reply" in form.changed_data:
            obj.replied_at = timezone.now() if obj.reply else None
            obj.replied_by = request.user if obj.reply else None
        super().save_model(request, obj, form, change)
        emailed = notify_reader_of_reply(request, obj)
        if emailed:
            self.message_user(request, f"{obj.name} was emailed your reply.", messages.SUCCESS)
        elif emailed is False:
            self.message_user(
                request,
                f"Your reply is saved and shown, but the email to {obj.name} could not be sent; "
                "saving the comment again tries again.",
                messages.WARNING,
            )

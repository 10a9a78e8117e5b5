"""What a point's page and an article's page share: a page editors publish, shown to readers
or previewed by an editor, with readers' comments and the one way to post one."""

from django.contrib import admin
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from points import commenting
from points.forms import CommentForm
from points.models import PendingChange
from points.page_cache import cache_public_page
from points.security import limit_form_body, require_same_origin
from points.trash import gone_or_404


def draft_preview(request, model, slug):
    """The page at `slug` with its unpublished changes applied, for a signed-in editor who may
    change it; None (the live page) for everyone else, or when there are none."""
    if not (request.user.is_active and request.user.is_staff):
        return None
    page = model.objects.filter(slug=slug).first()
    model_admin = admin.site.get_model_admin(model)
    if page is None or not model_admin.has_change_permission(request, page):
        return None
    pending = PendingChange.objects.of(page)
    if pending is None:
        return None
    return model_admin.preview_pending_change(request, page, pending)


class CommentedPage:
    """A family of pages: `model` (with `viewable_by()`, `published()` and
    `with_page_relations()`), its `template_name`, the name the template knows the page by,
    and what else it shows (`extra_context`). `views()` gives the URLconf its two views."""

    model = None
    template_name = None
    context_name = None

    def extra_context(self, request, page):
        return {}

    def views(self):
        """(the page's view, for GET and HEAD; the view its comment form posts to)."""
        detail = require_safe(cache_public_page(params=["comments"])(self.detail))
        # Cross-site posts are refused by require_same_origin; see points/security.py.
        comment = csrf_exempt(
            require_POST(
                require_same_origin(limit_form_body(CommentForm.MAX_BODY_BYTES)(self.comment))
            )
        )
        return detail, comment

    def detail(self, request, slug):
        if "draft" in request.GET:
            preview = draft_preview(request, self.model, slug)
            if preview is not None:
                return preview
        pages = self.model.objects.viewable_by(request.user).with_page_relations()
        try:
            page = pages.get(slug=slug)  # Unlike first(), no needless ORDER BY to build.
        except self.model.DoesNotExist:
            return gone_or_404(request, self.model, slug)
        return self.render(request, page, CommentForm(page=page))

    def comment(self, request, slug):
        page = get_object_or_404(self.model.objects.published().with_page_relations(), slug=slug)
        form = CommentForm(request.POST, page=page)
        posted = commenting.post_comment(request, form)
        if posted.comment:
            return commenting.show_own_comment(request, posted.comment)
        return posted.finish(self.render(request, page, form, status=posted.status))

    def render_changes(self, request, page, *, edit_url, pending=None):
        """The page as changes not yet published would make it (`page` as saved inside a
        transaction the caller rolls back): the unsaved change form, or a `pending` change."""
        page = self.model.objects.with_page_relations().get(pk=page.pk)
        changes = {"pending": pending, "edit_url": edit_url}
        return self.render(request, page, CommentForm(page=page), changes=changes)

    def render(self, request, page, form, *, status=200, changes=None):
        """The page with `form` (a new one, or one sent back with what to fix). A draft (seen
        only by staff) and a preview of `changes` are marked as previews and kept out of
        caches and search engines."""
        is_preview = changes is not None or not page.is_public
        context = (
            {self.context_name: page, "comment_form": form, "editable": page}
            | self.extra_context(request, page)
            | commenting.page_comments(request, page)
            | {"is_preview": is_preview, "preview_page": page, "preview_changes": changes}
        )
        response = render(request, self.template_name, context, status=status)
        if is_preview:
            patch_cache_control(response, private=True, no_cache=True)
            response["X-Robots-Tag"] = "noindex"
        return response

"""What a point's page and an article's page share: a page editors publish, shown to readers
or previewed by an editor, with readers' comments and the one way to post one."""

from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from points import commenting
from points.forms import CommentForm
from points.page_cache import cache_public_page
from points.security import limit_form_body, require_same_origin
from points.trash import gone_or_404


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
        pages = self.model.objects.viewable_by(request.user).with_page_relations()
        page = pages.filter(slug=slug).first()
        if page is None:
            return gone_or_404(request, self.model, slug)
        return self.render(request, page, CommentForm(page=page))

    def comment(self, request, slug):
        page = get_object_or_404(self.model.objects.published().with_page_relations(), slug=slug)
        form = CommentForm(request.POST, page=page)
        posted = commenting.post_comment(request, form)
        if posted.comment:
            return commenting.show_own_comment(request, posted.comment)
        return posted.finish(self.render(request, page, form, status=posted.status))

    def render(self, request, page, form, *, status=200):
        """The page with `form` (a new one, or one sent back with what to fix). A draft (seen
        only by staff) is marked as a preview and kept out of caches and search engines."""
        is_preview = not page.is_public
        context = (
            {self.context_name: page, "comment_form": form}
            | self.extra_context(request, page)
            | commenting.page_comments(request, page)
            | {"is_preview": is_preview, "preview_page": page}
        )
        response = render(request, self.template_name, context, status=status)
        if is_preview:
            patch_cache_control(response, private=True, no_cache=True)
            response["X-Robots-Tag"] = "noindex"
        return response

"""Rendering a page editors publish: the page readers see, or an editor's preview of it."""

from django.shortcuts import render
from django.utils.cache import patch_cache_control


def render_publishable(request, template_name, context, page, *, status=200):
    """Render a point's or article's page; a draft (seen only by staff) is marked as a preview
    and kept out of caches and search engines."""
    is_preview = not page.is_public
    context |= {"is_preview": is_preview, "preview_page": page}
    response = render(request, template_name, context, status=status)
    if is_preview:
        patch_cache_control(response, private=True, no_cache=True)
        response["X-Robots-Tag"] = "noindex"
    return response

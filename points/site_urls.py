"""Absolute addresses on this site, for canonical links, feeds, structured data and emails."""

from django.conf import settings


def absolute_url(request, path):
    """An absolute address on this site: SITE_URL when set, else the request's own host."""
    if path.startswith(("http://", "https://")):
        return path
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)


def canonical_url(request):
    """The page's absolute address without its query string."""
    return absolute_url(request, request.path)

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from points.models import Disclaimer
from points.page_cache import cached_for_this_version


def site(request):
    """Site-wide template values. The disclaimer is only fetched by pages that show it."""
    return {
        "site_name": settings.SITE_NAME,
        "canonical_url": SimpleLazyObject(lambda: canonical_url(request)),
        "disclaimer": SimpleLazyObject(
            lambda: cached_for_this_version("disclaimer", Disclaimer.current)
        ),
    }


def canonical_url(request):
    """The page's absolute address without its query string."""
    return absolute_url(request, request.path)


def absolute_url(request, path):
    """An absolute address on this site: SITE_URL when set, else the request's own host."""
    if path.startswith(("http://", "https://")):
        return path
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)

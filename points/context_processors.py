from django.conf import settings
from django.utils.functional import SimpleLazyObject

from points.models import Disclaimer


def site(request):
    """Site-wide template values. The disclaimer is only fetched by pages that show it."""
    return {
        "site_name": settings.SITE_NAME,
        "canonical_url": SimpleLazyObject(lambda: canonical_url(request)),
        "disclaimer": SimpleLazyObject(Disclaimer.current),
    }


def canonical_url(request):
    """The page's absolute address without its query string."""
    if settings.SITE_URL:
        return settings.SITE_URL + request.path
    return request.build_absolute_uri(request.path)

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from points.models import Disclaimer
from points.site_urls import canonical_url


def site(request):
    """Site-wide template values. The disclaimer is only fetched by pages that show it."""
    return {
        "site_name": settings.SITE_NAME,
        "canonical_url": SimpleLazyObject(lambda: canonical_url(request)),
        "disclaimer": SimpleLazyObject(Disclaimer.current),
    }

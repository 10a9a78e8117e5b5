from django.conf import settings
from django.utils.functional import SimpleLazyObject

from points.models import Disclaimer
from points.page_cache import site_data
from points.site_urls import canonical_url


def site(request):
    """Site-wide template values. The disclaimer is only read by pages that show it (and then
    from the shared cache, see page_cache.site_data)."""
    return {
        "site_name": settings.SITE_NAME,
        "canonical_url": SimpleLazyObject(lambda: canonical_url(request)),
        "disclaimer": SimpleLazyObject(lambda: site_data("disclaimer", Disclaimer.current)),
    }

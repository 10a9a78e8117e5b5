from django.http import HttpResponsePermanentRedirect
from django.middleware.gzip import GZipMiddleware

from points.models import PageRedirect
from points.models.publishing import is_site_path


class PageRedirectMiddleware:
    """Turn a 404 for a page's old address into a permanent redirect to its current one.

    Only 404s pay for the lookup, so ordinary pages cost nothing extra.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A path with a NUL byte is no page's old address (and PostgreSQL refuses to compare it).
        if response.status_code != 404 or "\x00" in request.path:
            return response
        new_path = (
            PageRedirect.objects.filter(old_path=request.path)
            .values_list("new_path", flat=True)
            .first()
        )
        # Whatever the database holds, never send a reader off the site.
        if new_path is None or not is_site_path(new_path):
            return response
        query = request.META.get("QUERY_STRING")
        return HttpResponsePermanentRedirect(f"{new_path}?{query}" if query else new_path)


class ExtraSecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: nobody else may embed our files
    (Cross-Origin-Resource-Policy), and pages may not use powerful browser features."""

    PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        return response


class GZipTextMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH mitigation), for text only: pages and feeds.
    The page cache keeps pages as compressed here; static files come compressed from
    whitenoise, and pictures gain nothing from it."""

    TEXT_TYPES = ("text/", "application/json", "application/xml", "application/rss+xml")
    TEXT_TYPES += ("application/atom+xml", "application/ld+json", "image/svg+xml")

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(self.TEXT_TYPES):
            return response
        return super().process_response(request, response)

"""Cross-site request forgery protection without a per-visitor token.

Public pages carry the comment form, and they must be cacheable by Django and by a CDN, which a
per-visitor CSRF token in the HTML would prevent. Browsers tell a server where a POST comes from
(the Fetch Metadata header `Sec-Fetch-Site`, and `Origin`), so the comment views refuse a post that
a browser says comes from another site, the approach of Go's http.CrossOriginProtection and of
OWASP's "verifying origin with standard headers". A request with neither header is not from a
modern browser, so no visitor's browser can be tricked into sending it. The admin keeps Django's
token-based CSRF protection.
"""

from functools import wraps

from django.shortcuts import render

SAME_SITE_VALUES = {"same-origin", "none"}


def is_cross_origin(request):
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in SAME_SITE_VALUES
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin != f"{request.scheme}://{request.get_host()}"


def require_same_origin(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if is_cross_origin(request):
            return render(request, "403_cross_origin.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper

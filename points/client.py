"""Who is asking: the client's address as the site trusts it, in one place. Rate limits on
comments and the admin's login lockout both count by it."""

import hashlib
import hmac

from django.conf import settings


def client_address(request):
    """The client's address: the socket's, or the one PROXY_COUNT trusted proxies saw."""
    if settings.PROXY_COUNT:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
        if len(forwarded) >= settings.PROXY_COUNT:
            return forwarded[-settings.PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")


def client_hash(request):
    """A keyed hash of the client's address: enough to count its comments, useless to anyone
    without the SECRET_KEY, and never the address itself."""
    key = hashlib.sha256(f"client-hash:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, client_address(request).encode(), hashlib.sha256).hexdigest()

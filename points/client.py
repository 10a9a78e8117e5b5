"""Who is asking: the client's address as the site trusts it, in one place. Rate limits on
comments and the admin's login lockout both count by its network (`client_network`)."""

import hashlib
import hmac
import ipaddress

from django.conf import settings


def client_address(request):
    """The client's address: the socket's, or the one PROXY_COUNT trusted proxies saw."""
    if settings.PROXY_COUNT:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
        if len(forwarded) >= settings.PROXY_COUNT:
            return forwarded[-settings.PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")


def client_network(request):
    """What limits count as one client: an IPv4 address, or an IPv6 address's /64 (written as
    its first address). One home, phone or server gets a whole /64, so counting single IPv6
    addresses would give one machine 2**64 fresh rate limits and lockouts."""
    return network_of(client_address(request))


def network_of(address):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def client_hash(request):
    """A keyed hash of the client's network: enough to count its comments, useless to anyone
    without the SECRET_KEY, and never the address itself."""
    key = hashlib.sha256(f"client-hash:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, client_network(request).encode(), hashlib.sha256).hexdigest()

"""Whole public pages in the shared cache, correct after every change readers could see.

Readers without cookies all get the same page: public pages carry no CSRF token (the comment
form is protected by Sec-Fetch-Site/Origin, see points/security.py) and no CSP nonce (they have
no inline code). A view says its page is such a page with `@cache_public_page`, which marks the
response `Cache-Control: public`; `PageCacheMiddleware` keeps those responses, gzipped as
GZipMiddleware made them (with the ETag ConditionalGetMiddleware, inside both, gave the page),
and answers later requests for the same address from the cache, with a 304 when the browser
has the page already, before sessions, authentication, routing and the view run.

Correctness: every key holds the *pages version*, a random value in the shared cache.
`pages_changed()` replaces it, so every cached page is stale at once and old entries simply
expire. It is called by the writes themselves (signals and queryset methods, listed in
points/apps.py), never by the code that asks for a write. A page is also never kept past the
next scheduled publication, so a scheduled page goes live on time.

Not cached: editors (a session cookie) and readers with a comment awaiting moderation (their
own cookie), whose pages are `Cache-Control: private`; anything but GET and HEAD, anything but a
200, responses that set cookies, and query strings the view does not declare.
"""

import contextlib
import contextvars
import functools
import hashlib
import logging
import uuid

import django
import jinja2
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)

VERSION_KEY = "pages-version"
# The cookies that make a page personal: an editor's session, a reader's own comments.
OWN_COMMENTS_COOKIE = "my_comments"


# True while changes are tried out in a transaction that is always rolled back (an editor's
# preview of a draft): they never reach readers, so they make no page stale.
_rolled_back_changes = contextvars.ContextVar("rolled_back_changes", default=False)


@contextlib.contextmanager
def changes_rolled_back():
    """Writes inside are rolled back afterwards (the caller's duty): cached pages stay valid."""
    token = _rolled_back_changes.set(True)
    try:
        yield
    finally:
        _rolled_back_changes.reset(token)


def changes_are_rolled_back():
    """Whether this code runs inside `changes_rolled_back()`: what it reads may never have been
    committed, so it must not be kept for other requests."""
    return _rolled_back_changes.get()


def pages_version():
    return cache.get_or_set(VERSION_KEY, uuid.uuid4().hex, None)


def pages_changed(**kwargs):
    """Make every cached page stale. The version is replaced now, and again once the change is
    committed: a request served in between read the rows from before the change, and whatever
    it stored is then under a version no longer used. (Outside a transaction, at once.) Not
    for changes made inside `changes_rolled_back()`."""
    if _rolled_back_changes.get():
        return

    def replace():
        try:
            cache.set(VERSION_KEY, uuid.uuid4().hex, None)
        except Exception:
            # The edit stands; with the cache down no page is served from it anyway.
            logger.exception("Page cache unavailable: could not mark cached pages stale")

    replace()
    transaction.on_commit(replace)


def page_lifetime():
    """How long a page may be served from the cache: PAGE_CACHE_SECONDS, or less when a
    scheduled page goes live sooner."""
    until_publication = seconds_until_next_publication()
    if until_publication is None:
        return settings.PAGE_CACHE_SECONDS
    return min(settings.PAGE_CACHE_SECONDS, until_publication)


def seconds_until_next_publication():
    from points.models import next_publication  # The models call pages_changed().

    key = f"next-publication:{pages_version()}"
    moment = cache.get_or_set(key, next_publication, settings.PAGE_CACHE_SECONDS)
    if moment is not None and moment <= timezone.now():
        # That page has gone live: look for the one after it.
        moment = next_publication()
        cache.set(key, moment, settings.PAGE_CACHE_SECONDS)
    if moment is None:
        return None
    return max(1, int((moment - timezone.now()).total_seconds()))


def site_data(name, load):
    """Small data many pages show (the disclaimer, the reading order of the points), read once
    and kept in the shared cache under the pages version: any change readers could see replaces
    the version, so it is never stale, and it is never kept past the next scheduled publication.
    `load()` reads it: plain data or model instances (they are pickled). Never kept from an
    editor's preview, whose rows are rolled back. Not for pages or parts of pages: those are
    rendered."""
    if _rolled_back_changes.get():
        return load()
    try:
        # The release too: a deploy may change what `load()` returns.
        key = f"site-data:{name}:{release()}:{pages_version()}"
        found = cache.get(key)
        if found is not None:
            return found[0]
        # Worked out before the rows are read, as for a page (see PageCacheMiddleware).
        lifetime = page_lifetime()
    except Exception:
        logger.exception("Cache unavailable: %s read from the database", name)
        return load()
    data = load()
    with contextlib.suppress(Exception):
        cache.set(key, (data,), lifetime)
    return data


def is_personal_request(request):
    """Is the page made for this browser alone: an editor's (session cookie), or a reader's
    who sees their own comment awaiting moderation?"""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or OWN_COMMENTS_COOKIE in request.COOKIES


class PageCacheMiddleware:
    """Answer a request for a cached page from the shared cache (one version read and one entry
    read, no query), and keep the public pages rendered on a miss."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (
            settings.PAGE_CACHE_ENABLED
            and request.method in {"GET", "HEAD"}
            and not is_personal_request(request)
        ):
            return self.get_response(request)
        try:
            key = page_key(request)
            if key is None:
                return self.get_response(request)  # Rendered, never kept: see page_key().
            entry = cache.get(key)
            if entry is not None:
                return respond_from_cache(request, entry)
            # Worked out before the view reads the database, so that a change or a publication
            # while it renders cannot be stored as if it came after them.
            lifetime = page_lifetime()
        except Exception:
            # The cache is down: pages are rendered as if it were off, and not stored.
            logger.exception("Page cache unavailable")
            return self.get_response(request)
        response = self.get_response(request)
        if is_shareable(response):
            try:
                cache.set(key, (response.content, dict(response.items())), lifetime)
            except Exception:
                logger.exception("Page cache unavailable: page not stored")
            else:
                response["X-Page-Cache"] = "miss"
        return response


def respond_from_cache(request, entry):
    """The stored page, or a 304 when the browser has it already (its ETag, made by
    ConditionalGetMiddleware when the page was rendered, is stored with it)."""
    content, headers = entry
    not_modified = get_conditional_response(request, etag=headers.get("ETag"))
    if not_modified is not None:
        for name in ("ETag", "Cache-Control", "Vary"):
            if name in headers:
                not_modified[name] = headers[name]
        response = not_modified
    else:
        response = HttpResponse(content, headers=headers)
    response["X-Page-Cache"] = "hit"
    return response


def page_key(request):
    """The key of the page at this address, or None when the address is not in its canonical
    form (a cached page is kept once, not once per spelling of its address). It holds the
    site (SITE_URL, or the scheme and host: pages hold absolute addresses), the path and query,
    whether the page is gzipped, the release, and the pages version."""
    query = request.META.get("QUERY_STRING", "")
    if query and query != request.GET.urlencode():
        return None
    site = settings.SITE_URL or f"{request.scheme}://{request.get_host()}"
    # Not build_absolute_uri(): it resolves /../, and /points/x/../ must not be /points/.
    url = f"{site}{request.path}?{query}"
    encoding = "gzip" if "gzip" in request.headers.get("Accept-Encoding", "") else "identity"
    address = hashlib.sha256(f"{encoding} {release()} {url}".encode()).hexdigest()
    return f"page:{pages_version()}:{address}"


@functools.cache
def release():
    """What this deployment's pages are made from: settings.RELEASE (a deploy may set it, e.g.
    to the commit), or else a digest of the templates, the app's code and the static files.
    A page cached by an older release is never served by a newer one."""
    if settings.RELEASE:
        return settings.RELEASE
    shown_settings = [
        settings.SITE_NAME,
        settings.SITE_URL,
        settings.MEDIA_URL,
        settings.STATIC_URL,
    ]
    digest = hashlib.sha256(repr([*shown_settings, django.VERSION, jinja2.__version__]).encode())
    for folder in ("acupressure", "templates", "points", "static"):
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def is_shareable(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and "public" in cache_control
        and not response.cookies
        and not response.streaming
    )


def cache_public_page(view=None, *, params=(), repeatable=()):
    """The view's page is the same for everybody without cookies: mark it public, so that
    PageCacheMiddleware keeps it and a CDN may too. `params` are the query parameters that
    select a different page, each given once unless it is `repeatable`; any other query
    string is rendered and not kept (or it would fill the cache with copies of one page)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if "Cache-Control" in response:
                return response  # The view decided (an editor's preview is no-cache).
            if is_personal_request(request):
                # Never kept by a proxy or CDN, which might hand it to someone else.
                patch_cache_control(response, private=True)
            elif response.status_code == 200 and is_declared_query(request, params, repeatable):
                # Browsers check back each time (a cheap 304); shared caches keep it briefly.
                patch_cache_control(
                    response, public=True, max_age=0, s_maxage=settings.PUBLIC_CACHE_SECONDS
                )
                patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorate(view) if view else decorate


def is_declared_query(request, params, repeatable):
    return all(
        name in params and (name in repeatable or len(request.GET.getlist(name)) == 1)
        for name in request.GET
    )

"""Whole-page caching of public pages, correct after every editor's save.

Readers who have no cookies all see the same page: the pages carry no CSRF token (the comment
form is protected by Sec-Fetch-Site/Origin, see points/security.py) and no CSP nonce (public
pages have no inline code). So a rendered page can be stored once and served to every anonymous
reader, by this cache and by a CDN or proxy.

Correctness: every cache key includes the *versions* of what it shows: random values kept in the
shared cache. Saving or deleting any content replaces the content version (see `points.apps`);
approving, hiding, editing or deleting a comment replaces the comments version; either replaces
the pages version, which whole pages are kept under, since a page shows both. The next request
then renders afresh and the old entries simply expire. The pieces of pages kept in
`points.fragments` use only the versions of what they show. A page is also never
kept past the next scheduled publication, so a scheduled page goes live on time.

Not cached: editors (they have a session cookie, and previews are private), readers with their
own comments awaiting moderation (their cookie), anything but GET/HEAD and a 200, responses that
set cookies, and query strings the view does not declare.
"""

import gzip
import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.text import compress_string

from points.comments import OWN_COMMENTS_COOKIE

VERSION_KEY = "content-version"
COMMENTS_VERSION_KEY = "comments-version"
# Changes with either: a page shows both, and a cache hit should cost one version read.
PAGES_VERSION_KEY = "pages-version"
# Headers set by middleware that a cache hit skips (see PageCacheMiddleware's place in
# settings.MIDDLEWARE); the outer middleware (security headers, CSP) run on hits too.
PASSED_ON_HEADERS = ["X-Robots-Tag"]


def content_version():
    return current_version(VERSION_KEY)


def comments_version():
    return current_version(COMMENTS_VERSION_KEY)


def pages_version():
    return current_version(PAGES_VERSION_KEY)


def current_version(key):
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
    return version


def content_changed(**kwargs):
    """Make every cached page and fragment stale: called whenever content is saved."""
    replace_versions(VERSION_KEY, PAGES_VERSION_KEY)


def comments_changed(**kwargs):
    """Make every cached page, and the cached comments, stale; the pages' other fragments stay
    (see `points.fragments`). Called by moderation, and whenever a comment that readers may see
    is saved or deleted."""
    replace_versions(COMMENTS_VERSION_KEY, PAGES_VERSION_KEY)


def replace_versions(*keys):
    """Replace the versions now, and again once the change is committed: a request served in
    between read the rows from before the change, and whatever it stored is then under a
    version no longer used. (Outside a transaction the second time is at once.)"""

    def replace():
        cache.set_many({key: uuid.uuid4().hex for key in keys}, None)

    replace()
    transaction.on_commit(replace)


def comment_saved(instance, created, **kwargs):
    """A reader's new comment (or its report) waits for moderation and changes no page; any
    other saved comment may be one that readers see."""
    from points.models import CommentStatus

    # Only a new row needs its comment's status: an edited report does not fetch its comment.
    if created and getattr(instance, "comment", instance).status != CommentStatus.APPROVED:
        return
    comments_changed()


def cached_for_this_version(name, compute):
    """A small piece of site-wide data (the disclaimer, the reading order), computed once per
    content version and shared by all workers; never kept past the next scheduled publication."""
    key = f"{name}:{content_version()}"
    value = cache.get(key)
    if value is None:
        # Worked out only when storing (it costs cache reads), but before computing: a
        # publication during the computation must still end the value's life.
        lifetime = page_lifetime()
        value = compute()
        cache.set(key, value, lifetime)
    return value


def page_lifetime():
    """How long a page or fragment may be served from the cache."""
    until_publication = seconds_until_next_publication()
    if until_publication is None:
        return settings.PAGE_CACHE_SECONDS
    return min(settings.PAGE_CACHE_SECONDS, until_publication)


def seconds_until_next_publication():
    """How long until a scheduled page goes live, or None when nothing is scheduled."""
    from points.models import Article, Point, Status

    def next_publication():
        now = timezone.now()
        times = [
            model.objects.filter(status=Status.PUBLISHED, published_at__gt=now).aggregate(
                next=Min("published_at")
            )["next"]
            for model in (Point, Article)
        ]
        return min(filter(None, times), default=None)

    key = f"next-publication:{content_version()}"
    moment = cache.get_or_set(key, next_publication, settings.PAGE_CACHE_SECONDS)
    if moment is not None and moment <= timezone.now():
        # That page has gone live: look for the one after it.
        moment = next_publication()
        cache.set(key, moment, settings.PAGE_CACHE_SECONDS)
    if moment is None:
        return None
    return max(1, int((moment - timezone.now()).total_seconds()))


def is_shared_request(request):
    """Does this request get the page everybody gets?"""
    return (
        settings.PAGE_CACHE_ENABLED
        and request.method in {"GET", "HEAD"}
        and not is_personal_request(request)
    )


def is_personal_request(request):
    """Is the page made for this browser alone: an editor's (session cookie), or a reader's
    who sees their own comment awaiting moderation?"""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or OWN_COMMENTS_COOKIE in request.COOKIES


class PageCacheMiddleware:
    """Answer a request for a cached page before sessions, authentication, URL routing and the
    view run: a hit costs one version read and one entry read from the cache, and no query.
    Pages get into the cache through the `cache_public_page` decorator on their view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_shared_request(request):
            entry = cache.get(page_key(request))
            if entry is not None:
                return respond(request, entry, "hit")
        return self.get_response(request)


def page_key(request):
    """The page's cache key: its address in full (scheme and host too, as pages hold absolute
    addresses) under the pages version."""
    # Not build_absolute_uri(): it resolves /../, and /points/x/../ must not be /points/.
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    address = hashlib.sha256(url.encode()).hexdigest()
    return f"page:{pages_version()}:{address}"


def cache_public_page(view=None, *, params=()):
    """Store the view's page for everybody without cookies (PageCacheMiddleware serves it from
    then on); `params` are the query parameters that select a different page, each
    combination cached apart. Any other query string is rendered and not stored."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if is_personal_request(request):
                # Never kept by a proxy or CDN, which might hand it to someone else.
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True)
                return response
            if not (is_shared_request(request) and set(request.GET) <= set(params)):
                return view(request, *args, **kwargs)
            # Worked out before the view reads the database, so that a change or a
            # publication while it renders cannot be stored as if it came after them.
            key, lifetime = page_key(request), page_lifetime()
            response = view(request, *args, **kwargs)
            if not is_shareable_response(response):
                return response
            entry = make_entry(response)
            cache.set(key, entry, lifetime)
            return respond(request, entry, "miss")

        return wrapper

    return decorate(view) if view else decorate


def is_shareable_response(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and "private" not in cache_control
        and "no-cache" not in cache_control
        and not response.streaming
    )


def make_entry(response):
    content = response.content
    return {
        # Only the gzipped page is kept: nearly every browser takes it as it is.
        "gzipped": compress_string(content),
        "content_type": response["Content-Type"],
        "etag": f'"{hashlib.sha256(content).hexdigest()[:32]}"',
        "headers": {name: response[name] for name in PASSED_ON_HEADERS if name in response},
    }


def respond(request, entry, state):
    """The stored page, gzipped when the browser accepts it, or a 304 when it has it already."""
    not_modified = get_conditional_response(request, etag=entry["etag"])
    if not_modified is not None:
        response = not_modified
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(entry["gzipped"], content_type=entry["content_type"])
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(
            gzip.decompress(entry["gzipped"]), content_type=entry["content_type"]
        )
    for name, value in entry["headers"].items():
        response[name] = value
    response["ETag"] = entry["etag"]
    response["X-Page-Cache"] = state
    patch_vary_headers(response, ["Accept-Encoding", "Cookie"])
    # Browsers check back each time (a cheap 304); shared caches may keep the page briefly.
    patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PUBLIC_CACHE_SECONDS)
    return response

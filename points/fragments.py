"""Rendered pieces of public pages, kept apart from the whole-page cache so that a page the
page cache does not have is put together quickly.

The page cache (points/page_cache.py) loses every page whenever anything changes, and each
moderation action is a change. Most of a page has not changed then: a point's text, pictures and
map stay the same when a comment is approved. So the costly pieces of a page are kept too, each
under the versions of what it shows:

- content fragments (a point's text, its pictures and map, its head tags, the comment form's
  fields) under the content version, which editors' saves change;
- comment fragments (the approved comments, the readers' results) under the comments version as
  well, which moderation changes.

A view declares the fragments of its page and reads them all at once, before it queries
anything: when every one is cached it needs only the page's own row, and `{% fragment %}` in the
template puts in the stored HTML; otherwise it fetches everything and the tag renders what is
missing, which is stored when the page is done. Fragments are never used for a page readers
cannot see (an editor's preview), and nothing that differs between readers goes in one: the
form's signed token, a reader's own waiting comments and a form sent back with errors are
rendered on every request.
"""

from django.conf import settings
from django.core.cache import cache

from points.page_cache import comments_version, content_version, page_lifetime


def page_fragments(request, scope, *, content=(), comments=(), comments_page=1):
    """The fragments of one page, read from the cache at once. `scope` names the page (e.g.
    "point:bl23-shenshu"; the scheme and host are added, as some fragments hold absolute
    addresses); `content` and `comments` name its fragments by what they show; `comments_page`
    is the page of comments shown, which the comment fragments depend on too."""
    if not settings.FRAGMENT_CACHE_ENABLED:
        return Fragments()
    content_key = f"fragment:{request.scheme}://{request.get_host()}:{scope}:{content_version()}"
    keys = dict.fromkeys(content, content_key)
    if comments:
        keys |= dict.fromkeys(comments, f"{content_key}:{comments_version()}:{comments_page}")
    fragments = Fragments(keys, cache.get_many(set(keys.values())))
    if not fragments.complete:
        # Worked out before the page's rows are read: a publication while the page renders
        # must still end the life of what it stores.
        fragments.lifetime = page_lifetime()
    return fragments


class Fragments:
    """A page's fragments: `keys` gives each fragment's cache entry (one entry holds all the
    fragments with the same versions), `found` the entries that were in the cache.
    `Fragments()` has none: the page is rendered in full and nothing is stored."""

    def __init__(self, keys=None, found=None):
        self.keys = keys or {}
        self.found = found or {}
        self.rendered = {}
        self.lifetime = 0

    def __contains__(self, name):
        return name in self.keys

    @property
    def complete(self):
        """Is every fragment of the page cached? Then its view needs only the page's row."""
        return bool(self.keys) and all(self.html(name) is not None for name in self.keys)

    def html(self, name):
        return self.found.get(self.keys[name], {}).get(name)

    def add(self, name, html):
        self.rendered[name] = html

    def store(self):
        """Keep the fragments rendered for this page (call once the page is rendered)."""
        if not self.rendered:
            return
        entries = {}
        for name, html in self.rendered.items():
            key = self.keys[name]
            entries.setdefault(key, dict(self.found.get(key, {})))[name] = html
        cache.set_many(entries, self.lifetime)

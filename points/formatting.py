"""Editors' formatted text: the one place stored text becomes the HTML readers get.

Editors write a small Markdown subset (paragraphs, **bold**, *emphasis*, [links](...), lists,
> quotations, ## subheadings, `code`) plus links to points by code or name: [[BL23]] or
[[BL23|the lower back point]]. The syntax shown to editors is in
points/templates/points/widgets/formatted_help.html.

A render has two steps, so that the costly one is done once per text, not once per request:
1. `prepare(text, ...)`: Markdown to HTML, sanitised by nh3 with an allow-list, headings moved
   below the page's own heading level and given ids, plain web addresses linked. A pure function
   of its arguments, memoised (nothing to invalidate: new text is a new key). Point links are
   left as placeholders, because what they point to changes without the text changing.
2. `Formatted.render(links, ...)`: placeholders replaced from `PointLinks`, the published
   points as one small map loaded once per request, and [1], [2] ... linked to the page's
   references. A few string substitutions.

Pictures from the library are placed by a line of their own, [[picture:12]] or
[[picture:12|a caption for this place]]: `prepare` leaves a block placeholder, and `render`
puts the figure there (templates/includes/figure.html) from a `PlacedPictures`, which loads
the pictures a page's texts place in one query.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape, unescape

import nh3
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markupsafe import Markup

from points.page_cache import site_data

# Longer texts are refused by the form with a clear message (FormattedTextField).
MAX_LENGTH = 20_000

# Only what these tags and attributes can do survives: no scripts, styles, event handlers,
# frames, SVG or pictures (pictures come from the library, as their own block).
ALLOWED_TAGS = {
    "p", "br", "a", "em", "strong", "code", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "h5",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
SANITISER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel=None,
)

# CommonMark with single line breaks kept (as the plain paragraphs always were) and without
# what editors are not offered: raw HTML (shown as typed), pictures, code blocks from indented
# lines (an indented paragraph stays a paragraph), rules and underlined headings (a line of
# dashes stays a line of dashes), reference-style links (so "[1]" stays a citation).
MARKDOWN = MarkdownIt("commonmark", {"breaks": True, "html": False, "maxNesting": 20}).disable(
    ["image", "code", "fence", "hr", "lheading", "reference", "html_block", "html_inline"]
)

# A picture from the library on a line of its own (before point links are looked for).
PICTURE_LINE = re.compile(
    r"^[ \t]*\[\[picture:[ \t]*(\d{1,9})[ \t]*(?:\|([^\[\]\n]{1,250}))?\]\][ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
POINT_LINK = re.compile(r"\[\[([^\[\]|\n]{1,100})(?:\|([^\[\]\n]{1,200}))?\]\]")
# Point links wait in the prepared HTML as private-use characters around a number: nothing an
# editor types (they are removed from the text first), and nh3 and Markdown leave them alone.
OPEN, CLOSE = "\ue000", "\ue001"
PLACEHOLDER = re.compile(f"{OPEN}(\\d+){CLOSE}")
# Pictures wait the same way, each as a paragraph of its own.
PICTURE_OPEN, PICTURE_CLOSE = "\ue002", "\ue003"
PRIVATE = dict.fromkeys(map(ord, OPEN + CLOSE + PICTURE_OPEN + PICTURE_CLOSE))
PICTURE_PLACEHOLDER = re.compile(f"<p>{PICTURE_OPEN}(\\d+){PICTURE_CLOSE}</p>")
HEADING = re.compile(r"<h([2-5])>(.*?)</h\1>", re.DOTALL)
# Text outside tags, and whole links and code (which are left alone when linking addresses).
SKIP_OR_TEXT = re.compile(r"(<a\b.*?</a>|<code>.*?</code>|<[^>]*>)|([^<]+)", re.DOTALL)
# In Markdown's output, where & < > " are escaped: an address runs to white space or markup.
WEB_ADDRESS = re.compile(r"\b(?:https?://|www\.)(?:[^\s<>&\u00a0]|&amp;)+", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?)]"
CITATION = re.compile(r"(<[^>]*>)|\[(\d{1,2})\]")
CITATION_NUMBER = re.compile(r"\[\d{1,2}\]")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    id: str


@dataclass(frozen=True, slots=True)
class PointLink:
    target: str
    label: str  # what the editor wrote after "|", or ""

    @property
    def text(self):
        return self.label or self.target


@dataclass(frozen=True, slots=True)
class PicturePlace:
    picture_id: int
    caption: str  # what the editor wrote after "|", or ""


@dataclass(frozen=True, slots=True)
class Formatted:
    """A text turned into sanitised HTML, its point links and pictures still placeholders."""

    html: str
    links: tuple[PointLink, ...]
    headings: tuple[Heading, ...]
    may_cite: bool  # whether it holds a [n] that could be a citation
    pictures: tuple[PicturePlace, ...] = ()

    def render(self, point_links=None, *, citations=frozenset(), editor=False, pictures=None):
        """The HTML for a page: point links resolved against `point_links` (a `PointLinks`;
        without one every point link is plain text), [n] linked when n is in `citations`,
        pictures placed from `pictures` (a `PlacedPictures`; without one, none is shown).
        `editor` marks what does not resolve, for the admin's preview."""
        html = self.html
        if self.links:
            resolved = [resolve(link, point_links, editor=editor) for link in self.links]
            html = PLACEHOLDER.sub(lambda match: resolved[int(match[1])], html)
        if citations:
            html = CITATION.sub(lambda match: cite(match, citations), html)
        if self.pictures:  # last: a caption's "[1]" is not this page's reference
            if pictures is not None:
                pictures.want_numbers(place.picture_id for place in self.pictures)
            placed = [place_picture(place, pictures, editor=editor) for place in self.pictures]
            html = PICTURE_PLACEHOLDER.sub(lambda match: placed[int(match[1])], html)
        return Markup(html)  # noqa: S704 - sanitised by nh3; only our own tags added since

    def unresolved(self, point_links):
        """The point links `point_links` cannot resolve, as the editor wrote them."""
        return [link.target for link in self.links if point_links.get(link.target) is None]

    def missing_pictures(self, pictures):
        """The numbers of the pictures placed that are not in the library."""
        pictures.want_numbers(place.picture_id for place in self.pictures)
        return [p.picture_id for p in self.pictures if pictures.get(p.picture_id) is None]


def render(text, point_links=None, *, top_level=3, anchor="", citations=frozenset()):
    """Stored text as safe HTML for readers (see the module's docstring)."""
    return prepare(text, top_level=top_level, anchor=anchor).render(
        point_links, citations=citations
    )


def plain_text(text):
    """The words of a formatted text without its markup (a str, to be escaped where it is
    shown), for lists and search engines."""
    return unescape(strip_tags(prepare(text).render())).strip()


# Enough for every text on a site many times this size; texts being typed (the admin's preview)
# are prepared without the memo, so they never push out the texts pages show.
@lru_cache(maxsize=1024)
def prepare(text, *, top_level=3, anchor=""):
    """`text` as sanitised HTML with point-link placeholders. The editor's `##` headings become
    `top_level` (the level just below the page's heading for the text), `###` the next one
    down, and so on to h5; with an `anchor`, each gets an id starting with it (and is listed in
    `headings`, for a table of contents)."""
    # Browsers send line breaks as CR LF: a picture's line must end at either.
    text = (text or "").replace("\r\n", "\n").translate(PRIVATE)
    links, pictures = [], []

    def picture_placeholder(match):
        pictures.append(PicturePlace(int(match[1]), (match[2] or "").strip()))
        return f"\n{PICTURE_OPEN}{len(pictures) - 1}{PICTURE_CLOSE}\n"

    def placeholder(match):
        links.append(PointLink(match[1].strip(), (match[2] or "").strip()))
        return f"{OPEN}{len(links) - 1}{CLOSE}"

    text = PICTURE_LINE.sub(picture_placeholder, text)
    tokens = MARKDOWN.parse(POINT_LINK.sub(placeholder, text))
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{heading_level(int(token.tag[1]), top_level)}"
    html = SANITISER.clean(link_addresses(MARKDOWN.renderer.render(tokens, MARKDOWN.options, {})))
    html = html.replace('<a href="http', '<a rel="noopener" href="http')
    headings = []

    def with_id(match):
        label = PLACEHOLDER.sub(lambda m: links[int(m[1])].text, strip_tags(match[2])).strip()
        if not anchor:  # Ids only where asked for: two texts on a page could repeat one.
            return match[0]
        heading = Heading(int(match[1]), label, unique_id(anchor, label, headings))
        headings.append(heading)
        return f'<h{heading.level} id="{heading.id}">{match[2]}</h{heading.level}>'

    html = HEADING.sub(with_id, html).strip()
    may_cite = bool(CITATION_NUMBER.search(html))
    return Formatted(html, tuple(links), tuple(headings), may_cite, tuple(pictures))


def heading_level(written, top_level):
    """`#` and `##` are the text's top level, `###` one below..., never below h5."""
    return min(top_level + max(written - 2, 0), 5)


def unique_id(anchor, label, headings):
    slug = slugify(label)
    if len(slug) > 50:
        slug = slug[:51].rsplit("-", 1)[0]
    base = f"{anchor}-{slug or 'part'}"
    taken = {heading.id for heading in headings}
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def link_addresses(html):
    """Plain web addresses in the text (not in links or code) made into links, as in comments."""

    def in_text(match):
        if match[1]:
            return match[1]
        return WEB_ADDRESS.sub(address_link, match[2])

    return SKIP_OR_TEXT.sub(in_text, html)


def address_link(match):
    address = match[0].rstrip(TRAILING_PUNCTUATION)
    after = match[0][len(address) :]
    href = address if address.lower().startswith("http") else f"http://{address}"
    return f'<a href="{href}">{address}</a>{after}'


def resolve(link, point_links, *, editor=False):
    found = point_links.get(link.target) if point_links is not None else None
    if found is None:
        label = escape(link.text)
        if editor:
            return (
                f'<mark class="unresolved-point" title="No published point called '
                f'{escape(link.target)}: readers see plain text">{label}</mark>'
            )
        return label
    url, name = found
    return f'<a class="point-link" href="{escape(url)}">{escape(link.label or name)}</a>'


def place_picture(place, pictures, *, editor=False):
    picture = pictures.get(place.picture_id) if pictures is not None else None
    if picture is None:
        if editor:
            return (
                f'<p><mark class="unresolved-point">Picture {place.picture_id} is not in the '
                "picture library: readers see nothing here.</mark></p>"
            )
        return ""
    from django.template.loader import get_template  # Templates are set up after this module.

    figure = get_template("includes/figure.html", using="jinja2")
    return figure.render({"picture": picture, "caption": place.caption, "point": None})


def cite(match, citations):
    if match[1]:
        return match[1]
    number = int(match[2])
    if number not in citations:
        return match[0]
    return (
        f'<sup><a class="citation" href="#ref-{number}" '
        f'aria-label="Reference {number}">[{number}]</a></sup>'
    )


class PlacedPictures:
    """The library's pictures that texts place, as {number: Picture} (None when not in the
    library), loaded once per request: on the first one needed, every picture the page's texts
    place, in one query."""

    def __init__(self, page=None):
        self._wanted, self._found, self._pages = set(), {}, set()
        self.want(page)

    def want(self, page):
        """Load the pictures the texts of `page` place with the next one needed."""
        if page is None or (type(page), page.pk) in self._pages:
            return
        self._pages.add((type(page), page.pk))
        texts = texts_of(page)
        self.want_numbers(place.picture_id for text in texts for place in prepare(text).pictures)

    def want_numbers(self, numbers):
        """Load these pictures with the next one needed (a text's own, when it has no page)."""
        self._wanted |= set(numbers)

    def get(self, picture_id):
        if picture_id not in self._found:
            from points.models import Picture, PictureMarker  # They import nothing from here.

            wanted = (self._wanted | {picture_id}) - self._found.keys()
            markers = Prefetch("markers", PictureMarker.objects.for_figures())
            rows = Picture.objects.filter(pk__in=wanted).prefetch_related(markers)
            loaded = {picture.pk: picture for picture in rows}
            self._found |= {pk: loaded.get(pk) for pk in wanted}
        return self._found[picture_id]

    @classmethod
    def for_request(cls, request, page=None):
        """One lookup per request, for all the texts of `page` (and of its sections)."""
        if request is None:
            return cls(page)
        pictures = getattr(request, "placed_pictures", None)
        if pictures is None:
            pictures = request.placed_pictures = cls()
        pictures.want(page)
        return pictures


def texts_of(page):
    """The formatted texts of `page` and of its sections (prefetched with the page)."""
    from points.models.fields import FormattedTextField  # It imports this module.

    rows = [page]
    if any(f.name == "sections" and f.one_to_many for f in page._meta.related_objects):
        rows += page.sections.all()
    return [
        getattr(row, f.attname)
        for row in rows
        for f in row._meta.concrete_fields
        if isinstance(f, FormattedTextField)
    ]


class PointLinks:
    """The published points by code, pinyin, English name and other names (case-insensitive), as
    {key: (url, "BL23 Shenshu")}, looked up once per request and only for a page with a point
    link. The map is small site-wide data (page_cache.site_data): kept under the pages version,
    which any change to a point replaces, so a link follows a new slug or status at once; never
    past the next scheduled publication, and never from an editor's preview."""

    def __init__(self):
        self._map = None

    def get(self, target):
        if self._map is None:
            self._map = self.current()
        return self._map.get(target.casefold())

    @classmethod
    def current(cls):
        return site_data("point-links", cls.load)

    @staticmethod
    def load():
        from points.models import AliasKind, Point, PointAlias

        points = Point.objects.published()
        rows = points.values_list("pk", "code", "pinyin", "english_name", "slug")
        # One reverse() for all: the address differs only by the slug.
        address = reverse("points:point-detail", kwargs={"slug": "-"}).rsplit("-", 1)
        targets = {
            row[0]: (f"{address[0]}{row[4]}{address[1]}", f"{row[1]} {row[2]}") for row in rows
        }
        # Other codes and names (UB23) too, but not Gach's older numbering: his B23 is not
        # the modern point of that number. The most specific wins: codes, then the point's
        # own names, then other names.
        aliases = PointAlias.objects.filter(point__in=points).exclude(kind=AliasKind.OLD_CODE)
        found = {name.casefold(): targets[pk] for pk, name in aliases.values_list("point", "name")}
        found |= {name.casefold(): targets[row[0]] for row in rows for name in row[3:1:-1]}
        return found | {row[1].casefold(): targets[row[0]] for row in rows}

    @classmethod
    def for_request(cls, request):
        """One lookup per request, however many texts on the page link points."""
        if request is None:
            return cls()
        links = getattr(request, "point_links", None)
        if links is None:
            links = request.point_links = cls()
        return links

"""The Jinja2 environment of the public pages (templates/), and the few helpers they use.

Jinja2 renders the same pages several times faster than Django's template language, which was
most of what a full render of a point's page cost; the admin keeps Django's templates
(points/templates/). Helpers are named as in Django's template language, so a template reads
the same: `{{ url("points:home") }}`, `{{ static("css/site.css") }}`,
`{{ article.published_at|date("j F Y") }}`.
"""

import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from jinja2 import ChainableUndefined, Environment, pass_context
from markupsafe import Markup, escape

from points import formatting
from points.editor_links import editor_links, trash_address
from points.site_urls import absolute_url


def environment(**options):
    # As in Django's templates, a missing value (or an attribute of one) renders as nothing.
    options["undefined"] = ChainableUndefined
    env = Environment(**options)  # noqa: S701 - Django's backend turns autoescape on
    env.globals |= {
        "url": url,
        "static": static,
        "absolute": pass_context(absolute),
        "absolute_static": pass_context(absolute_static),
        "json_ld": json_ld,
        "editor_links": editor_links,
        "trash_address": trash_address,
    }
    env.filters |= {
        "date": defaultfilters.date,
        "iso_date": iso_date,
        "long_date": long_date,
        "pluralize": defaultfilters.pluralize,
        "default_if_none": defaultfilters.default_if_none,
        "add": defaultfilters.add,
        "urlencode": defaultfilters.urlencode,
        "linebreaks": lambda text: Markup(linebreaks(text, autoescape=True)),  # noqa: S704
        "cited": cited,
        "formatted": formatted,
        "plain_text": formatting.plain_text,
        "outline": outline,
        "comment_text": comment_text,
    }
    return env


def url(name, *args, **kwargs):
    return reverse(name, args=args, kwargs=kwargs)


def iso_date(moment):
    """2026-11-27, in the site's time zone: for <time datetime>."""
    return site_time(moment).date().isoformat()


def long_date(moment):
    """27 November 2026, in the site's time zone (as `|date("j F Y")`, at a tenth the cost)."""
    moment = site_time(moment)
    return f"{moment.day} {moment:%B %Y}"


def site_time(moment):
    """`moment` in the site's time zone (TIME_ZONE: the site activates no other, so it is not
    looked up in the request's context for each of a page's dates, as localtime() does)."""
    return moment.astimezone(timezone.get_default_timezone())


CITATION = re.compile(r"\[(\d{1,2})\]")


def cited(text, page):
    """Editors' plain text as paragraphs, with [1], [2] ... linked to the page's references.

    The text is escaped first, so the only HTML in the result is what this filter adds.
    """
    html = linebreaks(text, autoescape=True)
    numbers = {citation.position for citation in page.citations.all()}

    def link(match):
        number = int(match.group(1))
        if number not in numbers:
            return match.group(0)
        return (
            f'<sup><a class="citation" href="#ref-{number}" '
            f'aria-label="Reference {number}">[{number}]</a></sup>'
        )

    return mark_safe(CITATION.sub(link, html))  # noqa: S308 - escaped by linebreaks above


@pass_context
def formatted(context, text, page=None, *, level=3, anchor="", with_pictures=True):
    """An editor's formatted text as HTML (points/formatting.py): its subheadings start at
    `level`, below the page's heading for it; with an `anchor`, they get ids from it (for a
    table of contents); [1], [2] ... link to `page`'s references; point links resolve against
    the published points, loaded once per request and only for a page that has one; pictures
    from the library are placed as figures (those of all `page`'s texts loaded at once), unless
    `with_pictures` is False (a quotation of a text on another page)."""
    prepared = formatting.prepare(text, top_level=level, anchor=anchor)
    citations = (
        frozenset(citation.position for citation in page.citations.all())
        if page and prepared.may_cite
        else frozenset()
    )
    request = context.get("request")
    point_links = formatting.PointLinks.for_request(request) if prepared.links else None
    placing = prepared.pictures and with_pictures
    pictures = formatting.PlacedPictures.for_request(request, page) if placing else None
    return prepared.render(point_links, citations=citations, pictures=pictures)


def outline(text, anchor):
    """The subheadings just below a text's top level, for a table of contents: [Heading] with
    the ids `formatted(text, anchor=anchor)` gives them (the same memoised work)."""
    headings = formatting.prepare(text, top_level=3, anchor=anchor).headings
    return [heading for heading in headings if heading.level == 3]


# The characters that could end a <script> element or start markup, escaped as JSON allows.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data):
    """A schema.org description as <script type="application/ld+json">, safely escaped. It is
    data, not code: browsers never run it, so the Content-Security-Policy allows it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped just above
    )


def absolute(context, path):
    """An absolute address on this site, for tags read off-site (Open Graph images)."""
    return absolute_url(context["request"], path)


def absolute_static(context, path):
    return absolute(context, static(path))


# A web address in text that is already escaped: it starts with http(s):// or www. and runs to
# white space or an escaped quote or angle bracket; trailing punctuation is the sentence's.
# A web address in text that is already escaped: it starts with http(s):// or www. and runs to
# white space or an escaped quote or angle bracket. Linear: no backtracking on long runs.
WEB_ADDRESS = re.compile(
    r"\b(?:https?://|www\.)(?:[^\s&]|&(?!\#34;|\#39;|lt;|gt;))+", re.IGNORECASE
)
# Punctuation at the end of an address is the sentence's.
TRAILING_PUNCTUATION = ".,;:!?)]"


PARAGRAPH_BREAK = re.compile(r"\n{2,}")


def comment_text(text):
    """A reader's text as HTML: everything escaped, paragraphs kept, and web addresses made into
    links that search engines do not follow. No HTML the reader wrote is ever rendered.

    Written for this one job rather than with Django's urlize, which handles far more (emails,
    bare domains) and cost more than all the rest of a comment's markup."""
    html = WEB_ADDRESS.sub(link, str(escape(text)))
    paragraphs = PARAGRAPH_BREAK.split(html.replace("\r\n", "\n").strip())
    html = "\n\n".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs if p)
    return Markup(html)  # noqa: S704 - escaped above; only our own tags added


def link(match):
    address = match[0].rstrip(TRAILING_PUNCTUATION)
    after = match[0][len(address) :]
    href = address if address.lower().startswith("http") else f"http://{address}"
    return f'<a rel="nofollow ugc noopener" href="{href}">{address}</a>{after}'

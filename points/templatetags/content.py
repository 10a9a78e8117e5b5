import json
import re

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe

from points.site_urls import absolute_url

register = template.Library()

CITATION = re.compile(r"\[(\d{1,2})\]")


@register.filter
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


# The characters that could end a <script> element or start markup, escaped as JSON allows.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """A schema.org description as <script type="application/ld+json">, safely escaped. It is
    data, not code: browsers never run it, so the Content-Security-Policy allows it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped just above
    )


@register.simple_tag(takes_context=True)
def absolute(context, path):
    """An absolute address on this site, for tags read off-site (Open Graph images)."""
    return absolute_url(context["request"], path)


@register.simple_tag(takes_context=True)
def absolute_static(context, path):
    return absolute(context, static(path))


@register.simple_tag
def site_review():
    """Who checked the published points and since when (Point.objects.review_summary()),
    computed once per content change."""
    from points.models import Point
    from points.page_cache import site_data

    return site_data("site-review", Point.objects.review_summary)

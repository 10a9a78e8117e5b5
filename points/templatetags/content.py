import re

from django import template
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

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

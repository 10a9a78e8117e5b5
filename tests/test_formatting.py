"""Editors' formatted text as readers get it: the markup (points/formatting.py), links to
points by code or name, the seed's plain paragraphs unchanged, and the article's table of
contents."""

import json
import re
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import linebreaks

from points import formatting
from points.models import ArticleReference, Point, Reference, Status
from tests.factories import make_article, make_condition, make_point, make_section

pytestmark = pytest.mark.django_db


def html_of(text, **options):
    return str(formatting.render(text, formatting.PointLinks(), **options))


# The markup -------------------------------------------------------------------------------


def test_plain_paragraphs_and_line_breaks_render_as_before():
    assert html_of("First.\nSame paragraph.\n\nSecond.") == (
        "<p>First.<br>\nSame paragraph.</p>\n<p>Second.</p>"
    )


def test_every_seed_text_reads_as_it_did_as_plain_paragraphs():
    """The seed's words were plain paragraphs: formatted, they give the same paragraphs and
    line breaks, word for word (only how quotes are escaped differs)."""
    seed = json.loads((Path(settings.BASE_DIR) / "fixtures/demo_content.json").read_text())
    article = seed["article"]
    texts = [article["intro"], article["closing"], seed["author"]["bio"]]
    texts += [section["body"] for section in article["sections"]]
    texts += [point["location"] for point in seed["points"]]
    for text in texts:
        text = re.sub(r"^## .*\n\n", "", text)  # the demo's one subheading, tested below
        before = unescape(linebreaks(text, autoescape=True)).replace("\n", "")
        after = unescape(html_of(text)).replace("\n", "")
        assert after == before


def test_emphasis_links_lists_and_quotations():
    html = html_of(
        "Press **gently**, *never* hard. See [the NHS](https://www.nhs.uk/).\n\n"
        "- one\n- two\n\n1. first\n2. second\n\n> Quoted."
    )

    assert "<strong>gently</strong>" in html
    assert "<em>never</em>" in html
    assert '<a rel="noopener" href="https://www.nhs.uk/">the NHS</a>' in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html
    assert "<blockquote>\n<p>Quoted.</p>\n</blockquote>" in html


def test_plain_web_addresses_become_links_as_in_comments():
    html = html_of("Read www.nhs.uk/conditions/back-pain. Or https://example.org/?a=1&b=2")

    assert '<a rel="noopener" href="http://www.nhs.uk/conditions/back-pain">' in html
    assert "back-pain</a>. Or" in html
    assert 'href="https://example.org/?a=1&amp;b=2"' in html


def test_links_on_the_site_get_no_rel():
    assert html_of("[BL23](/points/bl23-shenshu/)") == (
        '<p><a href="/points/bl23-shenshu/">BL23</a></p>'
    )


def test_subheadings_sit_below_the_page_heading_for_the_text():
    text = "# Top\n\n## Heading\n\n### Sub\n\n#### Subsub\n\n###### Deepest"

    under_h2 = html_of(text)
    under_h1 = html_of(text, top_level=2)

    assert re.findall(r"<(h\d)>", under_h2) == ["h3", "h3", "h4", "h5", "h5"]
    assert re.findall(r"<(h\d)>", under_h1) == ["h2", "h2", "h3", "h4", "h5"]


def test_subheadings_get_unique_ids_from_the_anchor_for_a_table_of_contents():
    prepared = formatting.prepare(
        "## Before you start\n\nText.\n\n## Before you start", anchor="s-1"
    )

    assert '<h3 id="s-1-before-you-start">Before you start</h3>' in prepared.html
    assert '<h3 id="s-1-before-you-start-2">' in prepared.html
    assert [(h.level, h.text, h.id) for h in prepared.headings] == [
        (3, "Before you start", "s-1-before-you-start"),
        (3, "Before you start", "s-1-before-you-start-2"),
    ]


def test_what_is_not_offered_stays_as_typed():
    html = html_of("    indented\n\n---\n\nUnderlined\n===\n\n![picture](/x.png)\n\n[1]: /x")

    for tag in ("<pre", "<code", "<hr", "<h1", "<img"):
        assert tag not in html
    assert "indented" in html
    assert "[1]: /x" in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "<a href='javascript:alert(1)' onclick='alert(1)'>x</a>",
        '<p style="color:red">x</p>',
        "<iframe src=https://example.org></iframe>",
        "<svg onload=alert(1)>",
        "[[BL23|<img src=x onerror=alert(1)>]]",
        "[[<script>alert(1)</script>]]",
        "<javascript:alert(1)>",
        "\ue0000\ue001 [[BL23]]",
    ],
)
def test_hostile_markup_comes_out_inert(point, text):
    assert_nothing_executable(html_of(text))


class Markup(HTMLParser):
    """The tags and attributes a browser would build from some HTML."""

    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def executable_elements(html):
    """What in `html` could run code, style the page or load something: such elements, event
    handler and style attributes, javascript: and data: addresses."""
    found = []
    for tag, attributes in Markup(html).elements:
        if tag in {"script", "iframe", "svg", "math", "img", "style", "object", "embed", "link"}:
            found.append((tag, sorted(attributes.items())))
        for name, value in attributes.items():
            address = (value or "").strip().lower()
            if (
                name.startswith("on")
                or name == "style"
                or address.startswith(("javascript:", "data:"))
            ):
                found.append((tag, name, value))
    return found


def assert_nothing_executable(html):
    assert executable_elements(html) == []


@pytest.mark.parametrize("opener", ["- ", "> ", "1. ", "* ", "**"])
def test_nesting_1000_deep_is_cut_short_not_a_crash(opener):
    html = html_of(opener * 1000 + "deep")

    assert html.count("<ul>") + html.count("<ol>") + html.count("<blockquote>") <= 25


def test_a_1_mb_text_renders_without_error():
    text = ("A line of text with *emphasis* and [[BL23]].\n\n" * 24_000)[: 1024 * 1024]

    assert html_of(text).startswith("<p>A line")


def test_the_costly_step_is_done_once_per_text():
    formatting.prepare.cache_clear()
    for _ in range(3):
        formatting.prepare("Some *text*.")

    assert formatting.prepare.cache_info().hits == 2


# Links to points --------------------------------------------------------------------------


def test_point_links_by_code_pinyin_or_english_name_any_case(point):
    point.english_name = "Kidney Shu"
    point.save()

    html = html_of("[[BL23]], [[bl23|the lower back point]], [[shenshu]] and [[KIDNEY SHU]].")

    assert html == (
        '<p><a class="point-link" href="/points/bl23-shenshu/">BL23 Shenshu</a>, '
        '<a class="point-link" href="/points/bl23-shenshu/">the lower back point</a>, '
        '<a class="point-link" href="/points/bl23-shenshu/">BL23 Shenshu</a> and '
        '<a class="point-link" href="/points/bl23-shenshu/">BL23 Shenshu</a>.</p>'
    )


def test_point_links_by_another_code_but_not_by_gachs_older_numbering(point):
    from points.models import AliasKind, PointAlias

    PointAlias.objects.create(point=point, name="UB23", kind=AliasKind.CODE)
    PointAlias.objects.create(point=point, name="B23", kind=AliasKind.OLD_CODE)

    html = html_of("[[ub23]] and [[B23]]")

    assert html == (
        '<p><a class="point-link" href="/points/bl23-shenshu/">BL23 Shenshu</a> and B23</p>'
    )


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Status.DRAFT},
        {"published_at": timezone.now() + timedelta(days=3)},
    ],
    ids=["draft", "scheduled"],
)
def test_links_to_points_readers_cannot_open_are_plain_words(hidden):
    make_point(code="GB30", slug="gb30-huantiao", pinyin="Huantiao", **hidden)

    html = html_of("See [[GB30]], [[GB30|the hip point]] and [[XX99]].")

    assert html == "<p>See GB30, the hip point and XX99.</p>"


def test_the_editors_preview_marks_links_that_do_not_resolve():
    html = formatting.prepare("See [[XX99]].").render(formatting.PointLinks(), editor=True)

    assert '<mark class="unresolved-point"' in html
    assert ">XX99</mark>" in html


def test_citations_still_link_to_the_pages_references(client):
    article = make_article(intro="As a trial found [1], and [7] is not a source.")
    ArticleReference.objects.create(
        article=article, reference=Reference.objects.create(title="A trial"), position=1
    )

    html = client.get(article.get_absolute_url()).text

    assert 'href="#ref-1" aria-label="Reference 1">[1]</a></sup>' in html
    assert "and [7] is not" in html


# On the pages -----------------------------------------------------------------------------


def test_a_point_link_follows_a_slug_change_and_a_change_of_status(client, point):
    """Pages linking to a point are never served stale: the page cache is emptied when any
    point is saved (points/apps.py)."""
    article = make_article(intro="Start with [[BL23]].")
    url = article.get_absolute_url()
    assert 'href="/points/bl23-shenshu/">BL23 Shenshu</a>' in client.get(url).text

    point.slug = "bl23-kidney-shu"
    point.save()
    assert 'href="/points/bl23-kidney-shu/">BL23 Shenshu</a>' in client.get(url).text

    point.status = Status.DRAFT
    point.save()
    html = client.get(url).text
    assert "Start with BL23.</p>" in html
    assert "bl23-kidney-shu" not in html


def test_point_links_cost_two_queries_after_a_change_and_none_after_that(render_client, point):
    """The map of points is loaded once per pages version (any save replaces it), in one query
    for the points and one for their other names, however many links a page has. (When the
    next scheduled publication is, which bounds how long it is kept, the page's other small
    data has asked already.)"""
    article = make_article(intro="No links here.")
    url = article.get_absolute_url()
    render_client.get(url)
    article.save()  # any save: the first render after it reads the small site-wide data again
    with CaptureQueriesContext(connection) as plain_first:
        render_client.get(url)
    with CaptureQueriesContext(connection) as plain:
        render_client.get(url)

    article.intro = "[[BL23]], [[Shenshu]] and [[XX1]]."
    article.closing = "Again [[BL23]]."
    article.save()
    with CaptureQueriesContext(connection) as first:
        render_client.get(url)
    with CaptureQueriesContext(connection) as later:
        render_client.get(url)

    assert len(first) == len(plain_first) + 2
    assert len(later) == len(plain)


def test_every_formatted_field_is_formatted_on_its_page(client, point):
    make_condition(name="Sciatica", slug="sciatica", description="Pain *down* the leg.")
    point.conditions.set([make_condition(description="Pain *down* the leg.", slug="pain")])
    point.location = "Beside *the spine*."
    point.identification_note = "Matched by *name*."
    point.technique_notes = "Press *gently*."
    point.said_to_help = "Said to help *backs*."
    point.save()
    article = make_article(
        intro="Intro *em*.",
        intro_note="Intro note *em*.",
        closing="Closing *em*.",
        closing_note="Closing note *em*.",
    )
    make_section(article, body="Body *em*.", editor_note="Note *em*.", points=[point])
    article.author.bio = "Bio *em*."
    article.author.save()

    pages = {
        point.get_absolute_url(): ["the spine", "name", "gently", "backs", "em"],
        article.get_absolute_url(): ["em"] * 7,
        article.author.get_absolute_url(): ["em"],
        reverse("points:condition-detail", args=["pain"]): ["down"],
    }
    for url, emphasised in pages.items():
        html = client.get(url).text
        for words in emphasised:
            assert f"<em>{words}</em>" in html, (url, words)
        assert "*" not in re.sub(r"<script.*?</script>", "", html, flags=re.DOTALL), url
    assert "<br>Pain down the leg." in client.get(reverse("points:condition-index")).text


def test_the_disclaimer_body_is_formatted_and_its_sign_lists_stay_lines(client):
    from points.models import Disclaimer

    Disclaimer.objects.create(
        short_notice="Information only.",
        body="## Pregnancy\n\nAsk **your doctor**.",
        emergency_signs="Numbness *around* the bottom",
    )

    html = client.get(reverse("points:disclaimer")).text

    assert "<h2>Pregnancy</h2>" in html
    assert "<strong>your doctor</strong>" in html
    assert "Numbness *around* the bottom" in html


def test_the_table_of_contents_lists_sections_and_their_subheadings(client):
    article = make_article()
    first = make_section(article, heading="Lower back", body="## Finding it\n\nText.", position=1)
    make_section(article, heading="Knee", body="Text.", position=2)

    html = client.get(article.get_absolute_url()).text

    toc = html[html.index('<nav class="toc"') : html.index("</nav>", html.index('"toc"'))]
    assert f'<a href="#{first.anchor}">Lower back</a>' in toc
    assert f'<a href="#{first.anchor}-finding-it">Finding it</a>' in toc
    assert f'<h3 id="{first.anchor}-finding-it">Finding it</h3>' in html
    assert html.count('<p class="back-to-top"><a href="#main">Back to top</a></p>') == 2


def test_the_demo_article_uses_formatting(client, django_user_model):
    from django.core.management import call_command

    call_command("load_demo_content", verbosity=0)
    article_url = reverse("points:article-detail", args=["acupressure-points-for-back-pain"])

    html = client.get(article_url).text

    assert html.count('class="point-link"') >= 10
    assert "<ul>" in html.split('class="editor-note"', 1)[1]
    assert re.search(r'<h3 id="section-\d+-stimulate-gallbladder-30', html)
    assert Point.objects.published().count() == 10


def test_search_engines_and_lists_get_the_words_without_the_markup(client, point):
    point.location = "Level with the *waist* & beside [[BL23]] <b>."
    point.save()
    point.conditions.set([make_condition(slug="pain", description="Pain *down* the leg & more.")])

    html = client.get(point.get_absolute_url()).text
    index = client.get(reverse("points:condition-index")).text

    data = [
        json.loads(script)
        for script in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
    ]
    place = next(item["about"] for item in data if "about" in item)
    assert place["description"] == "Level with the waist & beside BL23 <b>."
    assert "<br>Pain down the leg &amp; more." in index

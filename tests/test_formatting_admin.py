"""Formatted text for editors: the help panel and live preview in the admin, the warning for
links to points readers cannot open, over-long texts, and hostile markup in every formatted
field (saved through the admin, shown on the public pages)."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from points.models import Article, Author, Condition, Disclaimer, Point, Status
from tests.factories import make_article, make_condition, make_point, make_section
from tests.test_bad_input import XSS_PAYLOADS
from tests.test_formatting import executable_elements

pytestmark = pytest.mark.django_db

PREVIEW_URL = "/admin/formatting-preview/"


class ChangeForm(HTMLParser):
    """The fields of an admin change form as a browser would send them back, unchanged."""

    def __init__(self, html):
        super().__init__()
        self.data = {}
        self._textarea = self._select = None
        start = re.search(r'<form [^>]*id="\w+_form"', html).start()
        self.feed(html[start : html.index("</form>", start)])

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") not in ("checkbox", "radio"):
                self.add(name, attrs.get("value", ""))
            elif "checked" in attrs:
                self.add(name, attrs.get("value", "on"))
        elif tag == "textarea" and name:
            self._textarea = name
            self.add(name, "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.add(self._select, attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            values = self.data[self._textarea]
            # As browsers do, the newline just after <textarea> is not part of the text.
            values[-1] += data if values[-1] else data.removeprefix("\n")


def change_form_data(client, url, **changes):
    response = client.get(url)
    assert response.status_code == 200
    data = ChangeForm(response.text).data
    data = {name: values if len(values) > 1 else values[0] for name, values in data.items()}
    data.pop("_saveasnew", None)
    return data | changes


@pytest.fixture
def article(point):
    article = make_article(intro="Intro.", status=Status.PUBLISHED)
    make_section(article, body="Body.", points=[point])
    return article


def article_url(article):
    return reverse("admin:points_article_change", args=[article.pk])


# The editing surface ----------------------------------------------------------------------


def test_formatted_fields_have_the_help_panel_and_the_preview_script(editor_client, article):
    html = editor_client.get(article_url(article)).text

    for name in ("intro", "intro_note", "closing", "closing_note", "sections-0-body"):
        assert f'name="{name}"' in html
    assert html.count("data-formatted-text") >= 7  # 4 fields, one section's 2, the empty form's
    assert f'data-preview-url="{PREVIEW_URL}"' in html
    assert "How to format this text" in html
    assert "<code>[[BL23]]</code>" in html
    assert "admin/formatted-text.js" in html
    assert "admin/formatted-text.css" in html


def test_the_form_comes_with_each_texts_preview_so_opening_it_asks_for_none(editor_client, article):
    """Rendered with the form: it shows without JavaScript, and the script only asks for a
    preview as the editor types (a form of 26 texts once sent 26 requests as it opened)."""
    article.intro = "A **strong** start with [[BL23]]."
    article.save()

    html = editor_client.get(article_url(article)).text

    preview = html.split('data-preview-for="id_intro"', 1)[1].split("</div>\n</div>", 1)[0]
    assert "hidden" not in preview.split(">", 1)[0]
    assert "<strong>strong</strong>" in preview
    assert 'href="/points/bl23-shenshu/"' in preview
    empty = html.split('data-preview-for="id_closing"', 1)[1].split(">", 1)[0]
    assert "hidden" in empty


@pytest.mark.parametrize(
    "model", [Point, Article, Author, Condition, Disclaimer], ids=lambda m: m.__name__
)
def test_every_formatted_field_gets_the_formatted_text_box(editor_client, model):
    from points.models.fields import FormattedTextField

    html = editor_client.get(reverse(f"admin:points_{model._meta.model_name}_add")).text

    for field in model._meta.fields:
        if isinstance(field, FormattedTextField):
            box = re.search(f'<textarea name="{field.name}"[^>]*>', html)[0]
            assert "data-formatted-text" in box


# The live preview -------------------------------------------------------------------------


def test_the_preview_shows_the_html_readers_would_get(editor_client, point):
    response = editor_client.post(PREVIEW_URL, {"text": "## Sub\n\n- *one* [[BL23]]"})

    assert response.status_code == 200
    data = response.json()
    assert data["html"] == (
        '<h3>Sub</h3>\n<ul>\n<li><em>one</em> <a class="point-link" '
        'href="/points/bl23-shenshu/">BL23 Shenshu</a></li>\n</ul>'
    )
    assert data["unresolved"] == []


def test_the_preview_marks_links_to_points_readers_cannot_open(editor_client):
    make_point(code="GB30", pinyin="Huantiao", status=Status.DRAFT)

    data = editor_client.post(PREVIEW_URL, {"text": "[[GB30]] and [[XX1|x]]"}).json()

    assert data["html"].count('<mark class="unresolved-point"') == 2
    assert data["unresolved"] == ["GB30", "XX1"]


def test_the_preview_is_for_staff_only(client, django_user_model):
    assert client.post(PREVIEW_URL, {"text": "x"}).status_code == 302
    reader = django_user_model.objects.create_user(username="reader", password="x" * 20)
    client.force_login(reader)
    assert client.post(PREVIEW_URL, {"text": "x"}).status_code == 302


def test_the_preview_needs_the_csrf_token_and_a_post(editor):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)

    assert browser.post(PREVIEW_URL, {"text": "x"}).status_code == 403
    assert browser.get(PREVIEW_URL).status_code == 405


def test_the_preview_refuses_an_over_long_text_with_a_message(editor_client):
    response = editor_client.post(PREVIEW_URL, {"text": "a" * 20_001})

    assert response.status_code == 400
    assert "at most 20,000 characters" in response.json()["error"]


# Saving -----------------------------------------------------------------------------------


def test_saving_a_link_to_a_draft_point_warns_the_editor(editor_client, article):
    make_point(code="GB30", pinyin="Huantiao", status=Status.DRAFT)
    data = change_form_data(
        editor_client,
        article_url(article),
        intro="See [[GB30]].",
        **{"sections-0-editor_note": "And [[XX1]] and [[BL23]]."},
    )

    response = editor_client.post(article_url(article), data, follow=True)

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert any("[[GB30]] does not match a published point" in m for m in messages), messages
    assert any("[[XX1]] does not match" in m for m in messages), messages
    assert not any("BL23" in m for m in messages)
    assert Article.objects.get().intro == "See [[GB30]]."


def test_an_over_long_text_is_refused_with_a_message_and_kept(editor_client, article):
    text = "Long. " * 200_000  # 1.2 MB
    data = change_form_data(editor_client, article_url(article), intro=text)

    response = editor_client.post(article_url(article), data)

    assert response.status_code == 200
    assert "This text is too long: at most 20000 characters (it has 1199999)." in response.text
    assert text[:1000] in response.text
    assert Article.objects.get().intro == "Intro."


def test_nesting_1000_deep_saves_and_shows(editor_client, client, article):
    data = change_form_data(editor_client, article_url(article), intro="> " * 1000 + "deep")

    assert editor_client.post(article_url(article), data).status_code == 302
    assert client.get(article.get_absolute_url()).status_code == 200


# Hostile markup in every formatted field --------------------------------------------------

HOSTILE = "\n\n".join(
    [f"Before {payload} after" for payload in XSS_PAYLOADS]
    + [f"- {payload}" for payload in XSS_PAYLOADS]
    + [f"[x]({payload}) [[{payload}]] [[BL23|{payload}]]" for payload in XSS_PAYLOADS]
    + ["[a](javascript:alert(1)) [b](data:text/html,x) [c](vbscript:x) <div style=x>y</div>"]
)


def test_the_xss_corpus_in_every_formatted_field_comes_out_inert(editor_client, client, point):
    condition = make_condition(slug="sciatica")
    point.conditions.set([condition])
    article = make_article()
    make_section(article, points=[point])
    Disclaimer.objects.create(short_notice="Information only.", body="Body.")
    pages = {
        reverse("admin:points_point_change", args=[point.pk]): [
            "location",
            "identification_note",
            "technique_notes",
            "said_to_help",
        ],
        article_url(article): [
            "intro",
            "intro_note",
            "closing",
            "closing_note",
            "sections-0-body",
            "sections-0-editor_note",
        ],
        reverse("admin:points_author_change", args=[article.author.pk]): ["bio"],
        reverse("admin:points_condition_change", args=[condition.pk]): ["description"],
        reverse("admin:points_disclaimer_change", args=[1]): ["body"],
    }
    public_pages = [
        point.get_absolute_url(),
        article.get_absolute_url(),
        article.author.get_absolute_url(),
        condition.get_absolute_url(),
        reverse("points:condition-index"),
        reverse("points:disclaimer"),
    ]
    # The pages' own scripts (JSON-LD, routine.js) and pictures, before the hostile text.
    before = {url: executable_elements(client.get(url).text) for url in public_pages}

    for url, fields in pages.items():
        data = change_form_data(editor_client, url, **dict.fromkeys(fields, HOSTILE))
        response = editor_client.post(url, data)
        assert response.status_code == 302, (url, response.text[:3000])

    point.refresh_from_db()
    assert point.location == HOSTILE
    for url in public_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Before" in response.text
        assert executable_elements(response.text) == before[url], url


def test_texts_being_typed_do_not_fill_the_memo_of_texts_pages_show(editor_client):
    from points import formatting

    formatting.prepare.cache_clear()
    for length in range(1, 21):
        editor_client.post(PREVIEW_URL, {"text": "Typing *this*"[:length]})

    assert formatting.prepare.cache_info().currsize == 0

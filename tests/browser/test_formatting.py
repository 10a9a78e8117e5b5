"""Formatted text in a real browser: an editor writes a section with a subheading, a list,
emphasis and a link to a point, watches the live preview, saves, and readers get it (valid,
accessible, with a working point link); hostile text runs nothing under the CSP."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from points.models import Article, Point
from tests.browser.checks import accessibility_violations, html_errors
from tests.browser.conftest import sign_in
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.test_formatting_admin import HOSTILE

pytestmark = pytest.mark.browser

SECTION = (
    "Lie on your back first.\n\n"
    "## Where to press\n\n"
    "Press **gently** on [[BL23|the lower back point]], then [[Weizhong]]:\n\n"
    "- *slowly*, for a minute\n"
    "- on both sides\n\n"
    "Not yet: [[XX9]]."
)


def test_editor_writes_a_formatted_section_and_readers_get_it(page, demo_site, editor_login):
    article = Article.objects.get()
    picture = Point.objects.get(code="BL23").pictures.first().picture
    sign_in(page, demo_site, editor_login)
    page.goto(f"{demo_site}/{settings.ADMIN_URL}points/article/{article.pk}/change/")

    page.get_by_text("How to format this text").first.click()
    expect(page.get_by_text("shows “BL23 Shenshu”").first).to_be_visible()

    box = page.locator("#id_sections-0-body")
    box.fill(SECTION)
    # A picture from the library: chosen in Django's lookup window, its code lands in the text.
    with page.expect_popup() as library:
        page.locator("#lookup_id_sections-0-body__picture").click()
    library.value.get_by_role("link", name=picture.title, exact=True).click()
    expect(box).to_have_value(re.compile(rf"\n\n\[\[picture:{picture.pk}\]\]\n$"))
    box.fill(box.input_value().replace("]]\n", "|Where the lower back point is]]"))
    preview = page.locator(".formatted-text__preview").filter(has=page.locator("h3"))
    expect(preview.get_by_role("heading", name="Where to press")).to_be_visible()
    expect(preview.get_by_role("link", name="the lower back point")).to_be_visible()
    expect(preview.get_by_role("link", name="BL40 Weizhong")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("gently")
    expect(preview.locator("li")).to_have_count(2)
    expect(preview.locator("mark.unresolved-point")).to_have_text("XX9")
    expect(preview.locator("figure figcaption")).to_contain_text("Where the lower back point is")

    page.get_by_role("button", name="Publish changes", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Published “")
    expect(page.locator(".messagelist")).to_contain_text("[[XX9]] does not match a published point")

    page.goto(f"{demo_site}{article.get_absolute_url()}")
    section = page.locator("#section-1")
    expect(section.get_by_role("heading", level=3, name="Where to press")).to_be_visible()
    expect(section.locator(".prose li")).to_have_count(2)
    expect(section.locator(".prose em").first).to_have_text("slowly")
    expect(section.get_by_text("Not yet: XX9.")).to_be_visible()
    figure = section.locator(".prose figure")
    expect(figure.get_by_role("img", name=picture.alt_text)).to_be_visible()
    expect(figure.locator("figcaption")).to_contain_text("Where the lower back point is")
    toc = page.get_by_role("navigation", name="In this article")
    expect(toc.get_by_role("link", name="Where to press")).to_be_visible()
    assert accessibility_violations(page) == []
    assert html_errors({"formatted-article": page.content()}) == []

    toc.get_by_role("link", name="Where to press").click()
    expect(page).to_have_url(re.compile(r"#section-1-where-to-press$"))
    section.get_by_role("link", name="the lower back point").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("BL23 Shenshu")


def test_hostile_text_runs_nothing_under_the_policy(page, demo_site):
    article = Article.objects.get()
    article.intro = HOSTILE
    article.intro_note = HOSTILE
    article.save()
    section = article.sections.first()
    section.body = HOSTILE
    section.save()
    dialogs, console = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)

    for path in [article.get_absolute_url(), "/points/cv6-qihai/"]:
        page.goto(f"{demo_site}{path}")
        page.wait_for_load_state("networkidle")
        expect(page.get_by_text("Before <script>alert(1)</script> after").first).to_be_visible()
        assert page.evaluate("window.__cspViolations") == [], path

    assert dialogs == []
    assert [text for text in console if "Content Security Policy" in text] == []

"""How pages describe themselves to search engines and link previews."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from points.models import Status
from tests.factories import (
    make_article,
    make_condition,
    make_image,
    make_point,
    make_section,
)

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def site():
    condition = make_condition(name="Sciatica", slug="sciatica")
    point = make_point(slug="bl40-weizhong", body_area="leg", last_reviewed=date(2026, 11, 1))
    point.conditions.add(condition)
    make_image(point)
    draft_point = make_point(slug="draft-point", status=Status.DRAFT, body_area="hand")
    draft_point.conditions.add(make_condition(name="Only a draft", slug="only-a-draft"))
    article = make_article(slug="the-article")
    make_section(article, points=[point])
    draft_article = make_article(slug="draft-article", status=Status.DRAFT)
    return {"point": point, "article": article, "draft_article": draft_article}


def test_sitemap_lists_exactly_the_public_urls(client, site):
    response = client.get("/sitemap.xml")

    locations = {
        element.text.removeprefix("http://testserver")
        for element in ET.fromstring(response.content).findall("s:url/s:loc", SITEMAP_NS)
    }
    assert locations == {
        "/",
        "/points/",
        "/conditions/",
        "/routine/",
        "/disclaimer/",
        "/articles/the-article/",
        "/articles/the-article/routine/",
        "/points/bl40-weizhong/",
        "/conditions/sciatica/",
        "/body-areas/leg/",
        site["article"].author.get_absolute_url(),
    }
    for url in locations:
        assert client.get(url).status_code == 200, url


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    text = client.get("/robots.txt").text

    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_favicon_ico_leads_to_the_sites_icon_instead_of_a_404(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == static("favicon.svg")
    assert finders.find("favicon.svg")


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_feeds_list_published_articles(client, site, url):
    response = client.get(url)

    root = ET.fromstring(response.content)
    text = ET.tostring(root, encoding="unicode")
    assert site["article"].title in text
    assert "the-article" in text
    assert "draft-article" not in text


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return {block["@type"]: block for block in map(json.loads, blocks)}


def test_article_describes_itself_as_an_article(client, site):
    article = site["article"]

    data = json_ld(client.get(article.get_absolute_url()).text)

    described = data["Article"]
    assert described["headline"] == article.title
    assert described["author"]["name"] == article.author.name
    assert described["datePublished"].startswith(str(article.published_at.date()))
    assert described["url"] == f"http://testserver{article.get_absolute_url()}"
    assert described["image"].startswith("http://testserver/")
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [crumb["position"] for crumb in crumbs] == [1, 2]


def test_point_describes_itself_as_a_medical_web_page(client, site):
    point = site["point"]

    data = json_ld(client.get(point.get_absolute_url()).text)

    page = data["MedicalWebPage"]
    assert page["name"].startswith(point.code)
    assert page["description"] == point.summary
    assert page["lastReviewed"] == "2026-11-01"
    assert page["image"].startswith("http://testserver/media/pictures/")
    assert [crumb["name"] for crumb in data["BreadcrumbList"]["itemListElement"]][:2] == [
        "Home",
        "Points",
    ]


def test_json_ld_cannot_break_out_of_its_script(client):
    point = make_point(summary="</script><script>alert(1)</script>")

    html = client.get(point.get_absolute_url()).text

    assert "</script><script>alert(1)" not in html
    assert json_ld(html)["MedicalWebPage"]["description"] == point.summary


def test_pages_carry_link_preview_tags(client, site):
    html = client.get(site["point"].get_absolute_url()).text

    assert '<meta property="og:type" content="article">' in html
    assert re.search(r'<meta property="og:image" content="http://testserver/media/pictures/', html)
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert (
        f'<meta property="og:url" content="http://testserver{site["point"].get_absolute_url()}">'
        in html
    )


@pytest.mark.parametrize(
    "url",
    ["/", "/points/", "/conditions/", "/conditions/sciatica/", "/body-areas/leg/", "/routine/"],
)
def test_every_new_page_has_its_own_title_and_description(client, site, url):
    html = client.get(url).text

    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    description = re.search(r'<meta name="description" content="([^"]+)"', html).group(1)
    assert len(title) > 10
    assert len(description) > 30


def test_print_stylesheet_keeps_a_point_page_to_its_essentials():
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    print_rules = css[css.index("@media print") :]

    for hidden in [".comments", ".body-map", ".site-header", ".pager"]:
        assert hidden in print_rules.split("display: none")[0]


def test_search_results_are_kept_out_of_indexes_by_noindex_that_crawlers_may_read(client):
    """A page disallowed in robots.txt is never fetched, so its noindex is never seen: search
    pages keep the noindex and are not disallowed."""
    robots = client.get("/robots.txt").text
    search = client.get("/search/", {"q": "back"}).text

    assert '<meta name="robots" content="noindex, follow">' in search
    assert "/search" not in robots

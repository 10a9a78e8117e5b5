"""Public pages, through real URLs: what readers must see, and what they must never see."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from points.models import Disclaimer, ResultReport, Status
from tests.factories import (
    make_article,
    make_comment,
    make_condition,
    make_image,
    make_point,
    make_section,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def disclaimer():
    return Disclaimer.objects.create(
        short_notice="Not medical advice; ask your doctor.", body="The whole disclaimer text."
    )


def test_editors_paragraphs_are_paragraphs_not_escaped_markup(client):
    """It showed "&lt;p&gt;First.&lt;/p&gt;" on the disclaimer, the author's bio, the
    article's words on point pages, editor's notes and replies."""
    Disclaimer.objects.create(short_notice="Not advice.", body="First.\n\nI've a second.")

    text = client.get(reverse("points:disclaimer")).text

    assert "<p>First.</p>" in text
    assert "&lt;p&gt;" not in text


def test_home_lists_published_articles_and_points(client):
    article = make_article(title="Points for back pain")
    point = make_point(code="BL23", pinyin="Shenshu")
    make_point(code="CV6", pinyin="Qihai", status=Status.DRAFT)

    response = client.get(reverse("points:home"))

    assert response.status_code == 200
    assert article.title in response.text
    assert "BL23 Shenshu" in response.text
    assert point.get_absolute_url() in response.text
    assert "Qihai" not in response.text


def test_article_page_shows_sections_in_order_with_notes_and_point_cards(client, disclaimer):
    point = make_point(code="BL40", pinyin="Weizhong")
    make_image(point, alt_text="Back of the knee")
    article = make_article(intro="Opening words.", closing="Closing words.")
    make_section(article, heading="Second", position=2, body="Second body.")
    make_section(
        article,
        heading="First",
        position=1,
        body="First body.",
        editor_note="This point is BL40.",
        points=[point],
    )

    response = client.get(article.get_absolute_url())

    text = response.text
    assert response.status_code == 200
    assert text.index("First body.") < text.index("Second body.")
    assert "Opening words." in text
    assert "Closing words." in text
    assert "This point is BL40." in text
    assert "Editor’s note" in text
    assert point.get_absolute_url() in text
    assert article.author.name in text
    assert disclaimer.short_notice in text
    assert reverse("points:disclaimer") in text


def test_article_page_hides_draft_points_from_readers(client):
    draft = make_point(pinyin="Hiddenpoint", status=Status.DRAFT)
    article = make_article()
    make_section(article, points=[draft])

    response = client.get(article.get_absolute_url())

    assert "Hiddenpoint" not in response.text


def test_point_page_shows_everything_about_the_point(client, disclaimer):
    condition = make_condition(name="Sciatica")
    point = make_point(
        code="BL23",
        pinyin="Shenshu",
        chinese_name="肾俞",
        english_name="Kidney Shu",
        how_to_find="Find the top of the hip bones.\nCount up two vertebrae.",
        pressure="medium",
        duration_min_seconds=60,
        duration_max_seconds=120,
        contraindications="You are pregnant.",
        cautions="You take blood thinners.",
    )
    point.conditions.add(condition)
    point.aliases.create(name="UB23", kind="code")
    make_image(point, alt_text="Back view of the waist", caption="BL23 on both sides")
    article = make_article(title="The seed article")
    section = make_section(article, heading="Urinary Bladder 23", body="UB23 is great.")
    section.points.add(point)

    response = client.get(point.get_absolute_url())

    text = response.text
    assert response.status_code == 200
    for expected in [
        "BL23 Shenshu",
        "肾俞",
        "Kidney Shu",
        "UB23",
        "Count up two vertebrae.",
        "Medium",
        "1 to 2 minutes",
        "You are pregnant.",
        "You take blood thinners.",
        "Sciatica",
        'alt="Back view of the waist"',
        "BL23 on both sides",
        "UB23 is great.",
        section.get_absolute_url(),
        disclaimer.short_notice,
    ]:
        assert expected in text, expected
    assert text.index("Before you press: cautions") < text.index("How to find it")


def test_point_page_names_each_other_name_once(client):
    point = make_point(code="BL23", pinyin="Shenshu", english_name="Kidney Shu")
    for name, kind in [("Kidney Shu", "name"), ("bl23", "code"), ("Sea of Vitality", "name")]:
        point.aliases.create(name=name, kind=kind)

    text = client.get(point.get_absolute_url()).text

    also_known_as = text.split("Also known as:")[1].split("</p>")[0]
    assert "Sea of Vitality" in also_known_as
    assert "Kidney Shu" not in also_known_as  # the English name, shown above it already
    assert "bl23" not in also_known_as


def test_point_page_links_previous_and_next_published_points(client):
    first = make_point(position=1, pinyin="Firstpoint")
    make_point(position=2, pinyin="Draftpoint", status=Status.DRAFT)
    middle = make_point(position=3, pinyin="Middlepoint")
    last = make_point(position=4, pinyin="Lastpoint")

    response = client.get(middle.get_absolute_url())

    assert response.context["previous_point"] == first
    assert response.context["next_point"] == last
    assert "Draftpoint" not in response.text


def test_point_index_groups_published_points_by_body_area(client):
    make_point(pinyin="Backpoint", body_area="lower-back")
    make_point(pinyin="Handpoint", body_area="hand")
    make_point(pinyin="Draftpoint", status=Status.DRAFT)

    response = client.get(reverse("points:point-index"))

    text = response.text
    assert "Lower back" in text
    assert "Hand" in text
    assert text.index("Backpoint") < text.index("Handpoint")
    assert "Draftpoint" not in text


def test_point_index_is_paginated_and_keeps_the_filters(client):
    for number in range(30):
        make_point(pinyin=f"Leg{number:02d}", body_area="leg", position=number)
    make_point(pinyin="Handpoint", body_area="hand")

    first = client.get(reverse("points:point-index"), {"area": "leg"})
    second = client.get(reverse("points:point-index"), {"area": "leg", "page": 2})

    assert "30 points match your filters." in first.text
    assert "Page 1 of 3" in first.text
    assert 'href="?area=leg&amp;condition=&amp;page=2"' in first.text
    assert "Leg11<" in first.text
    assert "Leg12<" not in first.text
    assert "Leg12<" in second.text
    assert "Handpoint" not in first.text + second.text


def test_home_shows_some_points_and_links_to_all_of_them(client):
    for number in range(15):
        make_point(pinyin=f"Point{number:02d}", position=number)

    glance = client.get(reverse("points:home")).text.split("Points at a glance")[1]

    assert "Point11</a>" in glance
    assert "Point12</a>" not in glance
    assert "See all 15 points" in glance


def test_author_page_shows_bio_and_published_articles(client):
    article = make_article(title="Published piece")
    author = article.author
    author.bio = "I have had back pain since my teens."
    author.save()
    make_article(title="Unfinished piece", author=author, status=Status.DRAFT)

    response = client.get(author.get_absolute_url())

    assert response.status_code == 200
    assert "I have had back pain since my teens." in response.text
    assert "Published piece" in response.text
    assert "Unfinished piece" not in response.text


def test_author_without_published_articles_has_no_public_page(client):
    article = make_article(status=Status.DRAFT)

    assert client.get(article.author.get_absolute_url()).status_code == 404


def test_disclaimer_page_shows_the_editors_text(client, disclaimer):
    response = client.get(reverse("points:disclaimer"))

    assert response.status_code == 200
    assert "The whole disclaimer text." in response.text


def test_disclaimer_page_still_warns_before_an_editor_writes_one(client):
    response = client.get(reverse("points:disclaimer"))

    assert response.status_code == 200
    assert "does not replace medical advice" in response.text


@pytest.mark.parametrize(
    "make_page",
    [
        lambda: make_point(status=Status.DRAFT),
        lambda: make_point(published_at=timezone.now() + timedelta(days=1)),
        lambda: make_article(status=Status.DRAFT),
        lambda: make_article(published_at=timezone.now() + timedelta(days=1)),
    ],
    ids=["draft-point", "scheduled-point", "draft-article", "scheduled-article"],
)
def test_unpublished_pages_are_404_for_readers_and_a_marked_preview_for_editors(
    client, editor_client, make_page
):
    page = make_page()
    assert client.get(page.get_absolute_url()).status_code == 404
    # The same client class, logged in as an editor, sees the preview.
    response = editor_client.get(page.get_absolute_url())

    assert response.status_code == 200
    assert "not public" in response.text
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert response["X-Robots-Tag"] == "noindex"
    assert "private" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]


def test_a_scheduled_page_is_previewed_as_scheduled_not_as_a_draft(editor_client):
    """A published point with a future date said "Draft - not public"."""
    point = make_point(published_at=timezone.now() + timedelta(days=30))

    text = editor_client.get(point.get_absolute_url()).text

    assert "Scheduled - not public yet." in text
    assert "Draft - not public" not in text


def test_published_pages_are_not_marked_as_previews_for_editors(editor_client):
    point = make_point()

    response = editor_client.get(point.get_absolute_url())

    assert "Draft - not public" not in response.text
    assert "X-Robots-Tag" not in response


@pytest.mark.parametrize("url", ["/points/no-such-point/", "/articles/nope/", "/authors/nobody/"])
def test_unknown_slugs_get_the_sites_404_page(client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert "Page not found" in response.text
    assert reverse("points:point-index") in response.text


def test_500_page_renders_without_a_database(client, settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "Something went wrong" in html


def test_head_is_answered_wherever_get_is(render_client):
    """It was a 405 unless the page happened to be in the page cache (a monitor's or a load
    balancer's HEAD failed)."""
    point = make_point()
    article = make_article()
    make_section(article, points=[point])
    image = make_image(point)
    urls = [
        reverse("points:home"),
        reverse("points:point-index"),
        point.get_absolute_url(),
        article.get_absolute_url(),
        reverse("points:routine"),
        reverse("points:search") + "?q=BL23",
        reverse("points:disclaimer"),
        "/healthz",
        "/robots.txt",
        image.image.url,
    ]
    for url in urls:
        assert render_client.head(url).status_code == 200, url


def test_pages_accept_only_get_and_head(client):
    response = client.post(reverse("points:point-index"))

    assert response.status_code == 405


def test_every_page_has_title_description_and_canonical_url(client, disclaimer):
    point = make_point()
    article = make_article()
    make_section(article, points=[point])
    urls = [
        reverse("points:home"),
        reverse("points:point-index"),
        point.get_absolute_url(),
        article.get_absolute_url(),
        article.author.get_absolute_url(),
        reverse("points:disclaimer"),
    ]
    for url in urls:
        text = client.get(url).text
        assert "<title>" in text, url
        assert '<meta name="description" content="' in text, url
        assert f'<link rel="canonical" href="http://testserver{url}">' in text, url


def test_canonical_url_uses_site_url_and_drops_the_query(client, settings):
    settings.SITE_URL = "https://acupressure.example"

    text = client.get(reverse("points:point-index") + "?utm_source=x").text

    assert '<link rel="canonical" href="https://acupressure.example/points/">' in text


class TestQueryCounts:
    """Pages render in a fixed number of queries, however much content they carry. Measured
    with the whole-page cache off. Plain queries rather than fewer heavier ones: a prefetch
    costs about 0.5 ms to build and run, a subquery annotation 1-4 ms."""

    @pytest.mark.parametrize("related", [1, 6])
    def test_point_page(self, render_client, django_assert_num_queries, related):
        point = make_point(position=50)
        make_point(position=10)
        make_point(position=90)
        article = make_article()
        for number in range(related):
            make_image(point)
            point.aliases.create(name=f"Alias {number}")
            point.conditions.add(make_condition())
            make_section(article, points=[point])
        # The first render also reads the reading order and the disclaimer, kept for the pages
        # after it until the next change or scheduled publication (two queries find when).
        with django_assert_num_queries(13):
            render_client.get(point.get_absolute_url())
        # The point and its names, pictures, their markers, references, articles' sections
        # and complaints; its readers' results and a page of comments.
        with django_assert_num_queries(9):
            response = render_client.get(point.get_absolute_url())

        assert all(f"Alias {number}" in response.text for number in range(related))

    @pytest.mark.parametrize("sections", [1, 11])
    def test_article_page(self, render_client, django_assert_num_queries, sections):
        article = make_article()
        for _ in range(sections):
            point = make_point()
            make_image(point)
            placed = make_image(point, marker_x=10, marker_y=20)
            body = f"Before.\n\n[[picture:{placed.pk}|Placed here]]\n\nAfter."
            make_section(article, points=[point, make_point()], body=body)
            comment = make_comment(article, status="approved")
            ResultReport.objects.create(comment=comment, point=point, outcome="helped-a-lot")
        # The article, its references, sections and their points with their pictures; the
        # pictures all its sections place, with their markers; a page of comments and their
        # reports. (The first render also reads the disclaimer, kept for the pages after it,
        # and when the next scheduled publication is.)
        with django_assert_num_queries(12):
            render_client.get(article.get_absolute_url())
        with django_assert_num_queries(9):
            response = render_client.get(article.get_absolute_url())

        assert response.text.count("<figcaption>\n      Placed here") == sections
        assert response.text.count(": Helped a lot</li>") == sections

    def test_an_article_without_comments_reads_no_reports(
        self, render_client, django_assert_num_queries
    ):
        article = make_article()
        make_section(article, points=[make_point()])
        render_client.get(article.get_absolute_url())

        # As above less the reports (and the placed pictures: none placed here).
        with django_assert_num_queries(6):
            response = render_client.get(article.get_absolute_url())

        assert "No comments have been published yet." in response.text

    @pytest.mark.parametrize("points", [1, 12])
    def test_home_and_index(self, render_client, django_assert_num_queries, points):
        make_article()
        for _ in range(points):
            make_image(make_point())
        # The first home page also reads what every home page shows of the whole site (who
        # reviewed the points, the complaints to browse, the disclaimer, and when the next
        # scheduled publication is), kept for the pages after it; the index shares them.
        with django_assert_num_queries(8):
            render_client.get(reverse("points:home"))
        with django_assert_num_queries(3):
            render_client.get(reverse("points:home"))
        with django_assert_num_queries(3):
            render_client.get(reverse("points:point-index"))

    def test_a_cached_page_costs_no_query(self, client, django_assert_num_queries):
        point = make_point()
        first = client.get(point.get_absolute_url())
        with django_assert_num_queries(0):
            second = client.get(point.get_absolute_url())

        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
        assert second.content == first.content


def test_gachs_old_numbers_are_never_shown_as_modern_codes(client):
    point = make_point(code="BL52", pinyin="Zhishi")
    point.aliases.create(name="B47", kind="old-code")

    text = client.get(point.get_absolute_url()).text

    assert 'B47 <span class="alias__kind">(Gach’s older numbering, not the modern BL point' in text


def test_a_point_without_a_set_pressure_gets_the_same_advice_everywhere(client):
    """Cards said "comfortable", the routine "light, comfortable", the point page "Not stated
    by our sources: use light, comfortable pressure"."""
    point = make_point(pressure="", sides="both")

    pages = [
        client.get(point.get_absolute_url()).text,
        client.get(reverse("points:routine"), {"points": point.slug}).text,
        client.get(reverse("points:search"), {"q": point.code}).text,
    ]

    for page in pages:
        assert "Light, comfortable" in page

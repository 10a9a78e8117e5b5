"""Readers find the right point: the body map, complaints and body areas, combined filters,
search by any name, and the guided routine."""

import random
import re

import pytest
from django.db import connection
from django.urls import reverse

from points.models import Status
from tests.factories import make_article, make_condition, make_image, make_point, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def points():
    sciatica = make_condition(name="Sciatica", slug="sciatica")
    knee = make_condition(name="Knee pain", slug="knee-pain")
    bl40 = make_point(
        code="BL40",
        slug="bl40-weizhong",
        pinyin="Weizhong",
        english_name="Middle of the Crook",
        body_area="leg",
        where_short="behind the knee",
        map_view="back",
        map_x=40,
        map_y=71,
        position=10,
    )
    bl40.conditions.add(sciatica, knee)
    bl40.aliases.create(name="UB40")
    bl40.aliases.create(name="Commanding Middle", kind="article-name")
    bl23 = make_point(
        code="BL23",
        slug="bl23-shenshu",
        pinyin="Shenshu",
        english_name="Kidney Shu",
        body_area="lower-back",
        map_view="back",
        map_x=45,
        map_y=37,
        position=20,
        duration_min_seconds=60,
        duration_max_seconds=120,
    )
    bl23.conditions.add(sciatica)
    for alias in ["UB23", "B23", "V23", "Sea of Vitality"]:
        bl23.aliases.create(name=alias)
    cv6 = make_point(
        code="CV6",
        slug="cv6-qihai",
        pinyin="Qihai",
        english_name="Sea of Qi",
        body_area="abdomen",
        sides="midline",
        map_view="front",
        map_x=50,
        map_y=42,
        position=30,
        location="Below the navel, on the same line as BL23 would be if it were at the front.",
    )
    draft = make_point(
        code="GB30",
        slug="gb30-huantiao",
        pinyin="Huantiao",
        status=Status.DRAFT,
        body_area="leg",
        map_x=38,
        map_y=48,
    )
    draft.conditions.add(sciatica)
    return {"bl40": bl40, "bl23": bl23, "cv6": cv6, "draft": draft}


def marker_links(html):
    return re.findall(r'<a href="([^"]+)" class="marker[^"]*"(?: aria-label="([^"]+)")?', html)


class TestBodyMap:
    def test_home_map_links_every_published_point_and_no_draft(self, client, points):
        html = client.get(reverse("points:home")).text

        linked = {href for href, _ in marker_links(html)}

        assert linked == {
            p.get_absolute_url() for p in [points["bl40"], points["bl23"], points["cv6"]]
        }

    def test_markers_have_accessible_names(self, client, points):
        html = client.get(reverse("points:point-index")).text

        names = {label for _, label in marker_links(html) if label}

        assert "BL40 Weizhong, behind the knee" in names
        assert "CV6 Qihai, abdomen" in names

    def test_a_point_on_both_sides_far_apart_gets_a_second_link_out_of_the_tab_order(
        self, client, points
    ):
        make_point(code="LI4", slug="li4-hegu", map_view="front", map_x=24, map_y=53)
        html = client.get(reverse("points:home")).text

        li4 = re.findall(r'<a href="/points/li4-hegu/" class="marker[^>]*>', html)
        cv6 = re.findall(r'<a href="/points/cv6-qihai/" class="marker[^>]*>', html)

        assert len(li4) == 2
        assert sum('tabindex="-1" aria-hidden="true"' in m for m in li4) == 1
        assert len(cv6) == 1

    def test_sides_closer_than_a_fingertip_share_one_link_with_a_dot_on_each(self, client, points):
        html = client.get(reverse("points:home")).text

        bl40 = re.findall(r'<a href="/points/bl40-weizhong/" class="marker[^>]*>', html)

        assert len(bl40) == 1
        assert '<circle class="dot" cx="80.0" cy="284.0"' in html  # 40% across, 71% down
        assert '<circle class="dot" cx="120.0" cy="284.0"' in html  # and on the other leg

    def test_points_closer_than_a_fingertip_share_a_target_that_opens_a_chooser(
        self, client, points
    ):
        make_point(
            code="BL52", slug="bl52-zhishi", pinyin="Zhishi", map_view="back", map_x=40, map_y=37
        )
        html = client.get(reverse("points:home")).text

        group = re.search(r'<a href="#(map-back-\d+)" class="marker marker--group"[^>]*>', html)
        assert group is not None
        assert 'aria-label="2 points close together: BL23 Shenshu, BL52 Zhishi. Choose one"' in (
            group.group(0)
        )
        chooser = html[html.index(f'id="{group.group(1)}"') :].split("</div>")[0]
        assert 'href="/points/bl23-shenshu/"' in chooser
        assert 'href="/points/bl52-zhishi/"' in chooser
        assert not re.search(r'<a href="/points/bl(23|52)-\w+/" class="marker', html)

    def test_point_page_has_a_small_map_highlighting_the_point(self, client, points):
        html = client.get(points["bl40"].get_absolute_url()).text

        assert "Where it is on the body" in html
        assert 'class="marker marker--current"' in html
        assert 'class="dot dot--current"' in html


@pytest.mark.parametrize("size", ["full", "compact"])
def test_tap_targets_never_overlap_and_are_never_smaller_than_a_fingertip(size):
    """A full page of points (the home page and the index show 12) on both sides, spread over
    the figure at random: targets stay apart, inside the figure and large enough."""
    from points.body_map import (
        FIGURE_WIDTH,
        NARROWEST_FIGURE_PX,
        TARGET_MIN_PX,
        Marker,
        tap_targets,
    )

    class FakePoint:
        def __init__(self, pk):
            self.pk = pk

    spread = random.Random(17)  # noqa: S311 - a repeatable layout, not a secret
    markers = []
    for n in range(12):
        x, y = spread.uniform(40, 98), spread.uniform(0, 400)
        markers.append(Marker(FakePoint(n), x, y, mirrored=False, current=False))
        markers.append(Marker(FakePoint(n), 200 - x, y, mirrored=True, current=False))
    targets = tap_targets(markers, size=size)

    smallest = TARGET_MIN_PX * FIGURE_WIDTH / NARROWEST_FIGURE_PX[size]
    assert sum(len(target.markers) for target in targets) == 24
    for target in targets:
        assert min(target.width, target.height) >= smallest - 0.01
        assert min(target.x0, target.y0) >= 0
        assert target.x1 <= 200
        assert target.y1 <= 400
    for index, target in enumerate(targets):
        assert not any(target.overlaps(other) for other in targets[index + 1 :])


class TestBrowsing:
    def test_condition_page_lists_its_published_points_with_how_to_press(self, client, points):
        response = client.get(reverse("points:condition-detail", args=["sciatica"]))

        assert response.status_code == 200
        assert "BL40 Weizhong" in response.text
        assert "BL23 Shenshu" in response.text
        assert "Huantiao" not in response.text
        assert "How to press:" in response.text
        assert "1 to 2 minutes" in response.text

    def test_condition_index_counts_only_published_points(self, client, points):
        html = client.get(reverse("points:condition-index")).text

        assert re.search(r"Sciatica</a> <span class=\"muted\">\(2 points\)", html)

    def test_body_area_page(self, client, points):
        response = client.get(reverse("points:body-area-detail", args=["leg"]))

        assert response.status_code == 200
        assert "Points on the leg and knee" in response.text
        assert "BL40 Weizhong" in response.text
        assert "Shenshu" not in response.text

    @pytest.mark.parametrize(
        "url", ["/conditions/nothing/", "/body-areas/elbow/", "/body-areas/hand/"]
    )
    def test_unknown_or_empty_pages_are_404(self, client, points, url):
        assert client.get(url).status_code == 404

    def test_filters_combine_and_can_be_bookmarked(self, client, points):
        response = client.get(
            reverse("points:point-index"), {"area": "leg", "condition": "sciatica"}
        )

        assert response.status_code == 200
        assert "1 point matches your filters." in response.text
        assert "BL40 Weizhong" in response.text
        assert "Shenshu" not in response.text.split("On the body")[0]

    def test_one_filter_alone(self, client, points):
        response = client.get(reverse("points:point-index"), {"condition": "sciatica"})

        assert "2 points match your filters." in response.text

    def test_filters_matching_nothing_say_so(self, client, points):
        response = client.get(
            reverse("points:point-index"), {"area": "abdomen", "condition": "knee-pain"}
        )

        assert "No point matches both filters." in response.text

    def test_invalid_filter_values_are_a_400_with_a_message(self, client, points):
        response = client.get(reverse("points:point-index"), {"area": "elbow"})

        assert response.status_code == 400
        assert "We could not use those filters." in response.text


class TestSearch:
    @pytest.mark.parametrize(
        "query",
        [
            "BL23",
            "bl23",
            "bl 23",
            "BL-23",
            "UB23",
            "B23",
            "V23",
            "Shenshu",
            "kidney",
            "Sea of Vitality",
        ],
    )
    def test_every_name_of_a_point_finds_it_first(self, client, points, query):
        response = client.get(reverse("points:search"), {"q": query})

        results = response.context["results"].points
        assert results[0] == points["bl23"], query

    def test_an_exact_code_match_outranks_a_mention_in_the_text(self, client, points):
        results = client.get(reverse("points:search"), {"q": "BL23"}).context["results"].points

        assert results == [points["bl23"], points["cv6"]]

    def test_complaints_find_points_and_the_complaint_page(self, client, points):
        response = client.get(reverse("points:search"), {"q": "sciatica"})

        assert set(response.context["results"].points) == {points["bl40"], points["bl23"]}
        assert "/conditions/sciatica/" in response.text

    def test_complaints_with_only_draft_points_are_not_offered(self, client, points):
        points["draft"].conditions.add(make_condition(name="Hip tension", slug="hip-tension"))

        response = client.get(reverse("points:search"), {"q": "hip tension"})

        assert response.context["results"].conditions == []
        assert "/conditions/hip-tension/" not in response.text

    def test_drafts_are_never_found(self, client, points):
        assert client.get(reverse("points:search"), {"q": "Huantiao"}).context["results"].count == 0

    @pytest.mark.skipif(
        connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL"
    )
    def test_postgresql_full_text_search_matches_word_forms(self, client, points):
        points["cv6"].said_to_help = "The article says it relieves stiffness in the lower back."
        points["cv6"].save()

        results = client.get(reverse("points:search"), {"q": "relieving stiff backs"})

        assert points["cv6"] in results.context["results"].points

    def test_articles_are_found(self, client, points):
        make_article(title="Points for back pain relief")

        response = client.get(reverse("points:search"), {"q": "relief"})

        assert "Points for back pain relief" in response.text

    def test_no_results_suggest_close_matches(self, client, points):
        response = client.get(reverse("points:search"), {"q": "Shensu"})

        assert response.context["results"].count == 0
        assert "Did you mean" in response.text
        assert "Shenshu" in response.context["results"].suggestions

    @pytest.mark.parametrize(
        "query", ["", "x", "\x00\x00", "a" * 5000, "<script>alert(1)</script>"]
    )
    def test_odd_queries_are_handled(self, client, points, query):
        response = client.get(reverse("points:search"), {"q": query})

        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.text


class TestRoutine:
    def test_without_a_selection_it_follows_the_chosen_article(self, client, points):
        article = make_article(title="Back pain basics", is_site_routine=True)
        make_section(article, points=[points["cv6"]], position=1)
        make_section(article, points=[points["bl40"], points["bl23"]], position=2)

        response = client.get(reverse("points:routine"))

        steps = response.context["routine"].steps
        assert [step.point for step in steps] == [points["cv6"], points["bl40"], points["bl23"]]
        assert "The points of “Back pain basics”, in order" in response.text

    def test_the_readers_selection_lives_in_the_url(self, client, points):
        response = client.get(reverse("points:routine"), {"points": ["bl23-shenshu", "cv6-qihai"]})

        routine = response.context["routine"]
        assert [step.point.code for step in routine.steps] == ["BL23", "CV6"]
        # BL23: 120 s a side on both sides; CV6: no source gives a time, 60 s, one point.
        assert routine.total_seconds == 2 * 120 + 60
        assert "about 5 minutes" in response.text
        assert "120 seconds on each side (240 seconds in all)" in response.text
        assert "No source gives a time for this point" in response.text
        assert 'value="bl23-shenshu" checked' in response.text

    def test_unknown_points_in_the_link_are_named(self, client, points):
        response = client.get(
            reverse("points:routine"), {"points": ["bl23-shenshu", "gb30-huantiao"]}
        )

        assert response.status_code == 200
        assert "We could not find 1 of the points in this link (gb30-huantiao)" in response.text

    def test_a_link_with_no_known_points_is_a_400(self, client, points):
        response = client.get(reverse("points:routine"), {"points": ["nothing"]})

        assert response.status_code == 400
        assert "Choose your own points" in response.text

    def test_each_point_page_offers_a_routine_with_it(self, client, points):
        html = client.get(points["bl40"].get_absolute_url()).text

        assert "/routine/?points=bl40-weizhong" in html


@pytest.mark.parametrize(
    "url_name",
    [
        "points:home",
        "points:point-index",
        "points:condition-index",
        "points:search",
        "points:routine",
    ],
)
def test_page_queries_do_not_grow_with_points(
    render_client, django_assert_max_num_queries, django_assert_num_queries, url_name
):
    client = render_client

    def add_points(number):
        condition = make_condition()
        for _ in range(number):
            point = make_point(map_x=40, map_y=40)
            point.conditions.add(condition)
            point.aliases.create(name=f"Alias of {point.code}")
            make_image(point)

    params = {"q": "Pinyin"} if url_name == "points:search" else {}
    add_points(2)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse(url_name), params)
    add_points(8)
    with django_assert_num_queries(len(few)):
        client.get(reverse(url_name), params)


def test_the_sites_chinese_font_has_every_character_of_the_demo_points_names():
    from django.conf import settings

    fonts = settings.BASE_DIR / "static" / "fonts"
    covered = set((fonts / "acupoint-cjk.txt").read_text(encoding="utf-8").strip())
    demo = (settings.BASE_DIR / "fixtures" / "demo_content.json").read_text(encoding="utf-8")
    names = re.findall(r'"chinese_name": "([^"]*)"', demo)

    assert names
    assert set("".join(names)) <= covered
    assert (fonts / "acupoint-cjk.woff2").stat().st_size < 48 * 1024


def test_the_routine_can_be_reordered_with_plain_links(client, points):
    url = reverse("points:routine")
    response = client.get(url, {"points": ["bl23-shenshu", "cv6-qihai", "bl40-weizhong"]})

    html = response.text
    assert f'href="{url}?points=cv6-qihai&amp;points=bl23-shenshu&amp;points=bl40-weizhong"' in html
    assert f'href="{url}?points=bl23-shenshu&amp;points=bl40-weizhong&amp;points=cv6-qihai"' in html
    assert html.count("Move earlier <span") == 2
    assert html.count("Move later <span") == 2


def test_each_routine_step_shows_its_picture(client, points, django_assert_max_num_queries):
    make_image(points["bl23"], alt_text="Where BL23 is on the lower back")
    make_image(points["bl40"], alt_text="Where BL40 is behind the knee")

    with django_assert_max_num_queries(6):
        html = client.get(
            reverse("points:routine"), {"points": ["bl23-shenshu", "bl40-weizhong"]}
        ).text

    assert 'alt="Where BL23 is on the lower back"' in html
    assert 'alt="Where BL40 is behind the knee"' in html

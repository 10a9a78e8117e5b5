"""Readers find the right point: the body map, complaints and body areas, combined filters,
search by any name, and the guided routine."""

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

    def test_points_on_both_sides_get_a_second_marker_out_of_the_tab_order(self, client, points):
        html = client.get(reverse("points:home")).text

        bl40 = re.findall(r'<a href="/points/bl40-weizhong/"[^>]*>', html)
        cv6 = re.findall(r'<a href="/points/cv6-qihai/" class="marker[^>]*>', html)

        assert len([m for m in bl40 if "marker" in m]) == 2
        assert sum('tabindex="-1" aria-hidden="true"' in m for m in bl40) == 1
        assert len(cv6) == 1

    def test_marker_positions_follow_the_points_coordinates(self, client, points):
        html = client.get(reverse("points:home")).text

        assert '<circle cx="80.0" cy="284.0"' in html  # BL40 at 40% across, 71% down
        assert '<circle cx="120.0" cy="284.0"' in html  # and mirrored on the other leg

    def test_point_page_has_a_small_map_highlighting_the_point(self, client, points):
        html = client.get(points["bl40"].get_absolute_url()).text

        assert "Where it is on the body" in html
        assert 'class="marker marker--current"' in html


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

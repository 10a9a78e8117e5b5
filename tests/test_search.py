"""Search in a reader's own words: cautions are searched, everyday words find the site's
words, a search that finds nothing says so once and suggests only close spellings."""

import pytest
from django.urls import reverse

from points.everyday_words import edit_distance, search_terms
from tests.factories import make_article, make_condition, make_point, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def points():
    cv6 = make_point(
        code="CV6",
        slug="cv6-qihai",
        pinyin="Qihai",
        english_name="Sea of Qi",
        said_to_help="The article says it eases tension.",
        contraindications="Do not press during pregnancy.\nDo not press over a bruise.",
        cautions="Take care if you take blood thinners.",
    )
    bl40 = make_point(
        code="BL40",
        slug="bl40-weizhong",
        pinyin="Weizhong",
        english_name="Middle of the Crook",
        where_short="behind the knee",
        said_to_help="The article says it eases tension.",
    )
    bl40.conditions.add(make_condition(name="Sciatica", slug="sciatica"))
    bl23 = make_point(
        code="BL23",
        slug="bl23-shenshu",
        pinyin="Shenshu",
        english_name="Kidney Shu",
        said_to_help="The article says it helps lower back pain.",
    )
    li4 = make_point(
        code="LI4",
        slug="li4-hegu",
        pinyin="Hegu",
        english_name="Union Valley",
        said_to_help="The article says it eases tension.",
    )
    return {"cv6": cv6, "bl40": bl40, "bl23": bl23, "li4": li4}


def found(client, query):
    return client.get(reverse("points:search"), {"q": query}).context["results"]


@pytest.mark.parametrize(
    ("query", "point"),
    [
        ("pregnant", "cv6"),
        ("Pregnancy", "cv6"),
        ("bruised", "cv6"),
        ("blood thinners", "cv6"),
        ("warfarin", "cv6"),
        ("backache", "bl23"),
        ("sore back", "bl23"),
        ("sciatic", "bl40"),
        ("knee", "bl40"),
        ("knees", "bl40"),
    ],
)
def test_everyday_words_and_cautions_find_the_point(client, points, query, point):
    assert points[point] in found(client, query).points


def test_a_caution_does_not_find_points_without_it(client, points):
    assert found(client, "pregnant").points == [points["cv6"]]


def test_a_misspelt_name_suggests_the_close_spelling_only(client, points):
    response = client.get(reverse("points:search"), {"q": "shensu"})

    assert response.context["results"].suggestions == ["Shenshu"]
    assert "Did you mean" in response.text
    assert 'href="/search/?q=Shenshu"' in response.text
    assert "Hegu" not in response.text


@pytest.mark.parametrize("query", ["xyzzy", "hedge", "shenanigans"])
def test_words_that_merely_share_letters_suggest_nothing(client, points, query):
    assert found(client, query).suggestions == []


def test_a_misspelt_word_of_a_name_suggests_the_name(client, points):
    assert found(client, "kidny").suggestions == ["Kidney Shu"]


def test_nothing_found_is_said_once_and_the_query_is_in_one_box(client, points):
    html = client.get(reverse("points:search"), {"q": "xyzzy"}).text

    assert html.count("Nothing matched “xyzzy”.") == 1
    assert "0 results" not in html
    assert html.count('value="xyzzy"') == 1  # the page's own box; the header's stays empty


def test_results_are_counted_once(client, points):
    html = client.get(reverse("points:search"), {"q": "knee"}).text

    assert "1 result for “knee”." in html
    assert "Nothing matched" not in html


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("knees", ["knees", "knee"]),
        ("injuries", ["injuries", "injury"]),
        ("pregnant", ["pregnant", "pregnancy"]),
        ("stress", ["stress"]),
    ],
)
def test_search_terms(query, terms):
    assert search_terms(query) == terms


@pytest.mark.parametrize(
    ("first", "second", "distance"),
    [("shensu", "shenshu", 1), ("kidny", "kidney", 1), ("bl32", "bl23", 1), ("hegu", "shensu", 3)],
)
def test_edit_distance(first, second, distance):
    assert edit_distance(first, second) == distance


def test_an_article_result_leads_to_the_sections_that_match(client):
    article = make_article(title="Points for back pain", intro="An introduction.")
    make_section(article, heading="Shenmai, outside the ankle", body="Press below the ankle.")
    make_section(article, heading="Weizhong", body="Behind the knee.", position=40)

    html = client.get(reverse("points:search"), {"q": "ankle"}).text

    assert f'href="{article.get_absolute_url()}"' in html
    sections = html.split('<ul class="matching-sections">', 1)[1].split("</ul>", 1)[0]
    assert "Shenmai, outside the ankle" in sections
    assert f'href="{article.get_absolute_url()}#section-' in sections
    assert "Weizhong" not in sections

"""What readers act on is safe, sourced and the same everywhere (issue 13): every page where
people press shows the emergency signs and that point's cautions, the site's own pressure
advice is never "strong", and the demo content carries the reviewed facts."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from points.models import Article, Disclaimer, Point, Pressure

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo_content", verbosity=0)
    return Article.objects.get()


def point(code):
    return Point.objects.get(code=code)


def without_collapsed_parts(html):
    """The page as a reader sees it before opening anything: <details> bodies removed."""
    return re.sub(r"<details.*?</details>", "", html, flags=re.DOTALL)


def assert_warning_signs_on(html):
    disclaimer = Disclaimer.current()
    assert disclaimer.emergency_sign_list
    assert disclaimer.see_a_doctor_sign_list
    assert "Call an ambulance or go to A&amp;E now" in html
    assert "See a doctor soon if" in html
    for sign in disclaimer.emergency_sign_list + disclaimer.see_a_doctor_sign_list:
        assert f"<li>{escape(sign)}</li>" in html, sign


def assert_cautions_on(html, point):
    assert point.contraindication_list, point.code
    for item in point.contraindication_list + point.caution_list:
        assert f"<li>{escape(item)}</li>" in html, (point.code, item)


class TestWhereReadersPress:
    def test_every_published_point_page_shows_the_warning_signs_and_its_cautions(
        self, client, demo
    ):
        points = list(Point.objects.published())
        assert len(points) == 10

        for each in points:
            html = client.get(each.get_absolute_url()).text
            assert_warning_signs_on(html)
            assert_cautions_on(html, each)
            # Near the cautions: the signs come right after them, before where the point is.
            assert (
                html.index("Before you press: cautions")
                < html.index("Call an ambulance or go to A&amp;E now")
                < html.index('id="where-title"')
            )

    def test_the_routine_shows_the_warning_signs_first_and_every_caution_open(self, client, demo):
        html = client.get(reverse("points:routine")).text
        shown = without_collapsed_parts(html)

        assert_warning_signs_on(shown)
        assert shown.index("Call an ambulance") < shown.index('class="routine__steps"')
        steps = demo.linked_points()
        assert len(steps) == 10
        for each in steps:
            assert_cautions_on(shown, each)

    def test_a_chosen_routine_shows_its_points_cautions_too(self, client, demo):
        url = reverse("points:routine") + "?points=bl40-weizhong&points=li4-hegu"
        shown = without_collapsed_parts(client.get(url).text)

        assert_warning_signs_on(shown)
        assert_cautions_on(shown, point("BL40"))
        assert_cautions_on(shown, point("LI4"))

    def test_the_article_the_complaints_and_the_disclaimer_show_the_same_signs(self, client, demo):
        urls = [demo.get_absolute_url(), reverse("points:disclaimer")]
        urls += [
            reverse("points:condition-detail", args=[slug]) for slug in ("sciatica", "hip-pain")
        ]
        for url in urls:
            assert_warning_signs_on(client.get(url).text)

    def test_an_editor_changes_the_signs_in_one_place_and_every_page_follows(self, client, demo):
        urls = [
            point("BL23").get_absolute_url(),
            reverse("points:routine"),
            demo.get_absolute_url(),
            reverse("points:disclaimer"),
        ]
        for url in urls:
            client.get(url)  # cached
        disclaimer = Disclaimer.objects.get()
        disclaimer.emergency_signs += "\nA sign an editor added."
        disclaimer.save()

        for url in urls:
            assert "<li>A sign an editor added.</li>" in client.get(url).text, url


class TestTheSitesOwnAdvice:
    def test_the_site_never_advises_strong_pressure(self, demo):
        assert "strong" not in Pressure.values
        assert point("CV6").pressure == Pressure.GENTLE
        assert point("LI4").pressure == Pressure.MEDIUM
        assert point("BL40").pressure == Pressure.GENTLE

    def test_li4_follows_one_instruction_and_quotes_both(self, client, demo):
        li4 = point("LI4")

        assert (li4.duration_min_seconds, li4.duration_max_seconds) == (60, 120)
        assert (li4.repetitions_min, li4.repetitions_max) == (None, None)
        html = client.get(li4.get_absolute_url()).text
        assert "for 1 up to 2 minutes and you can repeat the process if required." in html
        assert "apply strong pressure on this point for several seconds." in html
        assert "The words in quotation marks are the article’s" in html

    def test_cards_search_and_routine_give_the_same_advice(self, client, demo):
        search = client.get(reverse("points:search"), {"q": "LI4"}).text
        routine = client.get(reverse("points:routine") + "?points=li4-hegu").text

        assert "Medium pressure, 1 to 2 minutes" in search
        assert "Medium pressure" in routine
        assert "120 seconds on each side" in routine
        for html in (search, routine, client.get(reverse("points:home")).text):
            assert "Strong pressure" not in html


class TestCorrectedFacts:
    def test_cautions_the_review_found_missing(self, demo):
        assert "pregnan" in point("BL53").contraindications
        assert "BL60" in point("BL62").contraindications
        assert "pregnan" in point("BL62").contraindications
        for code in ("BL23", "BL52", "BL53"):
            assert "osteoporosis" in point(code).contraindications, code
        cv6 = point("CV6").contraindications
        assert "surgery on your belly" in cv6
        assert "hernia" in cv6
        assert "throbs" in cv6
        for each in Point.objects.all():
            assert "tumour" in each.contraindications, each.code
            assert "varicose veins" in each.contraindications, each.code
        bl40 = point("BL40")
        assert "swollen" in bl40.contraindications
        assert "varicose" not in bl40.cautions

    def test_locations(self, demo):
        lr3 = point("LR3")
        assert "in front of the place where the two bones meet" in lr3.location
        assert "finger-widths" not in lr3.location + lr3.how_to_find
        ki1 = point("KI1")
        assert "web between the second and third toes" in ki1.location
        assert "base of the second toe" not in ki1.location + ki1.how_to_find + ki1.summary
        assert ki1.map_view == "front"
        assert float(ki1.map_y) > 97  # under the front of the foot, not the heel (back view)

    def test_gb30_is_its_own_point_and_section_3_is_bl53(self, demo):
        gb30 = point("GB30")
        assert "Hipbone Points" not in gb30.aliases.values_list("name", flat=True)
        assert "Hipbone Points" in point("BL53").aliases.values_list("name", flat=True)
        assert gb30.pressure == ""
        assert not gb30.conditions.filter(slug="pelvic-tension").exists()

    def test_bl62s_main_uses(self, demo):
        assert "sleep problems, epilepsy and eye problems as its main" in point("BL62").said_to_help

    def test_the_study_is_stated_fully_with_its_link(self, client, demo):
        note = demo.intro_note
        for fact in (
            "three groups",
            "67",
            "relaxing acupressure (22 people)",
            "stimulating acupressure (22)",
            "usual care (23)",
            "35-36%",
            "Fatigue improved with stimulating acupressure",
            "sleep and disability did not differ",
            "preliminary",
        ):
            assert fact in note, fact
        assert "point sets" not in note  # which points the trial used: no source here
        assert (
            'href="https://doi.org/10.1093/pm/pnz138"' in client.get(demo.get_absolute_url()).text
        )

    def test_the_summary_counts_what_the_article_covers(self, demo):
        assert "11 acupressure points" not in demo.summary
        assert "8 standard points" in demo.summary


class TestSourcesAndReview:
    def test_each_point_lists_at_least_two_linked_sources(self, client, demo):
        for each in Point.objects.published():
            references = [c.reference for c in each.citations.all()]
            linked = [ref for ref in references if ref.link.startswith("https://")]
            assert len(linked) >= 2, each.code
            html = client.get(each.get_absolute_url()).text
            for ref in linked:
                assert f'href="{escape(ref.link)}"' in html, (each.code, ref.link)

    def test_every_review_date_names_who_reviewed_and_their_role(self, client, demo):
        pages = [*Point.objects.published(), demo]
        for page in pages:
            assert page.last_reviewed, page
            assert page.reviewer, page
            html = client.get(page.get_absolute_url()).text
            assert "by the editorial team, site editors, not medical professionals." in html

    def test_the_home_page_says_what_was_checked_and_by_whom(self, client, demo):
        html = client.get(reverse("points:home")).text

        assert "What we checked, and who:" in html
        assert "against the references listed on its page" in html
        assert "the editorial team (site editors, not medical professionals)" in html

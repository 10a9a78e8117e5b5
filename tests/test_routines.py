"""Routines belong to what they follow: every article that links points has its own guided
routine at its own address, naming it; the site-wide /routine/ follows the article editors
chose, never the latest published; editors set a routine's order and times in the article's
admin without touching its sections."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from points.models import Article, PendingChange, RoutineStep, Status
from tests.factories import make_article, make_point, make_section
from tests.test_drafts import change_form_and_html, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def bl23():
    return make_point(code="BL23", slug="bl23-shenshu", duration_max_seconds=120, sides="both")


@pytest.fixture
def cv6():
    return make_point(code="CV6", slug="cv6-qihai", sides="single")


@pytest.fixture
def gb30():
    return make_point(code="GB30", slug="gb30-huantiao")


@pytest.fixture
def article(bl23, cv6):
    """“Back pain basics”: a section on CV6, then one on BL23."""
    article = make_article(title="Back pain basics", slug="back-pain-basics")
    make_section(article, points=[cv6], position=1)
    make_section(article, points=[bl23], position=2)
    return article


def codes(response):
    return [step.point.code for step in response.context["routine"].steps]


def with_steps(data, article, *steps):
    """The change form's data with the routine steps (point, position, seconds) in place of
    those it had."""
    data = {key: value for key, value in data.items() if not key.startswith("routine_steps-")}
    data |= {
        "routine_steps-TOTAL_FORMS": [str(len(steps))],
        "routine_steps-INITIAL_FORMS": ["0"],
        "routine_steps-MIN_NUM_FORMS": ["0"],
        "routine_steps-MAX_NUM_FORMS": ["1000"],
    }
    for index, (point, position, seconds) in enumerate(steps):
        data |= {
            f"routine_steps-{index}-id": [""],
            f"routine_steps-{index}-article": [str(article.pk)],
            f"routine_steps-{index}-point": [str(point.pk)],
            f"routine_steps-{index}-position": [str(position)],
            f"routine_steps-{index}-seconds_per_side": ["" if seconds is None else str(seconds)],
        }
    return data


def save_steps(client, article, *steps, **changes):
    data, _ = change_form_and_html(client, article)
    return client.post(change_url(article), with_steps(data, article, *steps) | changes)


def step_errors(response):
    formsets = response.context["inline_admin_formsets"]
    routine = next(f for f in formsets if f.formset.prefix == "routine_steps").formset
    return [message for form in routine.forms for message in form.errors.get("point", [])] + [
        message for form in routine.forms for message in form.errors.get("seconds_per_side", [])
    ]


class TestTheArticlesOwnRoutine:
    def test_has_its_own_address_naming_the_article_with_its_points_in_reading_order(
        self, client, article
    ):
        url = reverse("points:article-routine", kwargs={"slug": "back-pain-basics"})
        assert article.routine_url() == url == "/articles/back-pain-basics/routine/"

        response = client.get(url)

        assert response.status_code == 200
        assert codes(response) == ["CV6", "BL23"]
        assert "<h1>Guided routine: Back pain basics</h1>" in response.text
        assert "The points of “Back pain basics”, in order: 2 points" in response.text
        assert f'href="{article.get_absolute_url()}">Back pain basics</a>' in response.text
        assert "<title>Guided routine: Back pain basics |" in response.text

    def test_the_article_page_links_to_it(self, client, article):
        html = client.get(article.get_absolute_url()).text
        assert f'href="{article.routine_url()}"' in html

    def test_an_article_without_points_has_none(self, client):
        article = make_article(slug="no-points")
        make_section(article)

        assert client.get(article.routine_url()).status_code == 404
        assert article.routine_url() not in client.get(article.get_absolute_url()).text

    def test_a_draft_articles_routine_is_for_editors_only_and_never_kept(
        self, client, editor_client, article
    ):
        Article.objects.filter(pk=article.pk).update(status=Status.DRAFT)

        assert client.get(article.routine_url()).status_code == 404
        response = editor_client.get(article.routine_url())
        assert response.status_code == 200
        assert "no-cache" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex"

    def test_an_unknown_article_is_a_404(self, client):
        assert client.get("/articles/nothing/routine/").status_code == 404


class TestTheSitesRoutine:
    def test_follows_the_chosen_article_after_a_second_is_published(self, client, article, gb30):
        Article.objects.filter(pk=article.pk).update(is_site_routine=True)
        newer = make_article(title="Sciatica", slug="sciatica")
        make_section(newer, points=[gb30])

        response = client.get(reverse("points:routine"))

        assert codes(response) == ["CV6", "BL23"]
        assert response.context["article"] == article
        assert "<h1>Guided routine: Back pain basics</h1>" in response.text
        assert "The points of “Back pain basics”, in order: 2 points" in response.text

    def test_with_none_chosen_it_lists_the_articles_routines_never_the_latest(
        self, client, article, gb30
    ):
        newer = make_article(title="Sciatica", slug="sciatica")
        make_section(newer, points=[gb30])
        make_article(title="No points at all", slug="no-points")

        response = client.get(reverse("points:routine"))

        assert response.status_code == 200
        assert response.context["routine"].steps == []
        assert "Our editors have not chosen one routine for the whole site" in response.text
        assert f'href="{newer.routine_url()}">Guided routine: Sciatica</a>' in response.text
        assert f'href="{article.routine_url()}">Guided routine: Back pain basics' in response.text
        assert "No points at all" not in response.text
        assert "Choose your own points" in response.text

    def test_a_chosen_article_not_yet_published_is_not_shown(self, client, article):
        Article.objects.filter(pk=article.pk).update(is_site_routine=True, status=Status.DRAFT)

        response = client.get(reverse("points:routine"))

        assert response.status_code == 200
        assert response.context["article"] is None
        assert "Our editors have not chosen one routine" in response.text

    def test_the_readers_own_routine_still_works(self, client, article):
        Article.objects.filter(pk=article.pk).update(is_site_routine=True)

        response = client.get(reverse("points:routine"), {"points": ["bl23-shenshu"]})

        assert codes(response) == ["BL23"]
        assert "Your routine: 1 point" in response.text
        assert "Back pain basics" not in response.text

    def test_only_one_article_is_the_sites_routine(self, article):
        Article.objects.filter(pk=article.pk).update(is_site_routine=True)
        other = make_article(title="Sciatica")
        other.is_site_routine = True

        with pytest.raises(ValidationError) as refused:
            other.full_clean()
        assert refused.value.message_dict["is_site_routine"] == [
            "“Back pain basics” is the site's guided routine now. Untick “Use as the site's "
            "guided routine” on that article first, then choose this one."
        ]
        with pytest.raises(IntegrityError), transaction.atomic():
            other.save()

    def test_choosing_it_in_the_admin(self, editor_client, client, article):
        data, _ = change_form_and_html(editor_client, article)
        response = editor_client.post(change_url(article), data | {"is_site_routine": ["on"]})
        assert response.status_code == 302
        assert client.get(reverse("points:routine")).context["article"] == article

        other = make_article(title="Sciatica")
        data, _ = change_form_and_html(editor_client, other)
        response = editor_client.post(change_url(other), data | {"is_site_routine": ["on"]})
        assert response.status_code == 200
        assert "“Back pain basics” is the site&#x27;s guided routine now." in response.text

    def test_the_demo_chooses_its_article_and_a_refresh_keeps_the_editors_choice(self):
        call_command("load_demo_content", stdout=StringIO())
        demo = Article.objects.get()
        assert demo.is_site_routine
        response = Client().get(reverse("points:routine"))
        assert response.context["article"] == demo
        assert len(response.context["routine"].steps) == 10

        Article.objects.update(is_site_routine=False)
        chosen = make_article(title="Chosen", is_site_routine=True)
        call_command("load_demo_content", stdout=StringIO())
        assert list(Article.objects.filter(is_site_routine=True)) == [chosen]


class TestTheEditorsOrderAndTimes:
    def test_override_the_sections_order_and_the_points_times(
        self, editor_client, client, article, bl23, cv6
    ):
        response = save_steps(editor_client, article, (bl23, 1, 90), (cv6, 2, None))
        assert response.status_code == 302

        routine = client.get(article.routine_url())
        steps = routine.context["routine"].steps
        assert [(s.point.code, s.seconds_per_side) for s in steps] == [("BL23", 90), ("CV6", 60)]
        assert "90 seconds on each side (180 seconds in all)" in routine.text
        assert "Our editors set this time for this routine." in routine.text
        # The sections and their text are as they were.
        assert [s.points.get().code for s in article.sections.all()] == ["CV6", "BL23"]

    def test_a_step_may_name_a_point_added_to_a_section_in_the_same_save(
        self, editor_client, article, gb30
    ):
        data, _ = change_form_and_html(editor_client, article)
        data["sections-0-points"] = [*data["sections-0-points"], str(gb30.pk)]

        response = editor_client.post(change_url(article), with_steps(data, article, (gb30, 1, 30)))

        assert response.status_code == 302
        assert [step.point for step in article.routine_steps.all()] == [gb30]

    def test_a_point_no_section_links_is_refused_plainly(self, editor_client, article, gb30):
        response = save_steps(editor_client, article, (gb30, 1, None))

        assert response.status_code == 200
        assert step_errors(response) == [
            "No section of this article links GB30. Add it to a section's points first (the "
            "routine follows what the article is about), or remove this step."
        ]
        assert not RoutineStep.objects.exists()

    def test_a_draft_point_is_refused_plainly(self, editor_client, article, bl23):
        bl23.status = Status.DRAFT
        bl23.save()

        response = save_steps(editor_client, article, (bl23, 1, None))

        assert step_errors(response) == [
            "BL23 is not published, so readers cannot open it. Publish the point first, or "
            "leave it out of the routine."
        ]

    def test_a_point_twice_is_refused_plainly(self, editor_client, article, bl23):
        response = save_steps(editor_client, article, (bl23, 1, None), (bl23, 2, None))

        assert step_errors(response) == [
            "BL23 is already in this routine (at position 1). A point comes once: remove this step."
        ]

    @pytest.mark.parametrize(
        ("seconds", "message"),
        [
            (0, "Give at least 5 seconds."),
            (601, "Give at most 600 seconds (ten minutes) on each side."),
            (-3, "Give at least 5 seconds."),
        ],
    )
    def test_times_must_be_sensible(self, editor_client, article, bl23, seconds, message):
        response = save_steps(editor_client, article, (bl23, 1, seconds))

        assert response.status_code == 200
        assert message in step_errors(response)
        assert not RoutineStep.objects.exists()

    def test_a_point_unpublished_later_leaves_the_routine(self, client, article, bl23, cv6):
        RoutineStep.objects.create(article=article, point=bl23, position=1)
        RoutineStep.objects.create(article=article, point=cv6, position=2)
        bl23.status = Status.DRAFT
        bl23.save()

        assert codes(client.get(article.routine_url())) == ["CV6"]

    def test_a_change_makes_the_cached_routine_stale(self, client, article, bl23, cv6):
        Article.objects.filter(pk=article.pk).update(is_site_routine=True)
        for url in (article.routine_url(), reverse("points:routine")):
            assert client.get(url)["X-Page-Cache"] == "miss"
            assert Client().get(url)["X-Page-Cache"] == "hit"

        step = RoutineStep.objects.create(article=article, point=bl23, position=1)

        for url in (article.routine_url(), reverse("points:routine")):
            response = Client().get(url)
            assert response["X-Page-Cache"] == "miss"
            assert codes(response) == ["BL23"]
        RoutineStep.objects.filter(pk=step.pk).update(seconds_per_side=30)
        assert Client().get(article.routine_url()).context["routine"].total_seconds == 60

    def test_a_draft_of_routine_changes_does_not_go_live(
        self, editor_client, client, article, bl23, cv6
    ):
        data, _ = change_form_and_html(editor_client, article)
        data = with_steps(data, article, (bl23, 1, 45))
        response = editor_client.post(change_url(article), data | {"_save_draft": "x"})

        assert response.status_code == 302
        assert PendingChange.objects.of(article) is not None
        assert not RoutineStep.objects.exists()
        assert codes(client.get(article.routine_url())) == ["CV6", "BL23"]

    def test_a_revision_of_the_article_holds_its_routine_and_a_restore_brings_back_the_order(
        self, editor_client, client, article, bl23, cv6
    ):
        save_steps(editor_client, article, (bl23, 1, None), (cv6, 2, None))
        first = Version.objects.get_for_object(article).order_by("pk").last()
        data, _ = change_form_and_html(editor_client, article)
        data |= {"routine_steps-0-position": ["3"], "routine_steps-0-seconds_per_side": ["20"]}
        assert editor_client.post(change_url(article), data).status_code == 302
        assert codes(client.get(article.routine_url())) == ["CV6", "BL23"]

        history = editor_client.get(reverse("admin:points_article_history", args=[article.pk])).text
        assert (
            "Guided routine: changed position, seconds on each side of “1. BL23” (now “3. BL23”)."
            in history
        )

        response = editor_client.post(
            reverse("admin:points_article_restore", args=[article.pk, first.pk])
        )

        assert response.status_code == 302
        routine = Client().get(article.routine_url())
        assert codes(routine) == ["BL23", "CV6"]
        assert routine.context["routine"].steps[0].seconds_per_side == 120


def test_a_routines_old_address_keeps_working_when_the_slug_changes(client, article):
    article.slug = "back-pain-first-steps"
    article.save()

    response = client.get("/articles/back-pain-basics/routine/")

    assert response.status_code == 301
    assert response["Location"] == "/articles/back-pain-first-steps/routine/"


def test_the_sitemap_lists_each_articles_routine(client, article):
    make_article(slug="no-points")

    xml = client.get("/sitemap.xml").text

    assert "/articles/back-pain-basics/routine/</loc>" in xml
    assert "/articles/no-points/routine/" not in xml


def test_a_deleted_article_comes_back_from_the_trash_with_its_routine(
    editor_client, client, article, bl23, cv6
):
    RoutineStep.objects.create(article=article, point=bl23, position=1, seconds_per_side=30)
    RoutineStep.objects.create(article=article, point=cv6, position=2)
    url = reverse("admin:points_article_delete", args=[article.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
    assert not RoutineStep.objects.exists()
    assert client.get("/articles/back-pain-basics/routine/").status_code == 410

    trash = reverse("admin:trash")
    assert editor_client.post(trash, {"item": f"article:{article.pk}"}).status_code == 302

    routine = client.get(article.routine_url())
    assert codes(routine) == ["BL23", "CV6"]
    assert routine.context["routine"].steps[0].seconds_per_side == 30


def test_an_articles_routine_reads_its_points_in_a_fixed_number_of_queries(
    client, settings, article, django_assert_max_num_queries
):
    """The routine shows each point's cautions, posture and steps; the article's points are
    fetched as cards (for_cards()), so each of those columns must not cost a query a point."""
    settings.PAGE_CACHE_ENABLED = False
    Article.objects.filter(pk=article.pk).update(is_site_routine=True)
    for n in range(6):
        make_section(article, points=[make_point(code=f"GB{40 + n}", slug=f"gb{40 + n}")])
    client.get(article.routine_url())  # the first render also reads the shared site data

    with django_assert_max_num_queries(10):
        response = client.get(article.routine_url())
    with django_assert_max_num_queries(10):
        site = client.get(reverse("points:routine"))

    assert len(response.context["routine"].steps) == 8
    assert len(site.context["routine"].steps) == 8


def test_a_routine_of_the_editors_steps_reads_its_points_pictures_in_one_query(
    client, settings, article, django_assert_max_num_queries
):
    """Each step shows its point's first picture; the editors' steps fetched their points
    without them, so each step cost a query (19 for 12 steps)."""
    settings.PAGE_CACHE_ENABLED = False
    for n in range(12):
        point = make_point(code=f"GB{40 + n}", slug=f"gb{40 + n}")
        make_section(article, points=[point])
        RoutineStep.objects.create(article=article, point=point, position=n)
    client.get(article.routine_url())  # the first render also reads the shared site data

    with django_assert_max_num_queries(10):
        response = client.get(article.routine_url())

    assert len(response.context["routine"].steps) == 12

"""Findings of a fresh-eyes review of the editors' side, each as a test that fails today."""

import reversion
from django.urls import reverse
from reversion.models import Version

from points.models import Point, PointReference, Reference, Reviewer, RoutineStep
from points.revisions import snapshots_of
from tests.factories import make_article, make_point, make_section
from tests.pages import change_form

TRASH = reverse("admin:trash")


def delete(client, obj):
    url = reverse(f"admin:points_{obj._meta.model_name}_delete", args=[obj.pk])
    return client.post(url, {"post": "yes"})


def recover(client, obj):
    return client.post(TRASH, {"item": f"{obj._meta.model_name}:{obj.pk}"})


def save(client, obj, **changes):
    url, data = change_form(client, obj)
    response = client.post(url, data | changes)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_a_recovered_point_comes_back_in_the_articles_guided_routine(editor_client, point):
    article = make_article(title="Back pain", slug="back-pain")
    other = make_point(code="CV6", slug="cv6-qihai")
    make_section(article, points=[point, other])
    RoutineStep.objects.create(article=article, point=other, position=1)
    RoutineStep.objects.create(article=article, point=point, position=2, seconds_per_side=90)

    delete(editor_client, point)
    response = recover(editor_client, point)

    assert response.status_code == 302
    steps = list(article.routine_steps.values_list("point__code", "seconds_per_side"))
    assert steps == [("CV6", None), ("BL23", 90)]


def test_the_point_delete_page_says_it_leaves_articles_guided_routines(editor_client, point):
    article = make_article(title="Back pain", slug="back-pain")
    make_section(article, points=[point])
    RoutineStep.objects.create(article=article, point=point, position=1)

    page = editor_client.get(reverse("admin:points_point_delete", args=[point.pk]))

    assert "routine" in page.text.lower()


def test_restoring_a_version_whose_source_was_taken_off_and_cited_again_works(editor_client, point):
    reference = Reference.objects.create(title="A trial", authors="Lee", year=2020)
    first = PointReference.objects.create(point=point, reference=reference)
    save(editor_client, point, how_to_find="Version one.")
    version_one = Version.objects.get_for_object(point).order_by("pk").last()
    # The source taken off the page, then cited again: a new row for the same source.
    first.delete()
    with reversion.create_revision():
        PointReference.objects.create(point=point, reference=reference)
        point.how_to_find = "Version two."
        point.save()

    url = reverse("admin:points_point_restore", args=[point.pk, version_one.pk])
    response = editor_client.post(url)

    assert response.status_code == 302, response.text[response.text.find("errornote") :][:400]
    point.refresh_from_db()
    assert point.how_to_find == "Version one."
    assert list(point.citations.values_list("reference__title", flat=True)) == ["A trial"]


def test_a_recovered_reviewer_is_named_again_on_the_pages_they_reviewed(editor_client, point):
    reviewer = Reviewer.objects.create(name="Dr Ada Chen", credential="Physiotherapist")
    Point.objects.filter(pk=point.pk).update(last_reviewed="2026-10-01", reviewer=reviewer)

    delete(editor_client, reviewer)
    response = recover(editor_client, reviewer)

    assert response.status_code == 302
    point.refresh_from_db()
    assert point.reviewer_id == reviewer.pk


def test_moderating_a_comment_number_that_is_not_a_number_is_not_a_server_error(
    editor_client, point
):
    response = editor_client.post(reverse("admin:points_comment_moderate"), {"approve": "²"})

    assert response.status_code in {302, 400}


def test_a_comment_form_with_a_superscript_point_number_is_not_a_server_error(db, client):
    from tests.pages import post_comment

    article = make_article(title="Back pain", slug="back-pain")
    bl23 = make_point(code="BL23", slug="bl23-shenshu")
    make_section(article, points=[bl23])

    response = post_comment(client, article, outcome="helped", points="²")

    assert response.status_code < 500


def test_deleting_a_condition_does_not_add_a_version_to_its_points_history(editor_client, point):
    from tests.factories import make_condition

    condition = make_condition(name="Sciatica", slug="sciatica")
    point.conditions.add(condition)
    point.aliases.create(name="UB23")
    save(editor_client, point, change_note="Checked")
    history = reverse("admin:points_point_history", args=[point.pk])
    versions_before = len(snapshots_of(point))

    delete(editor_client, condition)

    assert len(snapshots_of(point)) == versions_before
    assert "removed" not in editor_client.get(history).text


def test_restoring_the_newest_version_in_the_history_keeps_the_points_pictures(
    editor_client, point
):
    from tests.factories import make_condition

    condition = make_condition(name="Sciatica", slug="sciatica")
    point.conditions.add(condition)
    save(editor_client, point, change_note="Checked")
    delete(editor_client, condition)
    recover(editor_client, condition)
    newest = Version.objects.get_for_object(point).order_by("-pk")[1]  # before the recovery

    editor_client.post(reverse("admin:points_point_restore", args=[point.pk, newest.pk]))

    assert point.pictures.count() == 1


def test_restoring_the_site_routine_while_another_article_is_it_says_why(editor_client):
    from points.models import Article

    first = make_article(title="First", slug="first", is_site_routine=True)
    with reversion.create_revision():
        first.save()
    old = Version.objects.get_for_object(first).get()
    Article.objects.filter(pk=first.pk).update(is_site_routine=False)
    make_article(title="Second", slug="second", is_site_routine=True)

    url = reverse("admin:points_article_restore", args=[first.pk, old.pk])
    response = editor_client.post(url)

    assert response.status_code == 409
    assert "Second" in response.text  # names the article that is the site's routine now


def test_previewing_a_draft_on_the_site_leaves_no_save_warnings_for_later(editor_client, point):
    from django.contrib.messages import get_messages

    from tests.test_drafts import save_draft

    save_draft(editor_client, point, location="Beside [[ZZ99]].")
    list(get_messages(editor_client.get(reverse("admin:index")).wsgi_request))  # read them

    preview = editor_client.get(f"{point.get_absolute_url()}?draft=1")
    assert preview.status_code == 200
    later = editor_client.get(reverse("admin:points_picture_changelist"))

    assert [str(m) for m in later.context["messages"]] == []


def test_staff_who_may_not_see_points_do_not_see_a_draft_point(django_user_model, client):
    from django.test import Client

    from points.models import Status

    draft = make_point(code="GV4", slug="gv4-mingmen", status=Status.DRAFT)
    staff = django_user_model.objects.create_user(username="moe", is_staff=True)
    browser = Client()
    browser.force_login(staff)  # staff, with no permission on points at all

    assert browser.get(draft.get_absolute_url()).status_code == 404


def test_an_article_form_with_a_non_number_for_a_sections_point_is_not_a_server_error(
    editor_client, point
):
    article = make_article(title="Back pain", slug="back-pain")
    make_section(article, points=[point])
    url, data = change_form(editor_client, article)

    response = editor_client.post(url, data | {"sections-0-points": ["x"]})

    assert response.status_code == 200  # the form again, saying what to fix

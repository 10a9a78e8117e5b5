"""Page fragments (points/fragments.py): a page the whole-page cache does not have is put
together from cached pieces, which must be exactly the page rendered in full, and never stale."""

import re
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from points.fragments import Fragments
from points.models import Comment, CommentStatus, Point, ResultReport, Status
from tests.factories import make_article, make_condition, make_image, make_point, make_section
from tests.pages import form_token, without_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def point(settings):
    settings.COMMENTS_PER_PAGE = 5
    point = make_point(code="BL23", pinyin="Shenshu", summary="Two finger-widths from the spine.")
    point.conditions.add(make_condition(name="Sciatica", slug="sciatica"))
    make_image(point, alt_text="BL23 beside the spine")
    make_image(point, alt_text="Pressing BL23 with the thumbs")
    for number in range(7):
        approve_comment(point, f"Reader {number}", f"Comment number {number}.")
    return point


@pytest.fixture
def article(point):
    article = make_article(title="Points for back pain")
    make_section(article, points=[point], heading="Shenshu", body="Press it gently.")
    return article


def approve_comment(point, name, text):
    comment = Comment.objects.create(
        point=point, name=name, text=text, status=CommentStatus.APPROVED, client_hash="x"
    )
    ResultReport.objects.create(comment=comment, point=point, outcome="helped-a-lot")
    return comment


def full_render(settings, url):
    settings.FRAGMENT_CACHE_ENABLED = False
    try:
        return Client().get(url)
    finally:
        settings.FRAGMENT_CACHE_ENABLED = True


@pytest.mark.parametrize(
    "page", ["home", "article", "point", "point comments page 2", "point comments page 9"]
)
def test_a_page_from_fragments_is_the_page_rendered_in_full(
    fragment_client, settings, point, article, page
):
    url = {
        "home": reverse("points:home"),
        "article": article.get_absolute_url(),
        "point": point.get_absolute_url(),
        "point comments page 2": f"{point.get_absolute_url()}?comments=2",
        "point comments page 9": f"{point.get_absolute_url()}?comments=9",
    }[page]
    fragment_client.get(url)  # renders and stores the fragments

    from_fragments = fragment_client.get(url)
    in_full = full_render(settings, url)

    assert from_fragments.status_code == in_full.status_code == 200
    assert without_token(from_fragments.text) == without_token(in_full.text)
    assert "X-Page-Cache" not in from_fragments


@pytest.mark.parametrize(
    "query", ["", "?area=lower-back", "?condition=sciatica&area=lower-back", "?page=2"]
)
def test_the_point_index_from_fragments_is_the_index_rendered_in_full(
    fragment_client, settings, point, query
):
    for number in range(13):  # two pages
        make_point(code=f"GB{number}", body_area="leg")
    url = reverse("points:point-index") + query
    fragment_client.get(url)

    from_fragments = fragment_client.get(url)
    in_full = full_render(settings, url)

    assert from_fragments.status_code == in_full.status_code == 200
    assert from_fragments.text == in_full.text


@pytest.mark.parametrize(
    "query", ["?area=nowhere", "?page=99", "?utm_source=feed", "?page=1&page=2"]
)
def test_the_point_index_keeps_fragments_only_for_the_pages_readers_are_linked_to(
    fragment_client, point, query, django_assert_max_num_queries
):
    url = reverse("points:point-index") + query
    first = fragment_client.get(url)

    with django_assert_max_num_queries(10) as queries:
        second = fragment_client.get(url)

    assert len(queries) > 0  # rendered again, not put together from fragments
    assert second.status_code == first.status_code
    if query == "?area=nowhere":
        assert second.status_code == 400
        assert "We could not use those filters" in second.text


def test_a_page_from_fragments_needs_only_its_own_row(
    fragment_client, point, article, django_assert_num_queries
):
    urls = [reverse("points:home"), reverse("points:point-index")]
    for url in [*urls, article.get_absolute_url(), point.get_absolute_url()]:
        fragment_client.get(url)
    for url in urls:
        with django_assert_num_queries(0):
            fragment_client.get(url)
    with django_assert_num_queries(1):
        fragment_client.get(article.get_absolute_url())
    with django_assert_num_queries(1):
        response = fragment_client.get(point.get_absolute_url())

    assert "Comment number 0." in response.text
    assert "7 readers reported" in response.text


def test_a_form_from_fragments_is_still_accepted(fragment_client, settings, point):
    settings.COMMENT_MIN_SECONDS = 0
    fragment_client.get(point.get_absolute_url())
    page = fragment_client.get(point.get_absolute_url()).text
    token = form_token(page)

    response = fragment_client.post(
        reverse("points:point-comment", args=[point.slug]),
        {"name": "Maria", "text": "It helped.", "token": token, "outcome": "helped-a-little"},
    )

    assert response.status_code == 303
    assert Comment.objects.filter(name="Maria").exists()


class TestNeverStale:
    """Every change readers should see shows on the next page put together from fragments."""

    def test_an_editor_changes_the_point(self, fragment_client, point):
        fragment_client.get(point.get_absolute_url())
        point.summary = "A corrected summary."
        point.save()
        image = point.images.first()
        image.alt_text = "A better description"
        image.save()

        page = fragment_client.get(point.get_absolute_url()).text

        assert "A corrected summary." in page
        assert 'alt="A better description"' in page

    def test_an_editor_approves_a_comment_in_the_admin(self, fragment_client, editor_client, point):
        waiting = Comment.objects.create(
            point=point, name="Maria", text="Worked for me.", client_hash="y"
        )
        ResultReport.objects.create(comment=waiting, point=point, outcome="no-change")
        assert "Worked for me." not in fragment_client.get(point.get_absolute_url()).text

        editor_client.post(
            reverse("admin:points_comment_changelist"),
            {"action": "approve", "index": 0, ACTION_CHECKBOX_NAME: [waiting.pk]},
        )

        page = fragment_client.get(point.get_absolute_url()).text
        assert "8 readers reported" in page
        assert "8 comments" in page
        last_page = fragment_client.get(f"{point.get_absolute_url()}?comments=2").text
        assert "Worked for me." in last_page

    def test_a_comment_hidden_in_code(self, fragment_client, point):
        comment = Comment.objects.get(name="Reader 0")
        assert "Comment number 0." in fragment_client.get(point.get_absolute_url()).text

        comment.status = CommentStatus.SPAM
        comment.save()

        assert "Comment number 0." not in fragment_client.get(point.get_absolute_url()).text

    def test_the_article_page_shows_a_renamed_point(self, fragment_client, point, article):
        fragment_client.get(article.get_absolute_url())

        point.pinyin = "Shen Shu"
        point.save()

        assert "Shen Shu" in fragment_client.get(article.get_absolute_url()).text

    def test_a_readers_waiting_comment_is_theirs_alone(self, fragment_client, settings, point):
        settings.COMMENT_MIN_SECONDS = 0
        other_reader = Client()
        other_reader.get(point.get_absolute_url())
        page = fragment_client.get(point.get_absolute_url()).text
        token = form_token(page)

        fragment_client.post(
            reverse("points:point-comment", args=[point.slug]),
            {"name": "Maria", "text": "Waiting for an editor.", "token": token},
        )

        own = fragment_client.get(point.get_absolute_url()).text
        assert "Waiting for an editor." in own
        assert "Comment number 0." in own
        assert "Waiting for an editor." not in other_reader.get(point.get_absolute_url()).text


def test_saving_an_edited_report_fetches_nothing_else(point, django_assert_num_queries):
    """An editor's inline edit of N reports must not cost N fetches of their comments."""
    report = ResultReport.objects.filter(point=point).first()

    with django_assert_num_queries(1):  # the UPDATE
        report.save()


def test_approving_a_comment_renders_only_the_comments_again(fragment_client, point):
    """A point's text, pictures and map are kept when a comment is approved: the costly part
    of the page survives the most frequent change. (The change made here without saving, so
    that no version changes, shows which part was rendered again.)"""
    fragment_client.get(point.get_absolute_url())
    Point.objects.filter(pk=point.pk).update(summary="Changed behind the cache's back.")

    approve_comment(point, "Maria", "A newly approved comment.")

    page = fragment_client.get(point.get_absolute_url()).text
    assert "8 readers reported" in page
    assert "Changed behind the cache's back." not in page.split("<main")[1]


def test_each_address_gets_its_own_absolute_addresses(fragment_client, point):
    for scheme, host in [("http", "localhost"), ("http", "127.0.0.1"), ("https", "localhost")]:
        page = fragment_client.get(
            point.get_absolute_url(), HTTP_HOST=host, secure=scheme == "https"
        ).text
        og_image = re.search(r'<meta property="og:image" content="([^"]+)"', page)[1]
        assert og_image.startswith(f"{scheme}://{host}/"), og_image


def test_an_editors_preview_is_rendered_in_full_whatever_is_cached(
    fragment_client, editor_client, point
):
    """Fragments of the public page are cached; then the point stops being public with no new
    version yet (an editor's save not yet committed, or another worker's clock)."""
    fragment_client.get(point.get_absolute_url())
    Point.objects.filter(pk=point.pk).update(status=Status.DRAFT)

    response = editor_client.get(point.get_absolute_url())

    assert response.status_code == 200
    assert "Sciatica" in response.text
    assert "7 readers reported" in response.text


def test_a_publication_while_a_page_renders_ends_the_life_of_what_it_stores(fragment_client):
    """The home page is rendered just before a scheduled article goes live and stored just
    after: what it stored must not outlive the publication."""
    start, started = timezone.now(), time.time()
    make_article(title="Scheduled article", published_at=start + timedelta(seconds=1))
    seconds = {"passed": 0.0}
    store = Fragments.store

    def store_after_publication(fragments):
        seconds["passed"] = 1.02  # the render took a few milliseconds too long
        store(fragments)

    def now():
        return start + timedelta(seconds=seconds["passed"])

    with (
        mock.patch("django.utils.timezone.now", side_effect=now),
        mock.patch("time.time", side_effect=lambda: started + seconds["passed"]),
        mock.patch.object(Fragments, "store", store_after_publication),
    ):
        assert "Scheduled article" not in fragment_client.get("/").text
        seconds["passed"] = 60

        assert "Scheduled article" in fragment_client.get("/").text


def get_in_another_worker(url):
    """A reader's request served with a database connection of its own."""
    page = {}

    def serve():
        try:
            page["text"] = Client().get(url).text
        finally:
            connections.close_all()

    worker = threading.Thread(target=serve)
    worker.start()
    worker.join()
    return page["text"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a second connection that reads the last committed rows: runs on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
class TestAReaderDuringAnEditorsSave:
    """A reader served while an editor's save is not yet committed reads the old rows; what
    that request stores must not be served once the save is committed."""

    def test_a_point(self, fragment_client):
        point = make_point(summary="Old summary.")
        fragment_client.get(point.get_absolute_url())
        with transaction.atomic():  # as the admin saves
            point.summary = "New summary."
            point.save()
            assert "Old summary." in get_in_another_worker(point.get_absolute_url())

        page = fragment_client.get(point.get_absolute_url()).text
        assert "New summary." in page.split("<main")[1]  # the body, not just the head's tags

    def test_a_point_in_the_whole_page_cache(self, client):
        point = make_point(summary="Old summary.")
        client.get(point.get_absolute_url())
        with transaction.atomic():
            point.summary = "New summary."
            point.save()
            assert "Old summary." in get_in_another_worker(point.get_absolute_url())

        assert "New summary." in client.get(point.get_absolute_url()).text

    def test_a_reply_to_a_comment(self, fragment_client):
        point = make_point()
        comment = approve_comment(point, "Ann", "It helped.")
        fragment_client.get(point.get_absolute_url())
        with transaction.atomic():
            comment.reply = "Thank you, Ann."
            comment.save()
            get_in_another_worker(point.get_absolute_url())

        assert "Thank you, Ann." in fragment_client.get(point.get_absolute_url()).text

    def test_a_point_set_back_to_draft(self, editor_client):
        point = make_point()
        point.conditions.add(make_condition(name="Sciatica"))
        with transaction.atomic():
            point.status = Status.DRAFT
            point.save()
            get_in_another_worker(point.get_absolute_url())

        assert editor_client.get(point.get_absolute_url()).status_code == 200
        assert Client().get(point.get_absolute_url()).status_code == 404

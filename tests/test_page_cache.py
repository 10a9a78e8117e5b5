"""Whole-page caching: fast for readers, never stale after an editor saves, never shared when a
page is personal."""

import gzip
import time
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from points.models import Comment, Disclaimer, Status
from tests.factories import make_article, make_image, make_point, make_section
from tests.pages import form_token, without_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def point():
    point = make_point(code="BL40", pinyin="Weizhong", summary="Behind the knee.")
    make_image(point, alt_text="Old alt text")
    return point


def fetch(client, url, **headers):
    return client.get(url, **headers)


def test_second_reader_gets_the_cached_page(client, point):
    first = fetch(client, point.get_absolute_url())
    second = fetch(Client(), point.get_absolute_url())

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert "public" in second["Cache-Control"]
    assert "s-maxage=60" in second["Cache-Control"]
    assert "Accept-Encoding" in second["Vary"]
    assert "default-src 'none'" in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"
    assert second["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert second.content == first.content


def test_saving_a_point_shows_the_change_at_once(client, point):
    fetch(client, point.get_absolute_url())
    point.summary = "Now freshly edited."
    point.save()

    response = fetch(client, point.get_absolute_url())

    assert response["X-Page-Cache"] == "miss"
    assert "Now freshly edited." in response.text


def test_changing_a_related_row_shows_the_change_on_every_page(client, point):
    article = make_article()
    make_section(article, points=[point])
    urls = [point.get_absolute_url(), article.get_absolute_url(), reverse("points:home")]
    for url in urls:
        fetch(client, url)

    image = point.images.get()
    image.alt_text = "New alt text"
    image.save()
    Disclaimer.objects.create(short_notice="A brand new notice.", body="Body.")

    for url in urls:
        assert fetch(client, url)["X-Page-Cache"] == "miss", url
    assert 'alt="New alt text"' in fetch(client, point.get_absolute_url()).text
    assert "A brand new notice." in fetch(client, point.get_absolute_url()).text


def test_approving_a_comment_in_the_admin_shows_it(client, editor_client, point):
    comment = Comment.objects.create(point=point, name="Maria", text="It helped.", client_hash="x")
    assert "It helped." not in fetch(client, point.get_absolute_url()).text

    editor_client.post(
        reverse("admin:points_comment_changelist"),
        {"action": "approve", "index": 0, ACTION_CHECKBOX_NAME: [comment.pk]},
    )

    assert "It helped." in fetch(client, point.get_absolute_url()).text


def test_a_new_comment_leaves_other_readers_cached_page_alone(client, point, settings):
    settings.COMMENT_MIN_SECONDS = 0
    fetch(client, point.get_absolute_url())
    poster = Client()
    page = fetch(poster, point.get_absolute_url()).text
    token = form_token(page)

    poster.post(
        reverse("points:point-comment", args=[point.slug]),
        {"name": "Maria", "text": "Waiting for an editor.", "token": token},
    )

    own = fetch(poster, point.get_absolute_url())
    other = fetch(client, point.get_absolute_url())
    assert "X-Page-Cache" not in own  # personal page: never from or into the cache
    assert "Waiting for an editor." in own.text
    assert "private" in own["Cache-Control"]  # nor kept by a proxy or CDN
    assert other["X-Page-Cache"] == "hit"
    assert "Waiting for an editor." not in other.text
    assert "public" in other["Cache-Control"]


def test_editors_never_get_or_fill_the_shared_cache(client, editor_client, point):
    draft = make_point(status=Status.DRAFT)

    preview = fetch(editor_client, draft.get_absolute_url())
    editor_view = fetch(editor_client, point.get_absolute_url())
    reader_view = fetch(client, draft.get_absolute_url())

    assert "X-Page-Cache" not in preview
    assert "X-Page-Cache" not in editor_view
    assert "private" in editor_view["Cache-Control"]
    assert reader_view.status_code == 404


def test_a_scheduled_point_appears_on_cached_lists_on_time(client, point):
    make_point(code="GB30", pinyin="Huantiao", published_at=timezone.now() + timedelta(seconds=2))
    assert "Huantiao" not in fetch(client, reverse("points:point-index")).text

    time.sleep(2.1)

    assert "Huantiao" in fetch(client, reverse("points:point-index")).text


def test_browsers_revalidate_with_an_etag(client, point):
    first = fetch(client, point.get_absolute_url())

    again = fetch(client, point.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""


def test_pages_are_gzipped_for_browsers_that_accept_it(client, point):
    fetch(client, point.get_absolute_url())

    response = fetch(client, point.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, br")

    assert response["Content-Encoding"] == "gzip"
    assert b"BL40 Weizhong" in gzip.decompress(response.content)
    assert len(response.content) < len(fetch(client, point.get_absolute_url()).content) / 3


@pytest.mark.parametrize("page", ["search", "uncached query string", "editor", "feed"])
def test_pages_rendered_for_one_request_are_gzipped_too(client, editor_client, point, page):
    browser, url = {
        "search": (client, reverse("points:search") + "?q=Weizhong"),
        "uncached query string": (client, point.get_absolute_url() + "?utm_source=newsletter"),
        "editor": (editor_client, point.get_absolute_url()),
        "feed": (client, reverse("points:feed")),
    }[page]

    response = fetch(browser, url, HTTP_ACCEPT_ENCODING="gzip")

    assert "X-Page-Cache" not in response
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    unzipped = gzip.decompress(response.content).decode()
    assert without_token(unzipped) == without_token(fetch(browser, url).text)


def test_a_range_of_a_static_file_is_sent_as_it_is(settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve static/ as it is, without collectstatic
    client = Client()  # its middleware is set up now, with that setting
    stylesheet = static("css/site.css")

    response = fetch(client, stylesheet, HTTP_RANGE="bytes=0-99", HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 206
    assert "Content-Encoding" not in response
    assert len(b"".join(response.streaming_content)) == 100


def test_pictures_are_not_gzipped_again(client, point):
    picture = point.images.get().image.url

    response = fetch(client, picture, HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_undeclared_query_strings_bypass_the_cache(client, point):
    response = fetch(client, point.get_absolute_url() + "?utm_source=newsletter")

    assert "X-Page-Cache" not in response
    assert response.status_code == 200


def test_an_address_with_dot_segments_is_not_served_another_pages_copy(client, point):
    fetch(client, reverse("points:point-index"))  # cached

    response = fetch(client, reverse("points:point-index") + "nothing-here/../")

    assert response.status_code == 404
    assert "X-Page-Cache" not in response


def test_not_found_pages_are_not_cached(client):
    assert "X-Page-Cache" not in fetch(client, "/points/nothing-here/")

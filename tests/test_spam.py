"""Spam defences that hold at scale without a third party: form tokens that expire soon after a
cached page and cannot be replayed many times, rate limits per IPv6 /64, and a site-wide brake.
A bot that fetches one form and posts 100 times from 20 addresses gets at most a handful into
the moderation queue; a person who reads a cached page for a few seconds always gets through.
Time is moved with time-machine, never slept."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from points.client import network_of
from points.commenting import BRAKE_REASON
from points.forms import make_token
from points.models import Comment, CommentStatus
from tests.factories import make_point
from tests.pages import form_token

pytestmark = pytest.mark.django_db

READING = 5  # seconds a person spends on the page before sending the form


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 11, 27, 12, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def point():
    return make_point(code="BL23", slug="bl23-shenshu", pinyin="Shenshu")


def post(point, token, *, address="203.0.113.1", text="Pressing it helped my back.", **headers):
    return Client(REMOTE_ADDR=address, **headers).post(
        reverse("points:point-comment", args=[point.slug]),
        {"name": "Maria", "text": text, "token": token},
    )


def queued():
    """Comments in the moderation queue as a person's (not held as spam)."""
    return Comment.objects.in_moderation().count()


def test_a_bot_with_one_form_posting_100_times_from_20_addresses_gets_at_most_5_queued(
    clock, point, settings
):
    token = form_token(Client().get(point.get_absolute_url()).text)
    clock.shift(READING)

    statuses = []
    for number in range(100):
        statuses.append(post(point, token, address=f"198.51.100.{number % 20}").status_code)
        clock.shift(1)

    assert queued() <= 5
    assert queued() == settings.COMMENT_TOKEN_MAX_USES
    held = Comment.objects.filter(status=CommentStatus.SPAM)
    assert held.count() == 100 - queued()
    assert "replayed form" in held.first().spam_reason
    assert set(statuses) == {303}  # the bot is not told


@pytest.mark.parametrize(
    "browser_headers",
    [{}, {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"}],
    ids=["without-javascript-or-fetch-metadata", "modern-browser"],
)
def test_a_person_reading_a_page_from_the_cache_gets_through(
    clock, point, settings, browser_headers
):
    first = Client().get(point.get_absolute_url())  # rendered and kept in the page cache
    clock.shift(settings.PAGE_CACHE_SECONDS - 1)
    page = Client().get(point.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    assert form_token(page.text) == form_token(first.text)
    post(point, form_token(first.text), address="192.0.2.7")  # another reader of that copy
    clock.shift(READING)

    response = post(point, form_token(page.text), address="192.0.2.8", **browser_headers)

    assert response.status_code == 303
    assert Comment.objects.latest("pk").status == CommentStatus.PENDING


def test_a_person_on_a_freshly_made_page_gets_through(clock, point):
    page = Client().get(point.get_absolute_url())
    clock.shift(READING)

    assert post(point, form_token(page.text)).status_code == 303
    assert queued() == 1


def test_tokens_expire_soon_after_the_cache_lifetime_plus_a_reading_margin(clock, point, settings):
    assert settings.COMMENT_FORM_MAX_AGE == (
        settings.PAGE_CACHE_SECONDS + settings.COMMENT_READING_SECONDS
    )
    token = make_token(point)
    clock.shift(settings.COMMENT_FORM_MAX_AGE - 1)
    assert post(point, token).status_code == 303

    clock.shift(2)
    late = post(point, token, address="203.0.113.2", text="Kept for you.")

    assert late.status_code == 400
    assert "open too long" in late.text
    assert "Kept for you." in late.text
    assert Comment.objects.count() == 1


def test_a_token_is_accepted_a_few_times_then_held_as_spam(clock, point, settings):
    token = make_token(point)
    clock.shift(READING)

    for number in range(settings.COMMENT_TOKEN_MAX_USES + 2):
        post(point, token, address=f"192.0.2.{number}")

    statuses = list(Comment.objects.order_by("pk").values_list("status", flat=True))
    uses = settings.COMMENT_TOKEN_MAX_USES
    assert statuses == [CommentStatus.PENDING] * uses + [CommentStatus.SPAM] * 2


class TestRateLimitPerIPv6Network:
    def test_an_ipv6_address_counts_as_its_64(self):
        assert network_of("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::"
        assert network_of("2001:db8:1:2::1") == network_of("2001:db8:1:2:ffff::9")
        assert network_of("2001:db8:1:3::1") != network_of("2001:db8:1:2::1")
        assert network_of("198.51.100.7") == "198.51.100.7"
        assert network_of("::ffff:198.51.100.7") == "198.51.100.7"
        assert network_of("not an address") == "not an address"

    def test_new_addresses_in_the_same_64_share_one_limit(self, clock, point, settings):
        settings.COMMENT_RATE_LIMIT_COUNT = 5

        def post_from(address):
            token = make_token(point)
            clock.shift(READING)
            return post(point, token, address=address).status_code

        for number in range(5):
            assert post_from(f"2001:db8:1:2::{number + 1:x}") == 303

        assert post_from("2001:db8:1:2:ffff:ffff:ffff:fff0") == 429
        assert post_from("2001:db8:1:3::1") == 303


class TestSiteWideBrake:
    @pytest.fixture(autouse=True)
    def _small_brake(self, settings, editor):
        settings.COMMENT_BRAKE_COUNT = 3
        settings.COMMENT_BRAKE_SECONDS = 600
        editor.email = "editor@example.org"
        editor.save()

    def post_many(self, clock, point, count, first_address):
        for number in range(count):
            token = make_token(point)  # a fresh form each time: only the brake stops this
            clock.shift(READING)
            post(point, token, address=f"198.51.100.{first_address + number}")

    def test_a_queue_filling_fast_holds_new_comments_and_emails_editors_once(
        self, clock, point, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            self.post_many(clock, point, 8, first_address=1)

        assert queued() == 3
        held = Comment.objects.filter(status=CommentStatus.SPAM)
        assert held.count() == 5
        assert {comment.spam_reason for comment in held} == {BRAKE_REASON}
        brake_mails = [m for m in mail.outbox if "held as suspected spam" in m.subject]
        assert len(brake_mails) == 1
        assert brake_mails[0].to == ["editor@example.org"]

    def test_the_brake_lets_go_once_the_pace_drops(self, clock, point):
        self.post_many(clock, point, 4, first_address=1)
        clock.shift(601)

        self.post_many(clock, point, 1, first_address=50)

        assert Comment.objects.latest("pk").status == CommentStatus.PENDING

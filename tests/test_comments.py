"""Readers' comments: posting, what each reader sees, spam defences, bad input, moderation,
replies and the result figures."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from points.forms import make_token
from points.models import Comment, CommentStatus, Outcome, ResultReport, Status
from tests.factories import make_article, make_comment, make_point, make_section
from tests.pages import comment_url, form_token, post_comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _comment_settings(settings):
    settings.COMMENT_RATE_LIMIT_COUNT = 50


def test_a_comment_is_stored_and_the_reader_is_sent_back_to_it(client, point):
    response = post_comment(client, point)

    comment = Comment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"{point.get_absolute_url()}#comment-{comment.pk}"
    assert comment.status == CommentStatus.PENDING
    assert comment.point == point


def test_the_author_sees_their_comment_awaiting_moderation_and_nobody_else_does(client, point):
    post_comment(client, point)

    own_view = client.get(point.get_absolute_url()).text
    other_view = Client().get(point.get_absolute_url()).text

    assert "Pressing it every evening eased my back." in own_view
    assert "Awaiting moderation" in own_view
    assert "Pressing it every evening eased my back." not in other_view


def test_a_forged_own_comments_cookie_shows_nothing(client, point):
    post_comment(Client(), point)
    comment = Comment.objects.get()
    client.cookies["my_comments"] = str(comment.pk)

    assert "eased my back" not in client.get(point.get_absolute_url()).text


def test_approved_comments_are_shown_to_everyone_in_order(client, point):
    post_comment(client, point, name="First", text="First comment.")
    post_comment(client, point, name="Second", text="Second comment.")
    Comment.objects.update(status=CommentStatus.APPROVED)

    text = Client().get(point.get_absolute_url()).text

    assert text.index("First comment.") < text.index("Second comment.")
    assert "2 comments" in text


def test_approved_comments_are_paginated(client, point, settings):
    settings.COMMENTS_PER_PAGE = 20
    for n in range(25):
        make_comment(point, name=f"Reader {n}", text=f"Comment number {n:02d}.", status="approved")

    first = client.get(point.get_absolute_url()).text
    second = client.get(point.get_absolute_url(), {"comments": 2}).text
    beyond = client.get(point.get_absolute_url(), {"comments": 3})

    assert "Comment number 19." in first
    assert "Comment number 20." not in first
    assert "Comment number 20." in second
    assert "Comment number 00." not in second
    assert "Page 2 of 2" in second
    assert "25 comments" in first
    assert "25 comments" in second
    assert beyond.status_code == 404


@pytest.mark.parametrize("approved", [20, 40])
def test_comment_pages_that_are_all_full_count_every_comment(client, point, settings, approved):
    settings.COMMENTS_PER_PAGE = 20
    for n in range(approved):
        make_comment(point, name=f"Reader {n}", text=f"Comment number {n:02d}.", status="approved")

    last = client.get(point.get_absolute_url(), {"comments": approved // 20}).text
    beyond = client.get(point.get_absolute_url(), {"comments": approved // 20 + 1})

    assert f"{approved} comments" in last
    assert "Later comments" not in last
    assert beyond.status_code == 404


def test_invalid_comment_is_shown_again_with_the_text_kept_and_a_message_per_field(client, point):
    response = post_comment(
        client, point, name="", email="not-an-email", text="I kept my words here."
    )

    assert response.status_code == 400
    assert "I kept my words here." in response.text
    assert response.text.count("This field is required.") == 1
    assert "Enter a valid email address." in response.text
    assert Comment.objects.count() == 0


def test_asking_for_reply_email_without_an_address_is_explained(client, point):
    response = post_comment(client, point, notify_on_reply="on")

    assert response.status_code == 400
    assert "Give an email address so we can tell you about a reply." in response.text


def test_honeypot_comments_are_kept_as_spam_and_the_bot_is_not_told(client, point):
    response = post_comment(client, point, website="http://spam.example")

    comment = Comment.objects.get()
    assert response.status_code == 303
    assert comment.status == CommentStatus.SPAM
    assert "hidden field" in comment.spam_reason
    assert "eased my back" not in Client().get(point.get_absolute_url()).text
    assert mail.outbox == []


def test_comments_sent_too_fast_are_spam(client, point, settings, time_machine):
    settings.COMMENT_MIN_SECONDS = 3
    time_machine.move_to(timezone.now(), tick=False)
    token = form_token(client.get(point.get_absolute_url()).text)
    time_machine.shift(2)

    response = post_comment(client, point, token=token)

    assert response.status_code == 303
    assert Comment.objects.get().status == CommentStatus.SPAM


def test_comments_sent_after_the_minimum_time_wait_for_moderation(
    client, point, settings, time_machine
):
    settings.COMMENT_MIN_SECONDS = 3
    time_machine.move_to(timezone.now(), tick=False)
    token = form_token(client.get(point.get_absolute_url()).text)
    time_machine.shift(3)

    response = post_comment(client, point, token=token)

    assert response.status_code == 303
    assert Comment.objects.get().status == CommentStatus.PENDING


@pytest.mark.parametrize(
    "token",
    ["not-a-token", "point-1:123:forged-signature", "OTHER_PAGE"],
    ids=["garbage", "forged", "another-page"],
)
def test_forged_or_borrowed_tokens_are_spam(client, point, token):
    if token == "OTHER_PAGE":
        token = make_token(make_point())

    response = post_comment(client, point, token=token)

    assert response.status_code == 303
    assert Comment.objects.get().status == CommentStatus.SPAM


def test_a_form_left_open_too_long_is_shown_again_with_the_text_kept(client, point, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    token = form_token(client.get(point.get_absolute_url()).text)
    time_machine.shift(timedelta(days=3))

    response = post_comment(client, point, token=token, text="Written slowly.")

    assert response.status_code == 400
    assert "Written slowly." in response.text
    assert "open too long" in response.text
    assert Comment.objects.count() == 0


def test_more_than_two_links_are_held_as_spam(client, point):
    text = "See http://a.example and http://b.example and www.c.example"

    post_comment(client, point, text=text)

    comment = Comment.objects.get()
    assert comment.status == CommentStatus.SPAM
    assert "links" in comment.spam_reason


def test_rate_limit_answers_429_and_keeps_the_text(client, point, settings):
    settings.COMMENT_RATE_LIMIT_COUNT = 2
    post_comment(client, point)
    post_comment(client, point)

    response = post_comment(client, point, text="My third comment.")

    assert response.status_code == 429
    assert "My third comment." in response.text
    assert "wait a few minutes" in response.text
    assert response["Retry-After"] == "600"
    assert Comment.objects.count() == 2


def test_rate_limit_is_per_client(client, point, settings):
    settings.COMMENT_RATE_LIMIT_COUNT = 1
    post_comment(client, point)

    other = Client(REMOTE_ADDR="203.0.113.9")

    assert post_comment(other, point).status_code == 303


def test_a_spoofed_forwarded_for_does_not_escape_the_rate_limit(client, point, settings):
    settings.COMMENT_RATE_LIMIT_COUNT = 1
    post_comment(client, point, headers={"X-Forwarded-For": "198.51.100.1"})
    response = post_comment(client, point, headers={"X-Forwarded-For": "198.51.100.2"})

    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(point, settings):
    settings.PROXY_COUNT = 1
    settings.COMMENT_RATE_LIMIT_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    first = post_comment(proxy, point, headers={"X-Forwarded-For": "198.51.100.1"})
    second = post_comment(proxy, point, headers={"X-Forwarded-For": "198.51.100.2"})

    assert first.status_code == 303
    assert second.status_code == 303


def test_the_client_address_is_never_stored(client, point):
    post_comment(Client(REMOTE_ADDR="198.51.100.77"), point)

    comment = Comment.objects.get()
    stored = " ".join(str(value) for value in vars(comment).values())
    assert "198.51.100.77" not in stored
    assert len(comment.client_hash) == 64


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '"><svg/onload=alert(1)>',
    "<iframe src=javascript:alert(1)>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_html_in_comments_is_shown_as_text_never_run(client, point, editor_client, payload):
    post_comment(client, point, name=payload, text=f"Before {payload} after")
    comment = Comment.objects.get()
    comment.status = CommentStatus.APPROVED
    comment.save()

    public = Client().get(point.get_absolute_url()).text
    admin = editor_client.get(reverse("admin:points_comment_changelist")).text

    for html in (public, admin):
        assert payload not in html
    assert "&lt;" in public


def test_web_addresses_become_links_that_search_engines_do_not_follow(client, point):
    post_comment(client, point, text="My physio's advice: https://example.org/back")
    Comment.objects.update(status=CommentStatus.APPROVED)

    text = client.get(point.get_absolute_url()).text

    assert '<a rel="nofollow ugc noopener" href="https://example.org/back">' in text


def test_the_email_address_is_never_shown(client, point):
    post_comment(client, point, email="maria@example.org", notify_on_reply="on")
    Comment.objects.update(status=CommentStatus.APPROVED)

    assert "maria@example.org" not in client.get(point.get_absolute_url()).text
    assert "maria@example.org" not in Client().get(point.get_absolute_url()).text


class TestBadInput:
    def test_nul_bytes_are_a_form_error(self, client, point):
        response = post_comment(client, point, text="Null\x00byte")

        assert response.status_code == 400
        assert "Null characters are not allowed." in response.text

    def test_invalid_utf8_is_not_a_500(self, client, point):
        body = b"name=Maria&text=caf\xe9+bad+bytes&token=" + make_token(point).encode()

        response = client.post(
            comment_url(point), body, content_type="application/x-www-form-urlencoded"
        )

        assert response.status_code in {303, 400}

    def test_an_enormous_body_is_a_413(self, client, point):
        response = post_comment(client, point, text="x" * 3_000_000)

        assert response.status_code == 413
        assert Comment.objects.count() == 0

    def test_text_over_the_limit_is_a_form_error(self, client, point):
        response = post_comment(client, point, text="x" * 3001)

        assert response.status_code == 400
        assert "Your comment is 3,001 characters long, 1 over the limit of 3,000." in response.text
        assert "x" * 3001 in response.text

    def test_line_breaks_count_as_one_character_each_as_the_readers_counter_counts(
        self, client, point
    ):
        text = "Line one.\r\n" * 272  # 11 characters a line with the break counted once
        response = post_comment(client, point, text=text.strip())

        assert response.status_code == 303
        assert Comment.objects.get().text == text.strip().replace("\r\n", "\n")

    def test_the_form_has_no_maxlength_a_browser_would_cut_a_pasted_text_with(self, client, point):
        html = client.get(point.get_absolute_url()).text

        textarea = html[html.index("<textarea") : html.index(">", html.index("<textarea"))]
        assert "maxlength" not in textarea
        assert 'data-max-length="3000"' in textarea

    def test_unknown_fields_are_a_400_with_the_text_kept(self, client, point):
        response = post_comment(client, point, is_admin="1", text="Keep me.")

        assert response.status_code == 400
        assert "Keep me." in response.text
        assert Comment.objects.count() == 0

    def test_get_is_not_allowed(self, client, point):
        assert client.get(comment_url(point)).status_code == 405

    def test_comments_on_draft_pages_are_404(self, client):
        draft = make_point(status=Status.DRAFT)

        assert post_comment(client, draft, token=make_token(draft)).status_code == 404

    @pytest.mark.parametrize(
        "headers",
        [
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "same-site"},
            {"Origin": "https://evil.example"},
        ],
    )
    def test_posts_from_other_sites_are_refused(self, client, point, headers):
        response = post_comment(client, point, headers=headers)

        assert response.status_code == 403
        assert Comment.objects.count() == 0

    @pytest.mark.parametrize(
        "headers", [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://testserver"}]
    )
    def test_posts_from_this_site_are_accepted(self, client, point, headers):
        assert post_comment(client, point, headers=headers).status_code == 303


class TestResultReports:
    def test_a_point_page_report_is_about_that_point(self, client, point):
        post_comment(client, point, outcome=Outcome.HELPED_A_LOT, days_tried="5")

        report = ResultReport.objects.get()
        assert (report.point, report.outcome, report.days_tried) == (point, "helped-a-lot", 5)

    def test_on_the_article_page_readers_pick_the_points(self, client):
        first, second, third = make_point(), make_point(), make_point()
        article = make_article()
        make_section(article, points=[first, second])
        make_section(article, points=[third])

        response = post_comment(
            client, article, outcome=Outcome.NO_CHANGE, points=[first.pk, third.pk]
        )

        assert response.status_code == 303
        reported = set(ResultReport.objects.values_list("point", flat=True))
        assert reported == {first.pk, third.pk}

    def test_an_article_report_needs_a_point(self, client):
        article = make_article()
        make_section(article, points=[make_point()])

        response = post_comment(client, article, outcome=Outcome.NO_CHANGE)

        assert response.status_code == 400
        assert "Pick the point or points your answer is about." in response.text

    def test_points_outside_the_article_are_refused(self, client):
        article = make_article()
        make_section(article, points=[make_point()])
        outsider = make_point()

        response = post_comment(client, article, outcome=Outcome.NO_CHANGE, points=[outsider.pk])

        assert response.status_code == 400
        assert ResultReport.objects.count() == 0

    def test_point_page_shows_the_honest_split_of_approved_reports(self, client, point):
        outcomes = ["helped-a-lot", "helped-a-lot", "no-change", "felt-worse", "helped-a-little"]
        for outcome in outcomes:
            post_comment(client, point, outcome=outcome)
        post_comment(client, point, outcome="helped-a-lot")  # still waiting: not counted
        Comment.objects.filter(pk__in=Comment.objects.order_by("pk")[:5].values("pk")).update(
            status=CommentStatus.APPROVED
        )

        text = Client().get(point.get_absolute_url()).text

        assert (
            "5 readers reported:</strong>\n          2 helped a lot, 1 helped a little, "
            "1 no change, 1 felt worse." in text
        )
        assert "not medical evidence" in text
        assert "%" not in text.split("Did it work for you?")[1].split("Leave a comment")[0]

    def test_no_reports_yet_is_said_plainly(self, client, point):
        assert "No reader has reported a result" in client.get(point.get_absolute_url()).text


def test_point_page_queries_do_not_grow_with_comments(
    render_client, point, django_assert_num_queries
):
    client = render_client
    # Each first render after a change also reads the small site-wide data (the reading order,
    # the disclaimer), kept for the renders after it: counted here without it.
    client.get(point.get_absolute_url())
    with django_assert_num_queries(9):
        client.get(point.get_absolute_url())

    def add_comments(number):
        for n in range(number):
            make_comment(
                point, name=f"R{n}", text="Helped.", status="approved", report="helped-a-lot"
            )
        client.get(point.get_absolute_url())

    # Comments that fit on one page are their own total; a full page has the rest counted.
    add_comments(settings.COMMENTS_PER_PAGE)
    with django_assert_num_queries(10):
        client.get(point.get_absolute_url())
    add_comments(200 - settings.COMMENTS_PER_PAGE)

    with django_assert_num_queries(10):
        response = client.get(point.get_absolute_url())

    assert "200 readers reported" in response.text
    assert "200 comments" in response.text


class TestEditorsAreTold:
    """Mail goes out once the comment is committed."""

    @pytest.fixture(autouse=True)
    def _editor_with_email(self, editor):
        editor.email = "editor@example.org"
        editor.save()

    @pytest.fixture
    def post_committed(self, client, point, django_capture_on_commit_callbacks):
        def post_committed(**overrides):
            with django_capture_on_commit_callbacks(execute=True):
                return post_comment(client, point, **overrides)

        return post_committed

    def test_a_waiting_comment_emails_the_editors(self, post_committed):
        post_committed()

        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["editor@example.org"]
        assert "waiting for moderation" in mail.outbox[0].subject

    def test_the_email_links_to_the_moderation_queue_where_the_admin_is(
        self, post_committed, settings
    ):
        settings.ROOT_URLCONF = "tests.urls_admin_elsewhere"
        settings.SITE_URL = "https://example.org"
        post_committed()

        assert mail.outbox[0].subject == "1 comment waiting for moderation"
        assert "1 comment is waiting." in mail.outbox[0].body
        assert "https://example.org/backstage/points/comment/?status__exact=pending" in (
            mail.outbox[0].body
        )

    def test_a_burst_of_comments_sends_one_email(self, post_committed):
        for _ in range(5):
            post_committed()

        assert len(mail.outbox) == 1

    def test_spam_sends_no_email(self, post_committed):
        post_committed(website="bot")

        assert mail.outbox == []


def test_own_waiting_comments_cost_the_same_queries_however_many(
    render_client, point, django_assert_num_queries
):
    """Each waiting comment shows its report's point code: no query per comment."""
    client = render_client
    post_comment(client, point, outcome=Outcome.HELPED_A_LOT)
    client.get(point.get_absolute_url())  # reads the small site-wide data, kept after it
    # 9 for the page, 2 for the reader's waiting comments and their reports.
    with django_assert_num_queries(11):
        client.get(point.get_absolute_url())
    for _ in range(4):
        post_comment(client, point, outcome=Outcome.NO_CHANGE)

    with django_assert_num_queries(11):
        response = client.get(point.get_absolute_url())

    assert response.text.count("Awaiting moderation: only you can see this") == 5


def test_a_report_on_a_point_id_too_large_for_the_database_is_a_form_error(client):
    """It was a 500 (SQLite cannot compare it)."""
    article = make_article()
    make_section(article, points=[make_point()])

    response = post_comment(
        client, article, outcome="helped-a-lot", points="99999999999999999999", text="Kept."
    )

    assert response.status_code == 400
    assert "Kept." in response.text


@pytest.mark.parametrize(
    ("text", "link", "after"),
    [
        ("See www.example.org.", "http://www.example.org", "</a>."),
        ("(https://example.org/a?b=1&c=2), ok", "https://example.org/a?b=1&amp;c=2", "</a>),"),
        ('"https://example.org/x"', "https://example.org/x", "</a>&#34;"),
        ("http://example.org/" + "." * 3000 + "x", None, None),
    ],
)
def test_a_web_address_ends_where_the_sentence_takes_over(text, link, after):
    """The address pattern is linear: a long run of punctuation took a quadratic 80 ms per
    comment, and a reader's own waiting comments are shown on every page they open."""
    from points.templating import comment_text

    html = comment_text(text)

    if link:
        assert f'href="{link}"' in html
        assert after in html
    else:
        assert html.count("<a ") == 1
        assert html.endswith("x</a></p>")


def test_an_articles_comments_do_not_name_points_unpublished_since(client):
    """A reader reported on a point from an article's page; the point became a draft later:
    its code is no longer shown with the report (reports on published points still are)."""
    article = make_article()
    hidden, shown = make_point(code="ZZ77"), make_point(code="ZZ78")
    make_section(article, points=[hidden, shown])
    comment = make_comment(article, status="approved")
    ResultReport.objects.create(comment=comment, point=hidden, outcome=Outcome.HELPED_A_LOT)
    ResultReport.objects.create(comment=comment, point=shown, outcome=Outcome.NO_CHANGE)
    hidden.status = Status.DRAFT
    hidden.save()

    text = client.get(article.get_absolute_url()).text

    assert "ZZ77" not in text
    assert "ZZ78: No change" in text


def test_a_comments_date_is_the_day_in_the_sites_time_zone(client, point, settings):
    """Noon in London on 27 November is already the 28th in Auckland (UTC+13 then)."""
    settings.TIME_ZONE = "Pacific/Auckland"
    comment = make_comment(point, status="approved")
    noon_utc = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    Comment.objects.filter(pk=comment.pk).update(created_at=noon_utc)

    text = client.get(point.get_absolute_url()).text

    assert '<time datetime="2026-11-28">28 November 2026</time>' in text

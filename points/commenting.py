"""Readers' comments: the one flow that posts them, the comments a page shows, and the mail
moderation sends.

A comment goes: the page's form -> `post_comment()` (checks, spam holds, the rate limit) ->
`submit_comment()` (the rows) -> moderation in the admin (`Comment.objects...approve()`) ->
the page (`page_comments()`).
"""

import logging
import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F, FilteredRelation, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from points.client import client_hash
from points.models import Comment, CommentStatus, Point, ResultReport
from points.models.publishing import is_published
from points.page_cache import OWN_COMMENTS_COOKIE
from points.roles import EDITORS_GROUP
from points.site_urls import absolute_url
from points.validators import is_number

logger = logging.getLogger(__name__)

OWN_COMMENTS_SALT = "points.own-comments"
OWN_COMMENTS_MAX_AGE = 30 * 24 * 3600
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


class RateLimited(Exception):
    """The client has posted as many comments as it may for now."""


@dataclass
class Posted:
    """What became of a posted comment form: the stored `comment`, or None when the page is to
    be shown again with the form, whose errors say what to fix, with this `status`."""

    comment: Comment | None = None
    status: int = 400
    headers: dict = field(default_factory=dict)

    def finish(self, response):
        """The page shown again, with this outcome's headers."""
        for name, value in self.headers.items():
            response[name] = value
        return response


def post_comment(request, form) -> Posted:
    """Check a posted comment form and store its comment. A form shown again keeps everything
    the reader typed and gets a fresh token."""
    unexpected = set(form.data) - set(form.fields)
    status, headers = 400, {}
    if unexpected:
        form.add_error(None, "The form contained fields we do not know. Please send it again.")
    elif form.is_valid() and form.is_expired():
        form.add_error(None, "This form was open too long to be accepted. Please send it again.")
    elif form.is_valid():
        try:
            return Posted(submit_comment(form=form, client_hash=client_hash(request)))
        except RateLimited:
            form.add_error(
                None,
                "You have sent several comments in a short time. Please wait a few minutes "
                "and send this one again; your text is kept below.",
            )
            status, headers = 429, {"Retry-After": str(settings.COMMENT_RATE_LIMIT_SECONDS)}
    form.refresh_token()
    return Posted(status=status, headers=headers)


def show_own_comment(request, comment):
    """Send the reader to their comment (post/redirect/get); their cookie lets them, and only
    them, see it while it waits for moderation."""
    response = redirect(f"{comment.page.get_absolute_url()}#comment-{comment.pk}")
    response.status_code = 303
    remember_own_comment(request, response, comment)
    return response


def spam_reason(form):
    """Why a valid-looking comment is a bot's or a link dropper's, or "" for a person's."""
    age = form.token_age()
    if form.cleaned_data["website"]:
        return "Filled in the hidden field that only bots see."
    if age is None:
        return "Sent a forged form token, or one from another page."
    if age < settings.COMMENT_MIN_SECONDS:
        return f"Sent {age:.0f} s after the page was made: too fast for a person."
    if len(LINK.findall(form.cleaned_data["text"])) > settings.COMMENT_MAX_LINKS:
        return f"More than {settings.COMMENT_MAX_LINKS} links."
    return ""


BRAKE_REASON = "Held by the site-wide brake: comments are coming in faster than usual."


def submit_comment(*, form, client_hash: str) -> Comment:
    """Store a comment (and its reports) unless the client is over its rate limit.

    The limit, the uses of the form's token and the site-wide brake are counted in the
    database inside the transaction that inserts, so they hold across all server processes:
    SQLite's IMMEDIATE transactions, and on PostgreSQL advisory locks on the token and on the
    client, let only one of their requests count-and-insert at a time.
    """
    reason = spam_reason(form)
    data = form.cleaned_data
    token_hash = form.token_hash()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Always the token first, then the client: one order, so no deadlock.
                cursor.execute("SELECT pg_advisory_xact_lock(1, hashtext(%s))", [token_hash])
                cursor.execute("SELECT pg_advisory_xact_lock(2, hashtext(%s))", [client_hash])
        recent = Comment.objects.recent_from(
            client_hash, seconds=settings.COMMENT_RATE_LIMIT_SECONDS
        )
        if recent.count() >= settings.COMMENT_RATE_LIMIT_COUNT:
            raise RateLimited
        reason = reason or held_reason(token_hash)
        comment = Comment.objects.create(
            **{Comment.page_field(form.page): form.page},
            name=data["name"],
            email=data["email"],
            notify_on_reply=data["notify_on_reply"],
            text=data["text"],
            status=CommentStatus.SPAM if reason else CommentStatus.PENDING,
            spam_reason=reason,
            client_hash=client_hash,
            form_token_hash=token_hash,
        )
        ResultReport.objects.bulk_create(
            ResultReport(
                comment=comment,
                point=point,
                outcome=data["outcome"],
                days_tried=data["days_tried"],
            )
            for point in form.reported_points()
        )
        if comment.status == CommentStatus.PENDING:
            transaction.on_commit(lambda: notify_editors(comment))
        elif reason == BRAKE_REASON:
            transaction.on_commit(lambda: notify_editors_of_brake(comment))
    return comment


def held_reason(token_hash):
    """Why a comment whose form looks right is held all the same, or "": its form's token was
    already sent COMMENT_TOKEN_MAX_USES times (a replay: a cached page's readers share a
    token, but not that many post within its life), or the moderation queue is filling faster
    than people write (the site-wide brake)."""
    uses = Comment.objects.filter(form_token_hash=token_hash).count()
    if uses >= settings.COMMENT_TOKEN_MAX_USES:
        return f"Its form had already been sent {uses} times: a replayed form."
    waiting = Comment.objects.waiting_since(settings.COMMENT_BRAKE_SECONDS)
    if waiting.count() >= settings.COMMENT_BRAKE_COUNT:
        return BRAKE_REASON
    return ""


def editor_emails():
    return list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=EDITORS_GROUP)
        .exclude(email="")
        .values_list("email", flat=True)
    ) or [email for _, email in settings.MANAGERS]


def notify_editors(comment):
    """Tell editors comments are waiting, at most once per COMMENT_NOTIFY_INTERVAL: the first
    comment in a quiet spell sends the email; later ones in the same spell do not."""
    since = comment.created_at - timezone.timedelta(seconds=settings.COMMENT_NOTIFY_INTERVAL)
    earlier = Comment.objects.in_moderation().filter(created_at__gte=since, pk__lt=comment.pk)
    if earlier.exists():
        return
    recipients = editor_emails()
    if not recipients:
        return
    waiting = Comment.objects.in_moderation().count()
    try:
        comments = f"{waiting} comment{pluralize(waiting)}"
        queue = reverse("admin:points_comment_changelist") + "?status__exact=pending"
        send_mail(
            subject=f"{comments} waiting for moderation",
            message=(
                f"{comment.name} commented on {comment.page}:\n\n{comment.text}\n\n"
                f"{comments} {pluralize(waiting, 'is,are')} waiting. Moderate them in the "
                f"admin: {settings.SITE_URL}{queue}\n"
            ),
            from_email=None,
            recipient_list=recipients,
        )
    except Exception:
        # The comment is stored either way; a mail outage must not lose it or fail the request.
        logger.exception("Could not email editors about comment %s", comment.pk)


def notify_editors_of_brake(comment):
    """Tell editors, once per spell, that the brake holds new comments as suspected spam: the
    first comment it holds after COMMENT_BRAKE_SECONDS without any sends the email."""
    since = comment.created_at - timezone.timedelta(seconds=settings.COMMENT_BRAKE_SECONDS)
    earlier = Comment.objects.filter(
        spam_reason=BRAKE_REASON, created_at__gte=since, pk__lt=comment.pk
    )
    recipients = editor_emails()
    if earlier.exists() or not recipients:
        return
    try:
        spam = reverse("admin:points_comment_changelist") + "?status__exact=spam"
        send_mail(
            subject="Comments are coming in fast: new ones are held as suspected spam",
            message=(
                f"More than {settings.COMMENT_BRAKE_COUNT} comments came in within "
                f"{settings.COMMENT_BRAKE_SECONDS // 60} minutes and wait for moderation, so "
                "the site holds new ones as suspected spam until the pace drops. Real readers "
                f"may be among them: {settings.SITE_URL}{spam}\n"
            ),
            from_email=None,
            recipient_list=recipients,
        )
    except Exception:
        logger.exception("Could not email editors about the comment brake")


def notify_reader_of_reply(request, comment):
    """Email the reader once about the site's reply, if they asked for it, with the comment's
    full address (SITE_URL, or the host the editor replied on). True when emailed now, False
    when the email could not be sent (the next save tries again), None when none was due."""
    if not (comment.reply and comment.notify_on_reply and comment.email):
        return None
    if comment.reply_notified_at:
        return None
    try:
        send_mail(
            subject=f"We replied to your comment on {comment.page}",
            message=(
                f"Hello {comment.name},\n\nYou wrote:\n\n{comment.text}\n\n"
                f"Our reply:\n\n{comment.reply}\n\n"
                f"Read it on the site: {absolute_url(request, comment.get_absolute_url())}\n"
            ),
            from_email=None,
            recipient_list=[comment.email],
        )
    except Exception:
        logger.exception("Could not email the reply to comment %s", comment.pk)
        return False
    Comment.objects.filter(pk=comment.pk).update(reply_notified_at=timezone.now())
    return True


def own_comment_ids(request):
    """The ids of the comments this browser posted, from its signed cookie."""
    try:
        value = request.get_signed_cookie(
            OWN_COMMENTS_COOKIE, salt=OWN_COMMENTS_SALT, max_age=OWN_COMMENTS_MAX_AGE
        )
    except (KeyError, signing.BadSignature):
        return []
    return [int(part) for part in value.split(",") if is_number(part)]


def remember_own_comment(request, response, comment):
    """Let this browser (and only it) see its comment while it awaits moderation."""
    ids = [*own_comment_ids(request), comment.pk][-20:]
    response.set_signed_cookie(
        OWN_COMMENTS_COOKIE,
        ",".join(map(str, ids)),
        salt=OWN_COMMENTS_SALT,
        max_age=OWN_COMMENTS_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


@dataclass
class CommentPage:
    """One page of a page's approved comments, with what the pagination links need."""

    comments: list
    number: int
    total: int
    per_page: int

    @property
    def num_pages(self):
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages


def page_number(value):
    """A page number from the query string (None means the first), or None when it is no
    page number at all or more than MAX_PAGE_NUMBER (past the end of any page's comments)."""
    if value is None:
        return 1
    # One spelling per page (?comments=02 is not page 2), so each is kept in the cache once.
    if not is_number(value) or value != str(int(value)):
        return None
    if not 1 <= int(value) <= MAX_PAGE_NUMBER:
        return None
    return int(value)


MAX_PAGE_NUMBER = 100_000


# What a comment's reports show: "BL23: Helped a lot after 3 days".
REPORT_FIELDS = ("comment", "outcome", "days_tried", "point__code")


def page_comments(request, page):
    """What a page's comment section shows: a page of approved comments (?comments=N; a 404
    past the last), and this reader's own comments awaiting moderation."""
    own_ids = own_comment_ids(request)
    own_waiting = []
    if own_ids:
        own_waiting = list(
            Comment.objects.on(page).filter(pk__in=own_ids).exclude(status=CommentStatus.APPROVED)
        )
        attach_reports(own_waiting)
    comment_page = approved_comment_page(page, request.GET.get("comments"))
    if comment_page is None:
        raise Http404("No such page of comments.")
    return {"comment_page": comment_page, "own_waiting": own_waiting}


def approved_comment_page(page, number):
    """The approved comments on `page`'s comment page `number` with their result reports (None
    when there is no such page), in a fixed number of queries however many there are: on a
    point's page each comment's report about that point comes with the rows; the total is
    counted only when the page is full (a page that is not is the last one). (A count costs
    less to build than a window count over the rows: measured, 0.3 ms against 0.5 ms.)"""
    number = page_number(number)
    if number is None:
        return None
    per_page = settings.COMMENTS_PER_PAGE
    approved = Comment.objects.on(page).approved()
    rows = slice((number - 1) * per_page, number * per_page)
    on_point = isinstance(page, Point)
    # Only what a comment shows (the page's costliest query: fewer columns, cheaper rows).
    shown = approved.only("name", "text", "created_at", "reply")
    if on_point:
        # A comment's report about this point, joined in (one at most: a constraint).
        shown = shown.annotate(
            report=FilteredRelation("reports", condition=Q(reports__point=page)),
            report_outcome=F("report__outcome"),
            report_days=F("report__days_tried"),
        )
    comments = list(shown[rows])
    if not comments and number > 1:
        return None  # Past the last page.
    # A page that is not full is the last one: its rows tell the total.
    full = len(comments) == per_page
    total = approved.count() if full else rows.start + len(comments)
    if on_point:
        for comment in comments:
            comment.report_list = (
                [
                    ResultReport(
                        point=page, outcome=comment.report_outcome, days_tried=comment.report_days
                    )
                ]
                if comment.report_outcome
                else []
            )
    else:
        attach_reports(comments)
    return CommentPage(comments, number, total, per_page)


def attach_reports(comments):
    """Give each comment a `report_list` of its reports about published points (the code of
    a point unpublished since is not for readers), in one query; none without comments."""
    reports = []
    if comments:
        reports = ResultReport.objects.filter(
            is_published(through="point__"), comment__in=[comment.pk for comment in comments]
        )
        # A report shows its point's code: not the rest of the point's long texts.
        reports = reports.select_related("point").only(*REPORT_FIELDS)
    by_comment = {}
    for report in reports:
        by_comment.setdefault(report.comment_id, []).append(report)
    for comment in comments:
        comment.report_list = by_comment.get(comment.pk, [])

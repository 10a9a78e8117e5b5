"""Readers' comments, and the structured "did it work?" reports that can come with them.

Every comment is kept: spam is marked, not dropped, so editors can rescue a real reader.
A comment belongs to exactly one page: an article or a point.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from points.models.articles import Article
from points.models.points import Point
from points.models.shown import ShownToReadersQuerySet


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Awaiting moderation"
    APPROVED = "approved", "Approved"
    SPAM = "spam", "Spam"


class CommentQuerySet(ShownToReadersQuerySet):
    def approve(self):
        """Publish these comments; the number that were not published already."""
        return self.exclude(status=CommentStatus.APPROVED).update(status=CommentStatus.APPROVED)

    def mark_as_spam(self, reason="Marked as spam by an editor."):
        """Hide these comments (kept for reference); the number that were not spam already."""
        return self.exclude(status=CommentStatus.SPAM).update(
            status=CommentStatus.SPAM, spam_reason=reason
        )

    def is_shown(self, comment):
        return comment.status == CommentStatus.APPROVED

    def approved(self):
        return self.filter(status=CommentStatus.APPROVED)

    def in_moderation(self):
        return self.filter(status=CommentStatus.PENDING)

    def on(self, page):
        """Comments on one article or point."""
        return self.filter(**{Comment.page_field(page): page})

    def waiting_since(self, seconds):
        """Comments that came in the last `seconds` and wait for moderation."""
        since = timezone.now() - timezone.timedelta(seconds=seconds)
        return self.in_moderation().filter(created_at__gte=since)

    def recent_from(self, client_hash, *, seconds):
        since = timezone.now() - timezone.timedelta(seconds=seconds)
        return self.filter(client_hash=client_hash, created_at__gte=since)


class Comment(models.Model):
    """A reader's comment on an article or a point, shown once an editor approves it."""

    point = models.ForeignKey(
        Point, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    name = models.CharField(max_length=80)
    email = models.EmailField(
        blank=True, help_text="Never shown. Used only to tell the reader about a reply."
    )
    notify_on_reply = models.BooleanField(
        "email the reader when we reply",
        default=False,
        help_text="The reader asked to be emailed when the site replies.",
    )
    text = models.TextField()
    status = models.CharField(
        max_length=10, choices=CommentStatus, default=CommentStatus.PENDING, db_index=True
    )
    spam_reason = models.CharField(
        max_length=120, blank=True, help_text="Why the site held this comment as spam."
    )
    client_hash = models.CharField(
        max_length=64,
        editable=False,
        help_text="A keyed hash of the sender's address, for rate limits; never the address.",
    )
    form_token_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        db_index=True,
        help_text="A hash of the form's token, to count how often one form was sent.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    reply = models.TextField(
        "the site's reply", blank=True, help_text="Shown under the comment as the site's reply."
    )
    replied_at = models.DateTimeField(null=True, blank=True, editable=False)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    reply_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["point", "status", "created_at"], name="comment_point_idx"),
            models.Index(fields=["article", "status", "created_at"], name="comment_article_idx"),
            models.Index(fields=["client_hash", "created_at"], name="comment_client_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(point__isnull=False, article__isnull=True)
                | Q(point__isnull=True, article__isnull=False),
                name="comment_on_exactly_one_page",
            )
        ]

    def __str__(self):
        return f"{self.name}: {self.excerpt}"

    def get_absolute_url(self):
        return f"{self.page.get_absolute_url()}#comment-{self.pk}"

    @staticmethod
    def page_field(page):
        return "point" if isinstance(page, Point) else "article"

    @property
    def page(self):
        return self.point or self.article

    @property
    def excerpt(self):
        return self.text if len(self.text) <= 80 else self.text[:79].rstrip() + "…"


class Outcome(models.TextChoices):
    HELPED_A_LOT = "helped-a-lot", "Helped a lot"
    HELPED_A_LITTLE = "helped-a-little", "Helped a little"
    NO_CHANGE = "no-change", "No change"
    FELT_WORSE = "felt-worse", "Felt worse"


class ResultReportQuerySet(ShownToReadersQuerySet):
    def is_shown(self, report):
        """A reader's new comment and its reports wait for moderation: no page changes."""
        return report.comment.status == CommentStatus.APPROVED


class ResultReport(models.Model):
    """A reader's answer to "did this point work for you?", counted on the point's page."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="reports")
    outcome = models.CharField(max_length=16, choices=Outcome)
    days_tried = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = ResultReportQuerySet.as_manager()

    class Meta:
        ordering = ["point", "pk"]
        indexes = [models.Index(fields=["point", "outcome"], name="report_point_outcome_idx")]
        constraints = [
            models.UniqueConstraint(fields=["comment", "point"], name="report_once_per_point")
        ]

    def __str__(self):
        return f"{self.point.code}: {self.get_outcome_display()}"


class ResultSummary:
    """The honest aggregate of readers' reports on one point: the count and the split."""

    def __init__(self, counts):
        self.counts = counts
        self.total = sum(counts.values())

    @classmethod
    def of(cls, point):
        """The approved reports about `point`, counted by outcome in one query."""
        reports = ResultReport.objects.filter(point=point, comment__status=CommentStatus.APPROVED)
        return cls(dict(reports.order_by().values_list("outcome").annotate(Count("pk"))))

    def parts(self):
        """[(label, count)] in a fixed order, leaving out outcomes nobody reported."""
        return [
            (outcome.label, self.counts[outcome.value])
            for outcome in Outcome
            if self.counts.get(outcome.value)
        ]

"""Draft/published states shared by everything editors publish."""

from django.db import models
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "Draft (not public)"
    PUBLISHED = "published", "Published"


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Rows readers may see: published, with a publication time that has come."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def viewable_by(self, user):
        """What this user may open: readers see published rows; staff also preview drafts."""
        if user.is_active and user.is_staff:
            return self.all()
        return self.published()


class Publishable(models.Model):
    """Fields shared by everything an editor drafts and then publishes."""

    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text="Drafts are never shown to readers.",
    )
    published_at = models.DateTimeField(
        "publication date",
        default=timezone.now,
        help_text="Readers see a published page from this date and time on.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("last updated", auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_public(self):
        return self.status == Status.PUBLISHED and self.published_at <= timezone.now()

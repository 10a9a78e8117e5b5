"""What everything editors publish shares: draft/published states, scheduling, review dates,
and keeping old addresses working when a slug changes."""

from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from points.models.shown import ShownToReadersQuerySet
from points.models.sources import Reviewer


class Status(models.TextChoices):
    DRAFT = "draft", "Draft (not public)"
    PUBLISHED = "published", "Published"


def is_published(through=""):
    """The condition for rows readers may see: published, with a publication time that has
    come; `through` a relation ("article__"), for rows whose related row must be. Filtering by
    time at query time means a scheduled page goes live by itself, with no job to run."""
    return models.Q(
        **{f"{through}status": Status.PUBLISHED, f"{through}published_at__lte": timezone.now()}
    )


class PublishableQuerySet(ShownToReadersQuerySet):
    def published(self):
        """Rows readers may see (see is_published())."""
        return self.filter(is_published())

    def viewable_by(self, user):
        """What this user may open: readers see published rows; editors who may see these
        rows in the admin also see drafts and scheduled ones (staff without that permission,
        say a moderator of comments only, see what readers see)."""
        opts = self.model._meta
        may_view = f"{opts.app_label}.{get_permission_codename('view', opts)}"
        if user.is_active and user.is_staff and user.has_perm(may_view):
            return self.all()
        return self.published()

    def scheduled(self):
        """Rows published with a publication time still to come."""
        return self.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())

    def next_publication(self):
        """When the next scheduled row goes live, or None."""
        return self.scheduled().aggregate(next=models.Min("published_at"))["next"]

    def review_overdue(self):
        return self.filter(next_review_due__lt=timezone.localdate())


class PageRedirect(models.Model):
    """An old address of a page whose slug changed; PageRedirectMiddleware answers it with a
    permanent redirect, so links and search results keep working."""

    old_path = models.CharField(max_length=300, unique=True)
    new_path = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} → {self.new_path}"

    def clean(self):
        for field in ("old_path", "new_path"):
            if not is_site_path(getattr(self, field)):
                raise ValidationError(
                    {
                        field: "Give a path on this site, starting with one “/”, such as "
                        "/points/bl23-shenshu/ (not a full web address: redirects never "
                        "leave the site)."
                    }
                )


def is_site_path(path):
    """Whether `path` is a path on this site (/points/x/), never a way off it: not a full URL,
    not scheme-relative (//host or /\\host, which browsers read as another site), no spaces
    or control characters."""
    return (
        path.startswith("/")
        and not path.startswith(("//", "/\\"))
        and not any(character.isspace() or ord(character) < 32 for character in path)
        and url_has_allowed_host_and_scheme(path, allowed_hosts=None)
    )


class KeepsOldURLs(models.Model):
    """When an editor changes the slug, the old address keeps working (see PageRedirect)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        old_path = None
        if self.pk:
            old = type(self).objects.filter(pk=self.pk).only("slug").first()
            if old and old.slug != self.slug:
                old_path = old.get_absolute_url()
        super().save(*args, **kwargs)
        if old_path:
            redirect_old_path(old_path, self.get_absolute_url())


def redirect_old_path(old_path, new_path):
    # Point earlier redirects straight at the new address, and never redirect the live one.
    PageRedirect.objects.filter(new_path=old_path).update(new_path=new_path)
    PageRedirect.objects.filter(old_path=new_path).delete()
    PageRedirect.objects.update_or_create(old_path=old_path, defaults={"new_path": new_path})


class Publishable(KeepsOldURLs):
    """Fields shared by everything an editor drafts, schedules, publishes and reviews."""

    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text="Drafts are never shown to readers.",
    )
    published_at = models.DateTimeField(
        "publication date",
        default=timezone.now,
        help_text="Readers see a published page from this date and time on: a date in the "
        "future schedules it.",
    )
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="When the page's facts were last checked."
    )
    next_review_due = models.DateField(
        null=True, blank=True, help_text="When the page's facts should next be checked."
    )
    reviewer = models.ForeignKey(
        Reviewer,
        on_delete=models.PROTECT,  # Named on pages: those must name another first.
        null=True,
        blank=True,
        related_name="+",
        help_text="Who checked it, named on the page with their role. Required with a "
        "“last reviewed” date.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("last updated", auto_now=True)

    class Meta:
        abstract = True

    def review_errors(self):
        """A "last reviewed" date means nothing to readers unless it says who reviewed."""
        if self.last_reviewed and not self.reviewer_id:
            return {"reviewer": "Say who reviewed the page: readers see the name and role."}
        return {}

    @property
    def is_public(self):
        return self.status == Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == Status.PUBLISHED and self.published_at > timezone.now()

"""Changes that wait: an editor's unpublished edit of a published page, kept as the change
form's data until it is published or thrown away. Readers never see it; the live page stays
as it was (points/admin/drafts.py saves, shows, previews and publishes it)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import QueryDict

from points.models.articles import Article
from points.models.points import Point


class PendingChangeQuerySet(models.QuerySet):
    def of(self, page):
        """The pending change of `page` (a Point or an Article), or None."""
        return self.filter(**{PendingChange.field_for(type(page)): page}).first()


class PendingChange(models.Model):
    """A published page's changes saved as a draft: the change form as the editor sent it
    (the page's fields and its inlines), who saved it and when. One per page."""

    point = models.OneToOneField(
        Point, on_delete=models.CASCADE, null=True, blank=True, related_name="pending_change"
    )
    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="pending_change"
    )
    form_data = models.JSONField(
        help_text="The change form's fields as sent: {name: [values]}, without the CSRF token."
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now=True)

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-saved_at"]
        verbose_name = "unpublished change"
        constraints = [
            models.CheckConstraint(
                name="pending_change_of_one_page",
                condition=Q(point__isnull=False, article__isnull=True)
                | Q(point__isnull=True, article__isnull=False),
            )
        ]

    def __str__(self):
        return f"Unpublished changes to {self.page}"

    @staticmethod
    def field_for(model):
        """The field that links a pending change to a page of `model`."""
        return {Point: "point", Article: "article"}[model]

    @staticmethod
    def is_kept_for(page):
        """Whether pages like `page` can have pending changes (points and articles)."""
        return isinstance(page, (Point, Article))

    @property
    def page(self):
        return self.point or self.article

    @property
    def saved_by_name(self):
        if self.saved_by is None:
            return "a former editor"
        return self.saved_by.get_full_name() or self.saved_by.get_username()

    @property
    def version(self):
        """Tells this saving of the draft from later ones (the form says which it showed)."""
        return self.saved_at.isoformat()

    def as_query_dict(self):
        """The form data as the admin reads a POST."""
        data = QueryDict(mutable=True)
        for name, values in self.form_data.items():
            data.setlist(name, values)
        return data

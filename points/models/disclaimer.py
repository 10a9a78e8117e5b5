"""The medical disclaimer, edited by editors, never hard-coded in a template."""

from django.db import models
from django.db.models import Q
from django.urls import reverse

from points.models.fields import FormattedTextField
from points.models.points import lines_of
from points.models.shown import ShownToReadersQuerySet


class Disclaimer(models.Model):
    """The site's medical disclaimer: one row, edited in the admin, shown on every content page."""

    title = models.CharField(max_length=120, default="Medical disclaimer")
    short_notice = models.CharField(
        max_length=300, help_text="One or two sentences shown on every article and point page."
    )
    body = FormattedTextField(help_text="The full text of the disclaimer page.")
    emergency_signs = models.TextField(
        "emergency signs: call an ambulance or go to A&E now",
        blank=True,
        help_text="Signs that need emergency help, one per line. Shown on every point page, "
        "at the start of the routine, on the article and on this disclaimer.",
    )
    see_a_doctor_signs = models.TextField(
        "see a doctor soon",
        blank=True,
        help_text="Signs that need a doctor soon rather than acupressure, one per line. Shown "
        "with the emergency signs.",
    )
    updated_at = models.DateTimeField("last updated", auto_now=True)

    objects = ShownToReadersQuerySet.as_manager()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="disclaimer_single_row")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("points:disclaimer")

    @property
    def emergency_sign_list(self):
        return lines_of(self.emergency_signs)

    @property
    def see_a_doctor_sign_list(self):
        return lines_of(self.see_a_doctor_signs)

    @classmethod
    def current(cls):
        """The disclaimer, or an unsaved placeholder that still warns readers."""
        return cls.objects.filter(pk=1).first() or cls(
            short_notice="This site is for information only and does not replace medical advice.",
            body="This site is for information only and does not replace medical advice.",
        )

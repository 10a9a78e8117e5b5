"""An article's guided routine as its editors set it: which of its points, in what order, for
how long. An article without steps has the routine of its sections' points in reading order
(points/routine.py); the site-wide routine is the article editors choose (Article.is_site_routine).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from points.models.articles import Article
from points.models.points import Point
from points.models.shown import ShownToReadersQuerySet

MIN_SECONDS = 5
MAX_SECONDS = 600  # ten minutes a side: no source advises longer


class RoutineStep(models.Model):
    """One point of an article's routine, at its place, with an optional time of the editors'."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="routine_steps")
    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="routine_steps")
    position = models.PositiveSmallIntegerField(default=0, help_text="Smallest first.")
    seconds_per_side = models.PositiveSmallIntegerField(
        "seconds on each side",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(MIN_SECONDS, f"Give at least {MIN_SECONDS} seconds."),
            MaxValueValidator(
                MAX_SECONDS,
                f"Give at most {MAX_SECONDS} seconds (ten minutes) on each side.",
            ),
        ],
        help_text="Leave empty for the time the point's page gives (or our 60 seconds when "
        "no source gives one).",
    )

    objects = ShownToReadersQuerySet.as_manager()

    class Meta:
        ordering = ["article", "position", "pk"]
        verbose_name = "routine step"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "point"],
                name="routine_point_once",
                violation_error_message="This point is already in the routine.",
            )
        ]

    def __str__(self):
        return f"{self.position}. {self.point.code}" if self.point_id else str(self.position)

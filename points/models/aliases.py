"""The other names readers meet for a point, so that search finds it by any of them."""

from django.db import models

from points.models.points import Point
from points.models.shown import ShownToReadersQuerySet


class AliasKind(models.TextChoices):
    CODE = "code", "Other code"
    OLD_CODE = "old-code", "Older numbering (Gach); not the modern point of that number"
    NAME = "name", "Other name"
    ARTICLE_NAME = "article-name", "Name used in the article"


class PointAlias(models.Model):
    """Another name readers meet for a point (UB23, B23, "Sea of Vitality"), so they find it."""

    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=12, choices=AliasKind, default=AliasKind.CODE)

    objects = ShownToReadersQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "point aliases"
        constraints = [
            models.UniqueConstraint(fields=["point", "name"], name="point_alias_unique_per_point")
        ]

    def __str__(self):
        return self.name

"""Pictures of points. Every upload is decoded, turned upright, stripped of its metadata (phone
photos carry GPS positions), stored under a random name and resized once into WebP renditions,
so pages can offer each reader's screen a small, fast file."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from points.models.fields import percent_field
from points.models.points import Point
from points.models.shown import ShownToReadersQuerySet
from points.validators import PictureField


class PointImage(models.Model):
    """A picture on a point's page, with alternative text for readers who cannot see it."""

    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="images")
    image = PictureField(
        upload_to="points/",
        width_field="width",
        height_field="height",
        renditions_field="renditions",
        help_text="A JPEG, PNG or WebP picture. Location data and other hidden details in the "
        "file are removed when it is saved.",
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    renditions = models.JSONField(
        default=list,
        editable=False,
        help_text="Smaller WebP copies: [{'width': ..., 'height': ..., 'name': ...}].",
    )
    alt_text = models.CharField(
        "alternative text",
        max_length=250,
        blank=True,
        help_text=(
            "Describe what the picture shows for readers who cannot see it, "
            'e.g. "Back view of the waist; BL23 is marked two finger-widths from the spine". '
            "Required unless the picture is decorative."
        ),
    )
    is_decorative = models.BooleanField(
        "decorative only",
        default=False,
        help_text="Tick only if the picture adds nothing a reader needs; screen readers skip it.",
    )
    caption = models.CharField(max_length=250, blank=True, help_text="Shown under the picture.")
    credit = models.CharField(
        max_length=200, blank=True, help_text="Who made the picture, and its licence."
    )
    marker_x = percent_field(
        "marker x (%)",
        "Where the point is on this picture, from the left edge (0 to 100). Click the picture "
        "to set it.",
    )
    marker_y = percent_field("marker y (%)", "From the top edge (0 to 100).")
    position = models.PositiveSmallIntegerField(default=0, help_text="Smallest first.")

    objects = ShownToReadersQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_decorative=True) | ~Q(alt_text=""),
                name="point_image_alt_text_unless_decorative",
            ),
            models.CheckConstraint(
                condition=Q(marker_x__isnull=True, marker_y__isnull=True)
                | Q(marker_x__gte=0, marker_x__lte=100, marker_y__gte=0, marker_y__lte=100),
                name="point_image_marker_on_picture",
            ),
        ]

    def __str__(self):
        return self.alt_text or f"Decorative picture of {self.point}"

    def clean(self):
        if not self.is_decorative and not self.alt_text.strip():
            raise ValidationError(
                {
                    "alt_text": "Describe the picture for readers who cannot see it, or tick "
                    "“decorative only”."
                }
            )
        if (self.marker_x is None) != (self.marker_y is None):
            raise ValidationError("Give both marker positions, or neither.")

    @property
    def has_marker(self):
        return self.marker_x is not None and self.marker_y is not None

    @property
    def marker_cx(self):
        return round(float(self.marker_x) * self.width / 100)

    @property
    def marker_cy(self):
        return round(float(self.marker_y) * self.height / 100)

    @property
    def marker_radius(self):
        return max(8, round(min(self.width, self.height) / 30))

    @property
    def webp_srcset(self):
        storage = self.image.storage
        return ", ".join(f"{storage.url(r['name'])} {r['width']}w" for r in self.renditions)

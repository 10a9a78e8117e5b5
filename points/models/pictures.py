"""The picture library: every picture is uploaded once and used by points, articles and
authors. Every upload is decoded, turned upright, stripped of its metadata (phone photos carry
GPS positions), stored under a random name and resized once into WebP renditions, so pages can
offer each reader's screen a small, fast file (points.uploads).

A picture says what it shows (alternative text, caption, credit, licence), where its subject is
(a focal point, which crops keep in view) and where points are on it (markers, each labelled
with its point: BL23 sits on both sides of the spine). Points use pictures through PointPicture;
authors through their `picture`; formatted texts through a `[[picture:12]]` line
(points/formatting.py)."""

import re
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from points.models.fields import percent_field
from points.models.points import Point
from points.models.shown import ShownToReadersQuerySet
from points.validators import PictureField

# Focal points are rounded to these steps for the crops' CSS classes (static/css/site.css):
# the strict content security policy allows no style attributes.
FOCAL_STEP = 10


class Picture(models.Model):
    """A picture in the library, with what readers who cannot see it are told."""

    title = models.CharField(
        "name in the library",
        max_length=200,
        blank=True,
        help_text="How editors find it in the library. Left empty, the file's name is used.",
    )
    image = PictureField(
        "picture",
        upload_to="pictures/",
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
    caption = models.CharField(
        max_length=250,
        blank=True,
        help_text="Shown under the picture. A text that places it can give its own caption.",
    )
    credit = models.CharField(
        max_length=200, blank=True, help_text="Who made the picture, e.g. “Drawn for this site”."
    )
    licence = models.CharField(
        max_length=200,
        blank=True,
        help_text="The terms we may use it under, e.g. “Our own work” or “CC BY 4.0”.",
    )
    focal_x = percent_field(
        "focal point x (%)",
        "What must stay in view when the picture is cropped (a small card, a square photo), "
        "from the left edge. Click the picture to set it; empty means the centre.",
    )
    focal_y = percent_field("focal point y (%)", "From the top edge (0 to 100).")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShownToReadersQuerySet.as_manager()

    class Meta:
        ordering = [Lower("title"), "pk"]  # "back" before "Green", as editors expect
        indexes = [models.Index(Lower("title"), "id", name="picture_library_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_decorative=True) | ~Q(alt_text=""),
                name="picture_alt_text_unless_decorative",
            ),
            models.CheckConstraint(
                condition=Q(focal_x__isnull=True, focal_y__isnull=True)
                | Q(focal_x__gte=0, focal_x__lte=100, focal_y__gte=0, focal_y__lte=100)
                & Q(focal_x__isnull=False, focal_y__isnull=False),
                name="picture_focal_point_on_picture",
            ),
        ]

    def __str__(self):
        return self.title or self.alt_text or f"Picture {self.pk}"

    def save(self, *args, **kwargs):
        if not self.title.strip() and self.image and not self.image._committed:
            self.title = title_from_file_name(self.image.name)
        super().save(*args, **kwargs)

    def clean(self):
        if not self.is_decorative and not self.alt_text.strip():
            raise ValidationError(
                {
                    "alt_text": "Describe the picture for readers who cannot see it, or tick "
                    "“decorative only”."
                }
            )
        if (self.focal_x is None) != (self.focal_y is None):
            raise ValidationError("Give both focal point positions, or neither.")

    @property
    def placing_code(self):
        """What an editor writes on a line of its own to place this picture in a text."""
        return f"[[picture:{self.pk}]]"

    @property
    def webp_srcset(self):
        storage = self.image.storage
        return ", ".join(f"{storage.url(r['name'])} {r['width']}w" for r in self.renditions)

    @property
    def focal_class(self):
        """The CSS classes that keep the focal point in view in a crop (object-position), to
        the nearest FOCAL_STEP, halves up (as the admin's crop preview rounds)."""
        if self.focal_x is None or self.focal_y is None:
            return ""
        x, y = (int(Decimal(value) / FOCAL_STEP + Decimal("0.5")) * FOCAL_STEP
                for value in (self.focal_x, self.focal_y))  # fmt: skip
        return f"focal-x{x} focal-y{y}"

    def markers_for(self, point=None):
        """Its markers as (marker, is `point`'s), `point`'s first: those of published points
        only (a draft's code is not for readers), and always `point`'s own (its preview)."""
        markers = sorted(
            (
                m
                for m in self.markers.all()
                if m.point.is_public or m.point_id == getattr(point, "pk", None)
            ),
            key=lambda m: (m.point_id != getattr(point, "pk", 0), m.pk),
        )
        return [(marker, point is not None and marker.point_id == point.pk) for marker in markers]

    def marker_note(self, point=None, markers=None):
        """What the rings on the picture mean, in words: "The red rings mark where BL23 is.
        Grey rings mark other points: GB30." (`markers`: what markers_for(point) gave.)"""
        markers = self.markers_for(point) if markers is None else markers
        own = [marker for marker, current in markers if current]
        others = list(dict.fromkeys(m.point.code for m, current in markers if not current))
        if point is None:
            return f"The rings mark where {and_list(others)} {'is' if len(others) == 1 else 'are'}."
        note = ""
        if own:
            rings = "The red ring marks" if len(own) == 1 else "The red rings mark"
            note = f"{rings} where {point.code} is."
        if others:
            note += f" Grey rings mark other points: {and_list(others)}."
        return note.strip()

    @property
    def marker_radius(self):
        return max(8, round(min(self.width, self.height) / 30))


def and_list(words):
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def title_from_file_name(name):
    """ "bl23-shenshu_final.png" -> "bl23 shenshu final"."""
    stem = PurePath(name).stem
    return re.sub(r"[-_.]+", " ", stem).strip()[:200] or "Picture"


class PictureMarkerQuerySet(ShownToReadersQuerySet):
    def for_figures(self):
        """What a figure (templates/includes/figure.html) draws of its markers: each one's
        place, its point's code and whether that point is public (a draft's marker is not
        drawn). No order: Picture.markers_for() puts them in the order they are drawn.
        (Columns never shown cost time to fetch and turn into fields.)"""
        return (
            self.select_related("point")
            .only("picture", "x", "y", "point__code", "point__status", "point__published_at")
            .order_by()
        )


class PictureMarker(models.Model):
    """Where a point is on a picture. A picture may mark several points, and a point several
    places (both sides of the spine)."""

    picture = models.ForeignKey(Picture, on_delete=models.CASCADE, related_name="markers")
    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="picture_markers")
    x = percent_field(
        "x (%)", "From the left edge (0 to 100). Click the picture to set it.", optional=False
    )
    y = percent_field("y (%)", "From the top edge (0 to 100).", optional=False)

    objects = PictureMarkerQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(x__gte=0, x__lte=100, y__gte=0, y__lte=100),
                name="picture_marker_on_picture",
            ),
        ]

    def __str__(self):
        return f"{self.point.code} on “{self.picture}”"

    @property
    def cx(self):
        return round(float(self.x) * self.picture.width / 100)

    @property
    def cy(self):
        return round(float(self.y) * self.picture.height / 100)


class PointPicture(models.Model):
    """A picture from the library shown on a point's page, in the editors' order."""

    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="pictures")
    picture = models.ForeignKey(
        Picture,
        on_delete=models.PROTECT,
        related_name="point_uses",
        help_text="Choose it from the library by its name, or add a new one with “+”.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Smallest first.")

    objects = ShownToReadersQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "picture of the point"
        verbose_name_plural = "pictures of the point"

    def __str__(self):
        return f"“{self.picture}” on {self.point.code}" if self.picture_id else "Picture"

"""Standard acupressure points, the names readers know them by, their pictures, and the
complaints they are said to help.

The seed article has 11 sections but only about 8 standard points behind them: several sections
name the same point twice (see the domain notes). So a `Point` exists once per standard point;
the article's sections link to it.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from points.models.choices import (
    BodyArea,
    Channel,
    Confidence,
    MapView,
    Posture,
    Pressure,
    Sides,
)
from points.models.fields import FormattedTextField, percent_field
from points.models.publishing import Publishable, PublishableQuerySet, is_published
from points.models.shown import ShownToReadersQuerySet
from points.models.sources import Citation, Reference
from points.page_cache import site_data


class ConditionQuerySet(ShownToReadersQuerySet):
    def with_published_points(self):
        """Conditions a reader can browse: those with at least one published point."""
        return self.filter(points__in=Point.objects.published()).distinct()


class Condition(models.Model):
    """A complaint readers look for ("sciatica"), so they can browse the points said to help."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = FormattedTextField(
        blank=True, help_text="One or two plain sentences shown on the condition's page."
    )

    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("points:condition-detail", kwargs={"slug": self.slug})

    @classmethod
    def browsable(cls):
        """All the complaints readers can browse (`with_published_points()`), as a list: read
        once for the pages that list them (the home page, the point index's filter) and kept
        under the pages version (page_cache.site_data)."""
        return site_data("browsable-conditions", lambda: list(cls.objects.with_published_points()))


def picture_uses():
    """The prefetch of points' pictures: their uses, each with its picture."""
    from points.models.pictures import PointPicture  # It imports this module.

    return models.Prefetch("pictures", PointPicture.objects.select_related("picture"))


# What a point card and the body map show of a point (PointQuerySet.for_cards()).
CARD_FIELDS = [
    *("status", "published_at", "position", "code", "slug", "pinyin", "english_name"),
    *("body_area", "where_short", "summary", "map_view", "map_x", "map_y"),
    *("pressure", "duration_min_seconds", "duration_max_seconds", "sides"),
]


class PointQuerySet(PublishableQuerySet):
    def reading_order(self):
        """(pk, slug, code, position, pinyin) of every published point, in reading order:
        small enough to keep in the cache for previous/next links."""
        return list(
            self.published()
            .order_by("position", "code")
            .values_list("pk", "slug", "code", "position", "pinyin")
        )

    def in_body_area_order(self):
        """Head to foot, as the body areas are listed, then in reading order."""
        area_order = models.Case(
            *[models.When(body_area=area, then=index) for index, area in enumerate(BodyArea)],
            default=len(BodyArea),
        )
        return self.order_by(area_order, "position", "code")

    def review_summary(self):
        """Who checked the published points and since when, for the home page: plain data,
        small enough to keep in the cache (one query)."""
        rows = self.published().values_list(
            "last_reviewed", "reviewer__name", "reviewer__credential"
        )
        reviewed = [row for row in rows if row[0]]
        return {
            "points": len(rows),
            "reviewed": len(reviewed),
            "since": min((row[0] for row in reviewed), default=None),
            "reviewers": sorted({(name, role) for _, name, role in reviewed if name}),
        }

    def with_pictures(self):
        """Each point's pictures from the library, in order (one query)."""
        return self.prefetch_related(picture_uses())

    def for_cards(self):
        """Points as cards (templates/includes/point_card.html) and on the body map: with
        their pictures, and only the columns those show. (A point's long texts cost time to
        fetch and turn into fields on every page that lists points: 0.2 ms for ten.)"""
        return self.only(*CARD_FIELDS).with_pictures()

    def with_page_relations(self):
        """Everything a point's page shows, fetched in a fixed number of plain queries: its
        names, pictures, references, conditions and the sections of published articles that
        use it. (Plain prefetches cost less to build and run than the same rows as subquery
        annotations: measured, 0.5 ms a prefetch against 1-4 ms an annotation.)"""
        from points.models.articles import ArticleSection  # It imports this module.
        from points.models.pictures import PictureMarker  # It imports this module.

        # Only what the page shows of a section: its words and its article's title and
        # address. (Columns the page never reads cost time to fetch and turn into fields; the
        # sections' own ordering would sort by the article's.)
        sections = (
            # A join, not a subquery of published articles: less to build.
            ArticleSection.objects.filter(is_published(through="article__"))
            .select_related("article")
            .only("position", "heading", "body", "editor_note", "article__slug", "article__title")
            .order_by("-article__published_at", "position", "pk")
        )
        return self.select_related("reviewer").prefetch_related(
            "aliases",
            picture_uses(),
            models.Prefetch("pictures__picture__markers", PictureMarker.objects.for_figures()),
            models.Prefetch("citations", PointReference.objects.select_related("reference")),
            models.Prefetch("sections", sections),
            "conditions",
        )


class Point(Publishable):
    """One standard acupressure point (e.g. BL23), with one page for readers."""

    code = models.CharField(
        max_length=10,
        unique=True,
        help_text="The standard (WHO-style) code, e.g. BL23. Other spellings go under aliases.",
    )
    slug = models.SlugField(
        max_length=80,
        unique=True,
        help_text="The page's address: /points/ then this, e.g. /points/bl23-shenshu/.",
    )
    pinyin = models.CharField(max_length=60, help_text="Chinese name in pinyin, e.g. Shenshu.")
    chinese_name = models.CharField("Chinese characters", max_length=20, blank=True)
    english_name = models.CharField(
        max_length=120, help_text="The usual English translation, e.g. Kidney Shu."
    )
    channel = models.CharField(max_length=2, choices=Channel)
    body_area = models.CharField(max_length=20, choices=BodyArea)
    position = models.PositiveSmallIntegerField(
        default=100, help_text="Order in the point list, smallest first."
    )
    where_short = models.CharField(
        "where, in a few words",
        max_length=60,
        blank=True,
        help_text='Named on the body map and in lists, e.g. "behind the knee".',
    )
    summary = models.CharField(
        max_length=200,
        help_text="One sentence for lists and search results: where it is and what it is for.",
    )
    location = FormattedTextField(
        "standard location", help_text="Where the point lies, in the references' terms."
    )
    how_to_find = models.TextField(
        "how to find it",
        help_text="Plain steps a reader can follow on their own body, one step per line.",
    )
    pressure = models.CharField(
        "pressure we advise",
        max_length=10,
        choices=Pressure,
        blank=True,
        help_text="What this site advises, always comfortable: gentle on the belly and behind "
        "the knee. Put the article's own instruction in “what the article says about pressing "
        "it”. Leave empty when no source says how firmly to press.",
    )
    duration_min_seconds = models.PositiveSmallIntegerField(
        "shortest duration (seconds)", null=True, blank=True
    )
    duration_max_seconds = models.PositiveSmallIntegerField(
        "longest duration (seconds)",
        null=True,
        blank=True,
        help_text="Leave empty when there is a single duration.",
    )
    repetitions_min = models.PositiveSmallIntegerField("fewest repetitions", null=True, blank=True)
    repetitions_max = models.PositiveSmallIntegerField("most repetitions", null=True, blank=True)
    posture = models.CharField(max_length=12, choices=Posture, default=Posture.ANY)
    sides = models.CharField(max_length=8, choices=Sides, default=Sides.BOTH)
    technique_notes = FormattedTextField(
        blank=True,
        help_text="Our own advice on pressing this point, in plain words. The times and "
        "repeats above follow one instruction: never combine two different instructions.",
    )
    article_technique = models.TextField(
        "what the article says about pressing it",
        blank=True,
        help_text="The article's own instructions for this point, word for word in quotation "
        "marks, one per paragraph (blank line between), each saying which section it comes "
        "from. Only the article's words: put our advice in the notes above.",
    )
    said_to_help = FormattedTextField(
        "what it is said to help",
        help_text="What the article and the references say, worded as their claim, not as fact.",
    )
    conditions = models.ManyToManyField(Condition, related_name="points", blank=True)
    contraindications = models.TextField(
        "do not press if",
        blank=True,
        help_text="Situations in which readers must not press this point, one per line.",
    )
    cautions = models.TextField(
        "take care", blank=True, help_text="When to take care with this point, one per line."
    )
    confidence = models.CharField(
        "identification confidence",
        max_length=10,
        choices=Confidence,
        default=Confidence.HIGH,
        help_text="How sure we are that the article's description means this standard point.",
    )
    identification_note = FormattedTextField(
        blank=True, help_text="Why we matched the article's description to this point."
    )
    references = models.ManyToManyField(
        Reference, through="PointReference", related_name="points", blank=True
    )
    map_view = models.CharField(
        "body map view", max_length=5, choices=MapView, default=MapView.BACK
    )
    map_x = percent_field("body map x (%)", "Across the body map from the left edge, 0 to 100.")
    map_y = percent_field("body map y (%)", "Down the body map from the top edge, 0 to 100.")

    objects = PointQuerySet.as_manager()

    class Meta:
        ordering = ["position", "code"]
        indexes = [models.Index(fields=["status", "published_at"], name="point_public_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_max_seconds__isnull=True)
                | Q(duration_max_seconds__gte=models.F("duration_min_seconds")),
                name="point_duration_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(repetitions_max__isnull=True)
                | Q(repetitions_max__gte=models.F("repetitions_min")),
                name="point_repetitions_range_ordered",
            ),
            models.CheckConstraint(
                condition=(Q(map_x__isnull=True) | Q(map_x__gte=0, map_x__lte=100))
                & (Q(map_y__isnull=True) | Q(map_y__gte=0, map_y__lte=100)),
                name="point_map_coordinates_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.pinyin}"

    def get_absolute_url(self):
        return reverse("points:point-detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.duration_max_seconds is not None and (
            self.duration_min_seconds is None
            or self.duration_max_seconds < self.duration_min_seconds
        ):
            errors["duration_max_seconds"] = (
                "The longest duration must be at least the shortest duration."
            )
        if self.repetitions_max is not None and (
            self.repetitions_min is None or self.repetitions_max < self.repetitions_min
        ):
            errors["repetitions_max"] = "The most repetitions must be at least the fewest."
        letters = re.match(r"[A-Za-z]*", self.code or "")[0].upper()
        if letters in Channel.values and self.channel and letters != self.channel:
            errors["channel"] = (
                f"{self.code} is a {Channel(letters).label} point: its code starts with "
                f"{letters}. Choose that channel, or correct the code."
            )
        errors |= self.review_errors()
        if errors:
            raise ValidationError(errors)

    def reportable_points(self):
        """None: a result reported on a point's own page is about that point (CommentForm)."""
        return

    def neighbours_in(self, reading_order):
        """The published points just before and after this one, as (previous, next), from
        `Point.objects.reading_order()`; either may be None."""
        here = (self.position, self.code)
        earlier = [row for row in reading_order if (row[3], row[2]) < here]
        later = [row for row in reading_order if (row[3], row[2]) > here]
        return (
            Point.from_order_row(earlier[-1]) if earlier else None,
            Point.from_order_row(later[0]) if later else None,
        )

    @classmethod
    def from_order_row(cls, row):
        pk, slug, code, position, pinyin = row
        return cls(pk=pk, slug=slug, code=code, position=position, pinyin=pinyin)

    def other_names(self):
        """The point's aliases, leaving out any that repeats its code, pinyin or English name,
        which its page shows already (from the prefetched aliases: no query of its own)."""
        shown = {self.code.casefold(), self.pinyin.casefold(), self.english_name.casefold()}
        return [alias for alias in self.aliases.all() if alias.name.casefold() not in shown]

    @property
    def map_label(self):
        """The body map's name for the point: "BL40 Weizhong, behind the knee"."""
        where = self.where_short or self.get_body_area_display().lower()
        return f"{self.code} {self.pinyin}, {where}"

    @property
    def pressure_advice(self):
        """How firmly to press, in the same words on every page: the set pressure, or light
        and comfortable where no source gives one."""
        return self.get_pressure_display() or "Light, comfortable"

    @property
    def duration_label(self):
        """ "1 to 2 minutes", "30 seconds"; empty when no source gives a duration."""
        low, high = self.duration_min_seconds, self.duration_max_seconds
        if low is None:
            return ""
        values = [low] if high in (None, low) else [low, high]
        if all(value % 60 == 0 for value in values):
            values = [value // 60 for value in values]
            unit = "minute" if values == [1] else "minutes"
        else:
            unit = "seconds"
        return f"{' to '.join(map(str, values))} {unit}"

    @property
    def repetitions_label(self):
        """ "once", "2 to 3 times"; empty when no source says."""
        low, high = self.repetitions_min, self.repetitions_max
        if low is None:
            return ""
        if high in (None, low):
            return "once" if low == 1 else f"{low} times"
        return f"{low} to {high} times"

    @property
    def article_technique_paragraphs(self):
        return [part.strip() for part in self.article_technique.split("\n\n") if part.strip()]

    @property
    def how_to_find_steps(self):
        return lines_of(self.how_to_find)

    @property
    def contraindication_list(self):
        return lines_of(self.contraindications)

    @property
    def caution_list(self):
        return lines_of(self.cautions)


def lines_of(text):
    """The non-empty lines of a one-item-per-line text field."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class PointReference(Citation):
    """A source cited on a point's page."""

    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="citations")

    class Meta(Citation.Meta):
        constraints = [
            models.UniqueConstraint(fields=["point", "reference"], name="point_reference_once")
        ]

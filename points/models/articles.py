"""Articles, their ordered sections in the author's words, and the people who write them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from points.models.fields import FormattedTextField
from points.models.pictures import Picture
from points.models.points import Point
from points.models.publishing import (
    KeepsOldURLs,
    Publishable,
    PublishableQuerySet,
    redirect_old_path,
)
from points.models.shown import ShownToReadersQuerySet
from points.models.sources import Citation, Reference


class Author(KeepsOldURLs):
    """A person who writes for the site, shown on their own page and under their articles."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    role = models.CharField(
        "role or affiliation",
        max_length=200,
        blank=True,
        help_text='e.g. "President of MisterBack".',
    )
    bio = FormattedTextField(blank=True, help_text="Paragraphs separated by a blank line.")
    picture = models.ForeignKey(
        Picture,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authors",
        verbose_name="photo",
        help_text="Choose it from the picture library, or add a new one with “+”. Its "
        "focal point (a face, say) stays in view in the square crop.",
    )

    objects = ShownToReadersQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("points:author-detail", kwargs={"slug": self.slug})


class ArticleQuerySet(PublishableQuerySet):
    def with_page_relations(self, points=None):
        """Everything an article's page shows; its sections' published points as cards, or
        as `points` (a queryset of Point) when the caller shows more of them (the routine)."""
        public_points = Point.objects.published().for_cards() if points is None else points
        return self.select_related("author__picture", "reviewer").prefetch_related(
            models.Prefetch("citations", ArticleReference.objects.select_related("reference")),
            models.Prefetch(
                "sections",
                ArticleSection.objects.prefetch_related(models.Prefetch("points", public_points)),
            ),
        )


class Article(Publishable):
    """A piece of writing made of ordered sections; the seed article is the first one."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="articles")
    summary = models.CharField(
        max_length=300, help_text="One or two sentences for search engines and article lists."
    )
    intro = FormattedTextField(help_text="Opening paragraphs, separated by a blank line.")
    closing = FormattedTextField(
        "closing text", blank=True, help_text="Paragraphs after the last section."
    )
    intro_note = FormattedTextField(
        "editor's note on the opening",
        blank=True,
        help_text="Shown after the opening: corrections and context for its claims.",
    )
    closing_note = FormattedTextField(
        "editor's note on the closing text",
        blank=True,
        help_text="Shown after the closing text: corrections and context for its claims.",
    )
    references = models.ManyToManyField(
        Reference, through="ArticleReference", related_name="articles", blank=True
    )
    is_site_routine = models.BooleanField(
        "use as the site's guided routine",
        default=False,
        help_text="The routine at /routine/ follows this article (one article at a time). "
        "Readers see it there once the article is published.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        indexes = [models.Index(fields=["status", "published_at"], name="article_public_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["is_site_routine"],
                condition=models.Q(is_site_routine=True),
                name="one_site_routine",
                violation_error_message="Another article is already the site's guided routine.",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("points:article-detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = self.review_errors()
        if self.is_site_routine:
            chosen = Article.objects.filter(is_site_routine=True).exclude(pk=self.pk).first()
            if chosen:
                errors["is_site_routine"] = (
                    f"“{chosen}” is the site's guided routine now. Untick “Use as the site's "
                    "guided routine” on that article first, then choose this one."
                )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        old_slug = None
        if self.pk:
            old_slug = Article.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
        super().save(*args, **kwargs)
        if old_slug and old_slug != self.slug:
            # The article's page keeps its old address (KeepsOldURLs); its routine does too.
            redirect_old_path(
                reverse("points:article-routine", kwargs={"slug": old_slug}), self.routine_url()
            )

    def routine_url(self):
        return reverse("points:article-routine", kwargs={"slug": self.slug})

    def linked_points(self):
        """The published points the sections link to, in reading order, each once (from the
        sections and points that `with_page_relations()` fetched)."""
        points = {}
        for section in self.sections.all():
            for point in section.points.all():
                points.setdefault(point.pk, point)
        return list(points.values())

    def first_picture(self):
        """The first picture of the first linked point that has one, or None."""
        uses = (use for point in self.linked_points() for use in point.pictures.all())
        return next((use.picture for use in uses), None)

    def reportable_points(self):
        """The points a reader may report a result on in a comment: those the sections link to
        (from what `with_page_relations()` fetched)."""
        return self.linked_points()


class ArticleSection(models.Model):
    """One section of an article, in the article's own words, linking to the points it is about."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0, help_text="Smallest first.")
    heading = models.CharField(max_length=200)
    body = FormattedTextField(help_text="Paragraphs separated by a blank line.")
    editor_note = FormattedTextField(
        "editor's note",
        blank=True,
        help_text="Shown beside the section: corrections and context, e.g. a point's real channel.",
    )
    points = models.ManyToManyField(Point, related_name="sections", blank=True)

    objects = ShownToReadersQuerySet.as_manager()

    class Meta:
        ordering = ["article", "position", "pk"]

    def __str__(self):
        return self.heading

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        return f"section-{self.position}"


class ArticleReference(Citation):
    """A source cited by an article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations")

    class Meta(Citation.Meta):
        constraints = [
            models.UniqueConstraint(fields=["article", "reference"], name="article_reference_once")
        ]

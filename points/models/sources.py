"""What lets readers judge a page: who reviewed it, and the sources it rests on."""

from django.db import models
from django.db.models import Q

from points.models.shown import ShownToReadersQuerySet


class Reviewer(models.Model):
    """Who checks pages (a person or a team), named with their role on the pages they reviewed."""

    name = models.CharField(
        max_length=120, help_text="A person's name, or a team's, e.g. \"the editorial team\"."
    )
    credential = models.CharField(
        "role or qualification",
        max_length=200,
        help_text='What they are and what they checked, e.g. "Registered physiotherapist", or '
        '"site editors (not medical professionals), against the references listed". Never '
        "claim a qualification nobody holds.",
    )
    is_team = models.BooleanField(
        "a team, not one person",
        default=False,
        help_text="Tick for a group such as the editorial team.",
    )

    objects = ShownToReadersQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credential}"


class Reference(models.Model):
    """A published source (a study, a standard), cited by number on the pages that use it."""

    title = models.CharField(max_length=300)
    authors = models.CharField(
        max_length=300, blank=True, help_text='As cited, e.g. "Murphy SL, Harris RE, et al."'
    )
    publication = models.CharField(
        max_length=200, blank=True, help_text="Journal or publisher, with volume and pages."
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    url = models.URLField("web address", blank=True)
    doi = models.CharField(
        "DOI", max_length=100, blank=True, help_text="e.g. 10.1093/pm/pnz138 (without https://)"
    )

    objects = ShownToReadersQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["doi"], condition=~Q(doi=""), name="reference_unique_doi"
            )
        ]

    def __str__(self):
        year = f" ({self.year})" if self.year else ""
        return f"{self.authors}{year}. {self.title}" if self.authors else self.title

    @property
    def link(self):
        """Where a reader can read the source: its DOI if it has one, else its web address."""
        return f"https://doi.org/{self.doi}" if self.doi else self.url


class Citation(models.Model):
    """A source cited on a page, numbered by its position: [1] in the text links to it."""

    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(
        default=1, help_text="Its number in the text: write [1] to cite the first."
    )

    objects = ShownToReadersQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self):
        return f"[{self.position}] {self.reference}"

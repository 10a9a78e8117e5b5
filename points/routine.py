"""A guided routine: points one after another, each with how long to press it.

The article says "you can follow a sequence or combine all the acupressure points. Take your
time and do not rush." Every article that links points has its routine: the steps its editors
set (order and times, RoutineStep), or else its sections' points in reading order. Durations
come from the editors' step, else the point's own page; where neither gives one, the routine
paces the reader at DEFAULT_SECONDS per side and says that this pacing is ours. The site-wide
routine is the article editors chose (Article.is_site_routine), never simply the latest.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Prefetch, Q

from points.models import Article, Point, Sides
from points.models.points import picture_uses
from points.models.routines import RoutineStep as EditorsStep

DEFAULT_SECONDS = 60
MAX_POINTS = 20


@dataclass
class RoutineStep:
    number: int
    point: object
    seconds_per_side: int
    sides: int
    duration_from_source: bool
    paced_by_editors: bool = False

    @property
    def total_seconds(self):
        return self.seconds_per_side * self.sides


@dataclass
class Routine:
    steps: list

    @property
    def total_seconds(self):
        return sum(step.total_seconds for step in self.steps)

    @property
    def total_minutes(self):
        return -(-self.total_seconds // 60)  # rounded up

    @property
    def slugs(self):
        return [step.point.slug for step in self.steps]

    def query_moving(self, step, offset):
        """The query string of this routine with `step` moved `offset` places (-1: earlier),
        for the plain links that reorder it without JavaScript; None at either end."""
        slugs = self.slugs
        index, target = step.number - 1, step.number - 1 + offset
        if not 0 <= target < len(slugs):
            return None
        slugs[index], slugs[target] = slugs[target], slugs[index]
        return urlencode({"points": slugs}, doseq=True)


def build_routine(points, editors_seconds=None):
    """The routine of `points` in their order; `editors_seconds` ({point pk: seconds}) are the
    times the article's editors set, over the points' own."""
    editors_seconds = editors_seconds or {}
    steps = []
    for number, point in enumerate(points, start=1):
        seconds = point.duration_max_seconds or point.duration_min_seconds
        set_by_editors = editors_seconds.get(point.pk)
        steps.append(
            RoutineStep(
                number=number,
                point=point,
                seconds_per_side=set_by_editors or seconds or DEFAULT_SECONDS,
                sides=2 if point.sides == Sides.BOTH else 1,
                duration_from_source=seconds is not None,
                paced_by_editors=set_by_editors is not None,
            )
        )
    return Routine(steps)


def with_routine_steps(articles):
    """`articles` with their page relations and the steps their editors set, each with its
    point when published (steps of a point since unpublished are left out of the routine)."""
    public_points = Point.objects.published().with_pictures()
    steps = EditorsStep.objects.filter(point__in=public_points).select_related("point")
    # Each step shows its point's picture: fetched with the steps, not a query a step.
    steps = steps.prefetch_related(Prefetch("point__pictures", picture_uses().queryset))
    # The routine shows more of each point than a card does (its cautions, posture, steps).
    return articles.with_page_relations(points=public_points).prefetch_related(
        Prefetch("routine_steps", steps, to_attr="public_routine_steps")
    )


def article_routine(article):
    """The routine of `article` (fetched by `with_routine_steps`): its editors' steps when
    they set any, else its sections' published points in reading order."""
    steps = article.public_routine_steps
    if steps:
        seconds = {step.point_id: step.seconds_per_side for step in steps if step.seconds_per_side}
        return build_routine([step.point for step in steps], seconds)
    return build_routine(article.linked_points())


def articles_whose_routine_has(point):
    """The published articles whose routine shows `point` while it is public (as
    article_routine() makes a routine): those whose editors chose it as a step, and those whose
    editors chose no steps and whose sections link it."""
    chosen = Q(routine_steps__point=point)
    from_sections = Q(sections__points=point, routine_steps__isnull=True)
    return Article.objects.published().filter(chosen | from_sections).distinct()


def site_article():
    """The published article editors chose for the site's routine, or None."""
    chosen = Article.objects.published().filter(is_site_routine=True)
    return with_routine_steps(chosen).first()


def articles_with_routines():
    """The published articles that have a routine (they link a published point), newest first."""
    articles = Article.objects.published().filter(sections__points__in=Point.objects.published())
    return Article.objects.filter(pk__in=articles.values("pk")).select_related("author")


def routine_for(wanted_slugs):
    """The routine for the points the reader chose (slugs, in their order), or when they chose
    none, the routine of the article editors chose for the site (None when they chose none, or
    it has no published point). Returns (routine, its article or None, every published point,
    the chosen slugs that are no point)."""
    published = list(Point.objects.published().with_pictures())
    if not wanted_slugs:
        article = site_article()
        routine = article_routine(article) if article else build_routine([])
        return routine, article if routine.steps else None, published, []
    by_slug = {point.slug: point for point in published}
    chosen = [by_slug[slug] for slug in dict.fromkeys(wanted_slugs) if slug in by_slug]
    unknown = [slug for slug in wanted_slugs if slug not in by_slug]
    return build_routine(chosen), None, published, unknown

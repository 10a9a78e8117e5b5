"""A guided routine: points one after another, each with how long to press it.

The article says "you can follow a sequence or combine all the acupressure points. Take your
time and do not rush." Durations come from the point's own page; where no source gives one, the
routine paces the reader at DEFAULT_SECONDS per side and says that this pacing is ours.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from points.models import Article, Point, Sides

DEFAULT_SECONDS = 60
MAX_POINTS = 20


@dataclass
class RoutineStep:
    number: int
    point: object
    seconds_per_side: int
    sides: int
    duration_from_source: bool

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


def build_routine(points):
    steps = []
    for number, point in enumerate(points, start=1):
        seconds = point.duration_max_seconds or point.duration_min_seconds
        steps.append(
            RoutineStep(
                number=number,
                point=point,
                seconds_per_side=seconds or DEFAULT_SECONDS,
                sides=2 if point.sides == Sides.BOTH else 1,
                duration_from_source=seconds is not None,
            )
        )
    return Routine(steps)


def routine_for(wanted_slugs):
    """The routine for the points the reader chose (slugs, in their order), or when they chose
    none, for the points of the latest article in its order (or every point when there is no
    article). Returns (routine, every published point, the chosen slugs that are no point)."""
    published = list(Point.objects.published().prefetch_related("images"))
    if not wanted_slugs:
        article = Article.objects.published().with_page_relations().first()
        return build_routine(article.linked_points() if article else published), published, []
    by_slug = {point.slug: point for point in published}
    chosen = [by_slug[slug] for slug in dict.fromkeys(wanted_slugs) if slug in by_slug]
    unknown = [slug for slug in wanted_slugs if slug not in by_slug]
    return build_routine(chosen), published, unknown

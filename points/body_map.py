"""The body map: where each point's markers go on the front and back figures, and the tap
targets a finger can hit.

Coordinates are in the figures' own units: they are drawn on a 200 by 400 grid (a point's map_x
and map_y are percentages of it), and a point on both sides of the body gets a second, mirrored
marker. Markers are often closer together than a fingertip (BL23 and BL52 are 7 px apart on a
phone), so each marker gets a square tap target as large as its neighbours leave room for (44
CSS px at most, TARGET_MIN_PX at least, measured on the narrowest phone, 320 px wide), and
markers that leave less room than that are grouped into one target that opens a chooser listing
their points. Targets scale with the figure, so a map that fits without overlap on the narrowest
phone fits on every wider screen.
"""

import functools
from dataclasses import dataclass, field
from itertools import combinations
from types import SimpleNamespace

from points.models import MapView, Sides

FIGURE_WIDTH, FIGURE_HEIGHT = 200, 400
FIGURES = {MapView.FRONT: "points/body-front.svg", MapView.BACK: "points/body-back.svg"}

# The width, in CSS px, one figure gets on a 320 px screen (static/css/site.css: the page's
# 1rem padding, two figures side by side, their gap and border); the browser tests check it.
NARROWEST_FIGURE_PX = {"full": 136, "compact": 120}
TARGET_MAX_PX = 44  # WCAG 2.5.5 (AAA): 44 px, where there is room
TARGET_MIN_PX = 28  # WCAG 2.5.8 (AA) asks for 24; the rest is room for rounding
GAP = 1  # figure units left between two targets
LABEL_SIZE = {"full": 15, "compact": 22}  # figure units: about 10 and 13 px at the narrowest


@dataclass
class Marker:
    point: object
    x: float
    y: float
    mirrored: bool
    current: bool


@dataclass
class Target:
    """One tap target: a link to its point, or, for markers too close to tell apart, to a
    chooser that lists their points. Its box is in figure units."""

    markers: list
    x0: float = 0
    y0: float = 0
    x1: float = 0
    y1: float = 0
    number: int = 0
    chooser: int = 0  # the number of the target whose chooser this one opens
    repeat: bool = False  # the same link as an earlier target (the other side of the body)
    label_size: float = 15

    @functools.cached_property
    def points(self):
        """Its markers' points, each once. Kept after the first use: the template and the
        label's place ask many times, and a target's markers are final by then (lay_out()
        merges markers before it asks)."""
        return list({marker.point.pk: marker.point for marker in self.markers}.values())

    @property
    def is_group(self):
        return len(self.points) > 1

    @property
    def current(self):
        return any(marker.current for marker in self.markers)

    @property
    def width(self):
        return self.x1 - self.x0

    @property
    def height(self):
        return self.y1 - self.y0

    @property
    def cx(self):
        return (self.x0 + self.x1) / 2

    @property
    def cy(self):
        return (self.y0 + self.y1) / 2

    @property
    def label(self):
        return f"{len(self.points)} points" if self.is_group else self.points[0].code

    @property
    def label_x(self):
        half = len(self.label) * self.label_size * 0.33
        return min(max(self.cx, half + 2), FIGURE_WIDTH - half - 2)

    @property
    def label_y(self):
        """Below a single marker's dot, above a group's box; the other way round where there is
        no room."""
        if self.is_group:
            above = self.y0 - 4
            return above if above > self.label_size + 16 else self.y1 + self.label_size
        lowest = max(marker.y for marker in self.markers)
        below = lowest + 8 + self.label_size * 0.8
        highest = min(marker.y for marker in self.markers)
        return below if below < FIGURE_HEIGHT - 2 else highest - 10

    def overlaps(self, other):
        return not (
            self.x1 + GAP <= other.x0
            or other.x1 + GAP <= self.x0
            or self.y1 + GAP <= other.y0
            or other.y1 + GAP <= self.y0
        )


@dataclass
class MapPanel:
    view: MapView
    figure: str
    markers: list
    targets: list = field(default_factory=list)
    width: int = FIGURE_WIDTH
    height: int = FIGURE_HEIGHT

    @property
    def groups(self):
        return [target for target in self.targets if target.is_group and not target.repeat]


def body_map(points, *, current=None, compact=False):
    """One panel per view (front, back) with the markers of the points placed on it and their
    tap targets. `compact`: the small map of a point page."""
    size = "compact" if compact else "full"
    panels = {view: MapPanel(view, figure, []) for view, figure in FIGURES.items()}
    for point in points:
        if point.map_x is None or point.map_y is None:
            continue
        x, y = float(point.map_x) * FIGURE_WIDTH / 100, float(point.map_y) * FIGURE_HEIGHT / 100
        is_current = current is not None and point.pk == current.pk
        markers = panels[MapView(point.map_view)].markers
        markers.append(Marker(point, x, y, mirrored=False, current=is_current))
        if point.sides == Sides.BOTH and abs(x - FIGURE_WIDTH / 2) > 1:
            markers.append(Marker(point, FIGURE_WIDTH - x, y, mirrored=True, current=is_current))
    for panel in panels.values():
        panel.targets = tap_targets(panel.markers, size=size)
    return list(panels.values())


def tap_targets(markers, *, size="full"):
    """The tap targets of `markers` (see lay_out). Their layout depends only on where the
    markers are and whose they are, so it is worked out once for each arrangement: the same
    points give the same map on every page that shows them."""
    geometry = tuple((marker.x, marker.y, marker.mirrored, marker.point.pk) for marker in markers)
    return [
        Target(
            [markers[index] for index in indices],
            *box,
            number=number,
            chooser=chooser,
            repeat=repeat,
            label_size=LABEL_SIZE[size],
        )
        for indices, box, number, chooser, repeat in layout_of(geometry, size)
    ]


@functools.lru_cache(maxsize=256)
def layout_of(geometry, size):
    """lay_out() of markers at `geometry` ((x, y, mirrored, point's pk) each): for each target,
    (its markers' indices, its box, number, chooser, repeat). A pure function, memoised."""
    markers = [
        Marker(SimpleNamespace(pk=pk), x, y, mirrored, current=False)
        for x, y, mirrored, pk in geometry
    ]
    index = {id(marker): number for number, marker in enumerate(markers)}
    return tuple(
        (
            tuple(index[id(marker)] for marker in target.markers),
            (target.x0, target.y0, target.x1, target.y1),
            target.number,
            target.chooser,
            target.repeat,
        )
        for target in lay_out(markers, size)
    )


def lay_out(markers, size):
    """Targets that never overlap: markers closer than the smallest target are grouped (again
    and again, as a group's box is larger), then each target grows towards 44 px while it
    touches no other."""
    units_per_px = FIGURE_WIDTH / NARROWEST_FIGURE_PX[size]
    smallest, largest = TARGET_MIN_PX * units_per_px, TARGET_MAX_PX * units_per_px
    targets = [Target([marker]) for marker in markers]
    for target in targets:
        fit(target, smallest / 2)
    while pair := next(
        ((a, b) for a, b in combinations(targets, 2) if a.overlaps(b)),
        None,
    ):
        first, second = pair
        targets.remove(second)
        first.markers += second.markers
        fit(first, smallest / 2)
    for target in targets:
        grow(target, [other for other in targets if other is not target], largest)
    targets.sort(key=lambda target: (target.cy, target.cx))
    seen = {}
    for number, target in enumerate(targets, start=1):
        target.number = number
        target.label_size = LABEL_SIZE[size]
        key = frozenset(point.pk for point in target.points)
        mirrored_only = all(marker.mirrored for marker in target.markers)
        target.repeat = key in seen or (mirrored_only and not target.is_group)
        target.chooser = seen.setdefault(key, number)
    return targets


def fit(target, margin):
    """Size the target's box to its markers plus `margin` each side, kept inside the figure."""
    xs = [marker.x for marker in target.markers]
    ys = [marker.y for marker in target.markers]
    target.x0, target.x1 = min(xs) - margin, max(xs) + margin
    target.y0, target.y1 = min(ys) - margin, max(ys) + margin
    keep_inside(target)


def grow(target, others, largest):
    """Widen a box a unit at a time towards `largest` on each axis while it overlaps nothing."""
    for axis in ("x", "y"):
        low, high = f"{axis}0", f"{axis}1"
        while getattr(target, high) - getattr(target, low) + 1 <= largest:
            before = getattr(target, low), getattr(target, high)
            setattr(target, low, before[0] - 0.5)
            setattr(target, high, before[1] + 0.5)
            keep_inside(target)
            if any(target.overlaps(other) for other in others):
                setattr(target, low, before[0])
                setattr(target, high, before[1])
                break


def keep_inside(target):
    """Shift a box back inside the figure (a marker at the sole would hang below it)."""
    for low, high, limit in (("x0", "x1", FIGURE_WIDTH), ("y0", "y1", FIGURE_HEIGHT)):
        start, end = getattr(target, low), getattr(target, high)
        shift = max(0 - start, 0) - max(end - limit, 0)
        setattr(target, low, max(start + shift, 0))
        setattr(target, high, min(end + shift, limit))

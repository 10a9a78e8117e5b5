"""The body map: where each point's markers go on the front and back figures.

Coordinates are percentages of the figure (0 to 100 across and down); the figures are drawn on
a 200 by 400 grid, and a point on both sides of the body gets a second, mirrored marker.
"""

from dataclasses import dataclass

from points.models import MapView, Sides

FIGURE_WIDTH, FIGURE_HEIGHT = 200, 400
UNDERFOOT = 10  # the bottom of the figures: the soles, below the top of the feet
FIGURES = {MapView.FRONT: "points/body-front.svg", MapView.BACK: "points/body-back.svg"}


@dataclass
class Marker:
    point: object
    x: float
    y: float
    mirrored: bool
    current: bool

    @property
    def is_underfoot(self):
        """A marker under the foot (the sole): its label goes beside it, away from the
        midline, as there is no room below and the top of the foot has markers of its own."""
        return self.y > FIGURE_HEIGHT - UNDERFOOT

    @property
    def label_x(self):
        if self.is_underfoot:
            return self.x - 17 if self.x < FIGURE_WIDTH / 2 else self.x + 17
        return min(max(self.x, 24), FIGURE_WIDTH - 24)

    @property
    def label_y(self):
        if self.is_underfoot:
            return self.y + 3
        return self.y - 10 if self.y > 20 else self.y + 18


@dataclass
class MapPanel:
    view: MapView
    figure: str
    markers: list
    width: int = FIGURE_WIDTH
    height: int = FIGURE_HEIGHT


def body_map(points, *, current=None):
    """One panel per view (front, back) with the markers of the points placed on it."""
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
    return list(panels.values())

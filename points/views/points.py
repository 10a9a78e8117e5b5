"""A point's page, and the pages that find points: the index with its filters, complaints and
body areas."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from points import structured_data
from points.body_map import body_map
from points.forms import PointFilterForm
from points.models import BodyArea, Condition, Point, ResultSummary
from points.page_cache import cache_public_page, site_data
from points.views.commented_page import CommentedPage

INDEX_POINTS_PER_PAGE = 12
INDEX_PARAMS = ["area", "condition", "page"]


class PointPage(CommentedPage):
    model = Point
    template_name = "points/point_detail.html"
    context_name = "point"

    def extra_context(self, request, point):
        reading_order = site_data("reading-order", Point.objects.reading_order)
        previous_point, next_point = point.neighbours_in(reading_order)
        trail = [
            ("Home", reverse("points:home")),
            ("Points", reverse("points:point-index")),
            (f"{point.code} {point.pinyin}", point.get_absolute_url()),
        ]
        return {
            "previous_point": previous_point,
            "next_point": next_point,
            "results": ResultSummary.of(point),
            "body_map": body_map([point], current=point, compact=True),
            "structured_data": [
                structured_data.point(request, point),
                structured_data.breadcrumbs(request, trail),
            ],
        }


point_detail, point_comment = PointPage().views()


@require_safe
@cache_public_page(params=INDEX_PARAMS)
def point_index(request):
    """All points by body area, or those matching the filters in the query string
    (bookmarkable), a page at a time."""
    points = Point.objects.published().in_body_area_order()
    form = PointFilterForm(request.GET or None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            points = form.filter(points)
        else:
            status = 400
    page = Paginator(points, INDEX_POINTS_PER_PAGE).get_page(request.GET.get("page"))
    if request.GET.get("page", "1") != str(page.number):
        raise Http404("No such page of points.")
    page_points = list(page.object_list.for_cards())
    context = {
        "points_by_area": group_by_body_area(page_points),
        "page": page,
        "count": page.paginator.count,
        "filter_form": form,
        "body_map": body_map(page_points),
        "filter_query": urlencode(form.cleaned_data if form.is_bound and form.is_valid() else {}),
        "editable": (Point, {}),
    }
    return render(request, "points/point_index.html", context, status=status)


def group_by_body_area(points):
    """[(BodyArea, [points])] in body-area order, leaving out areas without points."""
    groups = {area: [] for area in BodyArea}
    for point in points:
        groups[BodyArea(point.body_area)].append(point)
    return [(area, area_points) for area, area_points in groups.items() if area_points]


@require_safe
@cache_public_page
def condition_index(request):
    conditions = Condition.objects.with_published_points().annotate(
        point_count=Count("points", filter=Q(points__in=Point.objects.published()))
    )
    context = {"conditions": conditions, "editable": (Condition, {})}
    return render(request, "points/condition_index.html", context)


@require_safe
@cache_public_page
def condition_detail(request, slug):
    condition = get_object_or_404(Condition.objects.with_published_points(), slug=slug)
    points = condition.points.published().for_cards()
    context = {"condition": condition, "points": points, "editable": condition}
    return render(request, "points/condition_detail.html", context)


@require_safe
@cache_public_page
def body_area_detail(request, area):
    if area not in BodyArea.values:
        raise Http404("No such body area.")
    area = BodyArea(area)
    points = Point.objects.published().filter(body_area=area).for_cards()
    if not points:
        raise Http404("No published points in this area.")
    context = {"area": area, "points": points, "editable": (Point, {"body_area": area.value})}
    return render(request, "points/body_area_detail.html", context)

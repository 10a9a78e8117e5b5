"""The site's own pages: home, search, the guided routine, the disclaimer, and what machines
ask for (health check, robots.txt, uploaded pictures)."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe
from django.views.static import serve

from points.body_map import body_map
from points.models import Article, Condition, Disclaimer, Point
from points.page_cache import cache_public_page, site_data
from points.routine import MAX_POINTS, articles_with_routines, routine_for
from points.search import search as run_search
from points.site_urls import absolute_url

logger = logging.getLogger(__name__)

# The home page shows the first points, on the map too; the point index has them all.
HOME_POINTS = 12
MEDIA_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")


@require_safe
@cache_public_page
def home(request):
    published = Point.objects.published()
    points = list(published.for_cards()[:HOME_POINTS])
    review = site_data("review-summary", Point.objects.review_summary)
    context = {
        "articles": Article.objects.published().select_related("author")[:5],
        "points": points,
        "point_count": review["points"],
        "review": review,
        "body_map": body_map(points),
        "conditions": Condition.browsable(),
    }
    return render(request, "points/home.html", context)


@require_safe
def search(request):
    query = request.GET.get("q", "")
    results = run_search(query) if query.strip() else None
    return render(request, "points/search.html", {"query": query, "results": results})


@require_safe
@cache_public_page(params=["points"], repeatable=["points"])
def routine(request):
    """The reader's own points (?points=slug&points=slug, shareable), or the routine of the
    article editors chose for the site; when they chose none, the articles' routines to pick
    from."""
    asked = request.GET.getlist("points")
    wanted = asked[:MAX_POINTS]
    routine, article, all_points, unknown = routine_for(wanted)
    context = {
        "routine": routine,
        "article": article,
        "all_points": all_points,
        "is_custom": bool(wanted),
        "unknown": unknown,
        "routine_articles": [] if wanted or article else articles_with_routines(),
        "editable": article,  # Its steps are edited with the article.
    }
    status = 200 if routine.steps or not wanted else 400
    response = render(request, "points/routine.html", context, status=status)
    if unknown or len(set(asked)) != len(asked) or len(asked) > MAX_POINTS:
        # Rendered, but not kept: each odd spelling of a routine would be another cached copy.
        patch_cache_control(response, no_cache=True)
    return response


@require_safe
@cache_public_page
def disclaimer(request):
    return render(
        request, "points/disclaimer.html", {"editable": SimpleLazyObject(Disclaimer.current)}
    )


@require_safe
def healthz(request):
    """For load balancers and monitors: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    response = JsonResponse({"status": "ok"})
    patch_cache_control(response, no_store=True)
    return response


@require_safe
def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever the page names: the site's icon."""
    return redirect(static("favicon.svg"), permanent=True)


@require_safe
def robots_txt(request):
    context = {
        "sitemap_url": absolute_url(request, reverse("sitemap")),
        "admin_path": reverse("admin:index"),
    }
    return render(request, "robots.txt", context, content_type="text/plain")


@require_safe
def media(request, path):
    """Serve an uploaded picture. `serve` refuses paths outside MEDIA_ROOT; only picture
    extensions are served at all; names are random and never reused, so a year's caching is
    safe."""
    if not path.lower().endswith(MEDIA_EXTENSIONS):
        raise Http404("Not a picture.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
    return response

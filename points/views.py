"""Public pages. Each view picks its rows through the models' named querysets, so what readers
may see is decided in one place (`published()` / `viewable_by()`)."""

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET
from django.views.static import serve

from points.models import Article, ArticleSection, Author, BodyArea, Point


@require_GET
def home(request):
    articles = Article.objects.published().select_related("author")
    points = Point.objects.published().prefetch_related("images")
    return render(request, "points/home.html", {"articles": articles, "points": points})


@require_GET
def article_detail(request, slug):
    article = get_object_or_404(
        Article.objects.viewable_by(request.user).with_page_relations(), slug=slug
    )
    return render_page(request, "points/article_detail.html", {"article": article}, article)


@require_GET
def point_index(request):
    points = Point.objects.published().prefetch_related("images")
    return render(
        request, "points/point_index.html", {"points_by_area": group_by_body_area(points)}
    )


@require_GET
def point_detail(request, slug):
    sections = ArticleSection.objects.filter(
        article__in=Article.objects.published()
    ).select_related("article")
    point = get_object_or_404(
        Point.objects.viewable_by(request.user)
        .with_page_relations()
        .prefetch_related(Prefetch("sections", sections)),
        slug=slug,
    )
    context = {
        "point": point,
        "previous_point": point.neighbour(before=True),
        "next_point": point.neighbour(before=False),
    }
    return render_page(request, "points/point_detail.html", context, point)


@require_GET
def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = author.articles.published()
    if not articles.exists() and not request.user.is_staff:
        # An author page is public once they have a published article.
        raise Http404("No published articles by this author.")
    return render(request, "points/author_detail.html", {"author": author, "articles": articles})


@require_GET
def disclaimer(request):
    return render(request, "points/disclaimer.html")


@require_GET
def media(request, path):
    """Serve an uploaded picture. `serve` refuses paths outside MEDIA_ROOT; only picture
    extensions are served at all, and names are never reused, so they may be cached long."""
    if not path.lower().endswith(MEDIA_EXTENSIONS):
        raise Http404("Not a picture.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    patch_cache_control(response, public=True, max_age=60 * 60 * 24 * 30)
    return response


MEDIA_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")


def render_page(request, template_name, context, page):
    """Render a publishable page; a draft (seen only by staff) is marked as a preview and kept
    out of caches and search engines."""
    response = render(request, template_name, context | {"is_preview": not page.is_public})
    if not page.is_public:
        patch_cache_control(response, private=True, no_cache=True)
        response["X-Robots-Tag"] = "noindex"
    return response


def group_by_body_area(points):
    """[(BodyArea, [points])] in body-area order, leaving out areas without points."""
    groups = {area: [] for area in BodyArea}
    for point in points:
        groups[BodyArea(point.body_area)].append(point)
    return [(area, area_points) for area, area_points in groups.items() if area_points]

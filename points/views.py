"""Public pages. Each view picks its rows through the models' named querysets, so what readers
may see is decided in one place (`published()` / `viewable_by()`)."""

import hashlib
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Count, Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django.views.static import serve

from points import comments, structured_data
from points.body_map import body_map
from points.context_processors import absolute_url
from points.forms import CommentForm, PointFilterForm
from points.fragments import Fragments, page_fragments
from points.models import (
    Article,
    ArticleSection,
    Author,
    BodyArea,
    Comment,
    CommentStatus,
    Condition,
    Point,
    ResultReport,
    ResultSummary,
)
from points.models.articles import ArticleQuerySet
from points.page_cache import cache_public_page, cached_for_this_version
from points.routine import MAX_POINTS, build_routine
from points.search import search as run_search
from points.security import require_same_origin

logger = logging.getLogger(__name__)


@require_GET
@cache_public_page
def home(request):
    published = Point.objects.published()
    points = SimpleLazyObject(lambda: list(published.prefetch_related("images")[:HOME_POINTS]))
    # Lazy: none of it is fetched when the page's content comes from its fragment.
    context = {
        "articles": Article.objects.published().select_related("author")[:5],
        "points": points,
        "point_count": SimpleLazyObject(published.count),
        "body_map": SimpleLazyObject(lambda: body_map(points)),
        "conditions": Condition.objects.with_published_points(),
    }
    fragments = page_fragments(request, "home", content=["home"])
    return render_with_fragments(request, "points/home.html", context, fragments)


# The home page shows the first points, on the map too; the point index has them all.
HOME_POINTS = 12
INDEX_POINTS_PER_PAGE = 12


# The fragments of an article's and a point's page (see points.fragments), by what they show.
# A point's page also has readers' results; both pages have the comment form's fields.
ARTICLE_FRAGMENTS = ["og-image", "structured-data", "article", "comment-form"]
POINT_FRAGMENTS = ["og-image", "preload", "structured-data", "point", "sources", "comment-form"]


@require_GET
@cache_public_page(params=["comments"])
def article_detail(request, slug):
    fragments = fragments_of(request, f"article:{slug}", ARTICLE_FRAGMENTS, ["comments"])
    articles = Article.objects.viewable_by(request.user)
    article = page_for(fragments, articles, ArticleQuerySet.with_page_relations, slug)
    return article_page(request, article, fragments)


@csrf_exempt  # Cross-site posts are refused by require_same_origin; see points/security.py.
@require_POST
@require_same_origin
def article_comment(request, slug):
    article = get_object_or_404(Article.objects.published().with_page_relations(), slug=slug)
    return post_comment(request, article, article_page)


def article_page(request, article, fragments, *, form=None, status=200):
    form = form or CommentForm(page=article, report_points=article.reportable_points())

    def first_image_url():
        images = (image for point in article_points(article) for image in point.images.all())
        return next((image.image.url for image in images), None)

    # Lazy (the template calls a function): used only when a fragment is rendered.
    context = {
        "article": article,
        "og_image": first_image_url,
        "structured_data": SimpleLazyObject(
            lambda: [
                structured_data.article(request, article, image_path=first_image_url()),
                structured_data.breadcrumbs(
                    request,
                    [
                        ("Home", reverse("points:home")),
                        (article.title, article.get_absolute_url()),
                    ],
                ),
            ]
        ),
    } | comments_context(request, article, form)
    return render_page(
        request, "points/article_detail.html", context, article, fragments, status=status
    )


INDEX_PARAMS = ["area", "condition", "page"]


@require_GET
@cache_public_page(params=INDEX_PARAMS)
def point_index(request):
    """All points by body area, or those matching the filters in the query string
    (bookmarkable), a page at a time."""
    query = request.GET.urlencode()
    scope = f"index:{hashlib.sha256(query.encode()).hexdigest()[:32]}"
    fragments = page_fragments(request, scope, content=["title", "index"])
    if fragments.complete:
        # Stored only for valid filters and a real page number: nothing to check or fetch.
        return render_with_fragments(request, "points/point_index.html", {}, fragments)
    points = Point.objects.published().in_body_area_order()
    form = PointFilterForm(request.GET or None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            points = form.filter(points)
        else:
            status = 400
    page = Paginator(points, INDEX_POINTS_PER_PAGE).get_page(request.GET.get("page"))
    page_points = list(page.object_list.prefetch_related("images"))
    context = {
        "points_by_area": group_by_body_area(page_points),
        "page": page,
        "count": page.paginator.count,
        "filter_form": form,
        "body_map": body_map(page_points),
        "filter_query": urlencode(form.cleaned_data if form.is_bound and form.is_valid() else {}),
    }
    if not is_canonical_index_query(request, status, page):
        fragments = Fragments()  # kept only for the queries readers are linked to
    return render_with_fragments(
        request, "points/point_index.html", context, fragments, status=status
    )


def is_canonical_index_query(request, status, page):
    """Valid filters, each given once, no other parameter, and the page number shown."""
    return (
        status == 200
        and all(
            name in INDEX_PARAMS and len(request.GET.getlist(name)) == 1 for name in request.GET
        )
        and request.GET.get("page", "1") == str(page.number)
    )


@require_GET
@cache_public_page
def condition_index(request):
    conditions = Condition.objects.with_published_points().annotate(
        point_count=Count("points", filter=Q(points__in=Point.objects.published()))
    )
    return render(request, "points/condition_index.html", {"conditions": conditions})


@require_GET
@cache_public_page
def condition_detail(request, slug):
    condition = get_object_or_404(Condition.objects.with_published_points(), slug=slug)
    points = condition.points.published().prefetch_related("images")
    return render(
        request, "points/condition_detail.html", {"condition": condition, "points": points}
    )


@require_GET
@cache_public_page
def body_area_detail(request, area):
    if area not in BodyArea.values:
        raise Http404("No such body area.")
    area = BodyArea(area)
    points = Point.objects.published().filter(body_area=area).prefetch_related("images")
    if not points:
        raise Http404("No published points in this area.")
    return render(request, "points/body_area_detail.html", {"area": area, "points": points})


@require_GET
def search(request):
    query = request.GET.get("q", "")
    results = run_search(query) if query.strip() else None
    return render(request, "points/search.html", {"query": query, "results": results})


@require_GET
@cache_public_page(params=["points"])
def routine(request):
    """The reader's own points (?points=slug&points=slug, shareable) or the article's."""
    wanted = request.GET.getlist("points")[:MAX_POINTS]
    published = list(Point.objects.published())
    by_slug = {point.slug: point for point in published}
    if wanted:
        chosen = [by_slug[slug] for slug in dict.fromkeys(wanted) if slug in by_slug]
        unknown = [slug for slug in wanted if slug not in by_slug]
    else:
        article = Article.objects.published().with_page_relations().first()
        chosen, unknown = (article_points(article) if article else published), []
    context = {
        "routine": build_routine(chosen),
        "all_points": published,
        "is_custom": bool(wanted),
        "unknown": unknown,
    }
    return render(request, "points/routine.html", context, status=400 if not chosen else 200)


@require_GET
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


@require_GET
def robots_txt(request):
    context = {
        "sitemap_url": absolute_url(request, reverse("sitemap")),
        "admin_path": reverse("admin:index"),
    }
    return render(request, "robots.txt", context, content_type="text/plain")


@require_GET
@cache_public_page(params=["comments"])
def point_detail(request, slug):
    fragments = fragments_of(request, f"point:{slug}", POINT_FRAGMENTS, ["results", "comments"])
    points = Point.objects.viewable_by(request.user)
    point = page_for(fragments, points, point_page_queryset, slug)
    return point_page(request, point, fragments)


def page_for(fragments, pages, with_relations, slug):
    """The page with `slug`: only its own row when every fragment of it is cached, otherwise
    with everything its template shows (`with_relations(pages)`). A page readers cannot see
    (an editor's preview) is always rendered in full, so it always gets everything."""
    if fragments.complete:
        page = get_object_or_404(pages, slug=slug)
        if page.is_public:
            return page
    return get_object_or_404(with_relations(pages), slug=slug)


def fragments_of(request, scope, content, comment_fragments):
    """The fragments of an article's or a point's page, with the page of comments asked for."""
    return page_fragments(
        request,
        scope,
        content=content,
        comments=comment_fragments,
        comments_page=comments.page_number(request.GET.get("comments")),
    )


@csrf_exempt  # Cross-site posts are refused by require_same_origin; see points/security.py.
@require_POST
@require_same_origin
def point_comment(request, slug):
    point = get_object_or_404(point_page_queryset(Point.objects.published()), slug=slug)
    return post_comment(request, point, point_page)


def point_page_queryset(points):
    sections = ArticleSection.objects.filter(
        article__in=Article.objects.published()
    ).select_related("article")
    return points.with_page_relations().prefetch_related(Prefetch("sections", sections))


def point_page(request, point, fragments, *, form=None, status=200):
    reading_order = cached_for_this_version("reading-order", Point.objects.reading_order)
    previous_point, next_point = point.neighbours_in(reading_order)
    # Lazy: used only when a fragment is rendered (the point then has its annotations).
    context = {
        "point": point,
        "previous_point": previous_point,
        "next_point": next_point,
        "results": SimpleLazyObject(lambda: ResultSummary.of(point)),
        "body_map": SimpleLazyObject(lambda: body_map([point], current=point)),
        "structured_data": SimpleLazyObject(
            lambda: [
                structured_data.point(request, point),
                structured_data.breadcrumbs(
                    request,
                    [
                        ("Home", reverse("points:home")),
                        ("Points", reverse("points:point-index")),
                        (f"{point.code} {point.pinyin}", point.get_absolute_url()),
                    ],
                ),
            ]
        ),
    } | comments_context(request, point, form or CommentForm(page=point))
    return render_page(
        request, "points/point_detail.html", context, point, fragments, status=status
    )


def post_comment(request, page, render_page_with):
    """Store a reader's comment and send them back to it (post/redirect/get), or show the page
    again with their text kept and what to fix: 400 for a bad form, 429 when over the limit.
    A page shown again is rendered in full (no fragments): it is rare, and the form differs."""
    report_points = page.reportable_points() if isinstance(page, Article) else None
    form = CommentForm(request.POST, page=page, report_points=report_points)
    unexpected = set(request.POST) - set(form.fields)
    if unexpected:
        form.add_error(None, "The form contained fields we do not know. Please send it again.")
    if unexpected or not form.is_valid():
        form.refresh_token()
        return render_page_with(request, page, Fragments(), form=form, status=400)
    if form.is_expired():
        form.add_error(None, "This form was open too long to be accepted. Please send it again.")
        form.refresh_token()
        return render_page_with(request, page, Fragments(), form=form, status=400)
    try:
        comment = comments.submit_comment(
            page=page, form=form, client_hash=comments.client_hash(request)
        )
    except comments.RateLimited:
        form.add_error(
            None,
            "You have sent several comments in a short time. Please wait a few minutes and "
            "send this one again; your text is kept below.",
        )
        form.refresh_token()
        response = render_page_with(request, page, Fragments(), form=form, status=429)
        response["Retry-After"] = str(settings.COMMENT_RATE_LIMIT_SECONDS)
        return response
    response = redirect(f"{page.get_absolute_url()}#comment-{comment.pk}")
    response.status_code = 303
    comments.remember_own_comment(request, response, comment)
    return response


def comments_context(request, page, form):
    """Approved comments (paginated), this reader's own comments awaiting moderation, and the
    form."""
    own_ids = comments.own_comment_ids(request)
    own_waiting = []
    if own_ids:
        own_waiting = list(
            Comment.objects.on(page).filter(pk__in=own_ids).exclude(status=CommentStatus.APPROVED)
        )
        reports = ResultReport.objects.filter(comment__in=own_ids).select_related("point")
        comments.attach_reports(own_waiting, reports)
    number = request.GET.get("comments")
    return {
        "comment_page": SimpleLazyObject(lambda: comments.approved_comment_page(page, number)),
        "own_waiting": own_waiting,
        "comment_form": form,
    }


def article_points(article):
    """The published points an article's sections link to, in reading order, each once."""
    points = {}
    for section in article.sections.all():
        for point in section.points.all():
            points.setdefault(point.pk, point)
    return list(points.values())


@require_GET
@cache_public_page
def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = author.articles.published()
    if not articles.exists() and not request.user.is_staff:
        # An author page is public once they have a published article.
        raise Http404("No published articles by this author.")
    return render(request, "points/author_detail.html", {"author": author, "articles": articles})


@require_GET
@cache_public_page
def disclaimer(request):
    return render(request, "points/disclaimer.html")


@require_GET
def media(request, path):
    """Serve an uploaded picture. `serve` refuses paths outside MEDIA_ROOT; only picture
    extensions are served at all; names are random and never reused, so a year's caching is
    safe."""
    if not path.lower().endswith(MEDIA_EXTENSIONS):
        raise Http404("Not a picture.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
    return response


MEDIA_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")


def render_page(request, template_name, context, page, fragments, *, status=200):
    """Render a publishable page; a draft (seen only by staff) is marked as a preview and kept
    out of caches and search engines."""
    response = render_with_fragments(
        request,
        template_name,
        context | {"is_preview": not page.is_public, "preview_page": page},
        fragments if page.is_public else Fragments(),
        status=status,
    )
    if not page.is_public:
        patch_cache_control(response, private=True, no_cache=True)
        response["X-Robots-Tag"] = "noindex"
    return response


def render_with_fragments(request, template_name, context, fragments, *, status=200):
    """Render a page whose template marks `{% fragment %}`s, and keep those it rendered."""
    response = render(request, template_name, context | {"fragments": fragments}, status=status)
    fragments.store()
    return response


def group_by_body_area(points):
    """[(BodyArea, [points])] in body-area order, leaving out areas without points."""
    groups = {area: [] for area in BodyArea}
    for point in points:
        groups[BodyArea(point.body_area)].append(point)
    return [(area, area_points) for area, area_points in groups.items() if area_points]

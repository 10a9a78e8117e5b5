"""An article's page and its author's."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from points import structured_data
from points.models import Article, Author, Point
from points.page_cache import cache_public_page
from points.routine import article_routine, with_routine_steps
from points.trash import gone_or_404
from points.views.commented_page import CommentedPage


class ArticlePage(CommentedPage):
    model = Article
    template_name = "points/article_detail.html"
    context_name = "article"

    def extra_context(self, request, article):
        image = article.first_picture()
        trail = [("Home", reverse("points:home")), (article.title, article.get_absolute_url())]
        return {
            "og_image": image.image.url if image else None,
            "structured_data": [
                structured_data.article(request, article, image_path=image and image.image.url),
                structured_data.breadcrumbs(request, trail),
            ],
        }


article_detail, article_comment = ArticlePage().views()


@require_safe
@cache_public_page
def article_routine_page(request, slug):
    """The article's own guided routine, named after it: the order and times its editors set,
    or its sections' points in reading order. An editor may open a draft article's (never
    cached nor indexed); an article that links no published point has none (404)."""
    articles = with_routine_steps(Article.objects.viewable_by(request.user))
    article = articles.filter(slug=slug).first()
    if article is None:
        return gone_or_404(request, Article, slug)
    routine = article_routine(article)
    if not routine.steps:
        raise Http404("This article links no published point, so it has no routine.")
    context = {
        "routine": routine,
        "article": article,
        "all_points": Point.objects.published(),
        "is_custom": False,
        "unknown": [],
        "routine_articles": [],
        "editable": article,
    }
    response = render(request, "points/routine.html", context)
    if not article.is_public:
        patch_cache_control(response, private=True, no_cache=True)
        response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
@cache_public_page
def author_detail(request, slug):
    author = get_object_or_404(Author.objects.select_related("picture"), slug=slug)
    articles = author.articles.published()
    if not articles.exists() and not request.user.is_staff:
        # An author page is public once they have a published article.
        raise Http404("No published articles by this author.")
    context = {"author": author, "articles": articles, "editable": author}
    return render(request, "points/author_detail.html", context)

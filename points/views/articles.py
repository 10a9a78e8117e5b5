"""An article's page and its author's."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from points import structured_data
from points.models import Article, Author
from points.page_cache import cache_public_page
from points.views.commented_page import CommentedPage


class ArticlePage(CommentedPage):
    model = Article
    template_name = "points/article_detail.html"
    context_name = "article"

    def extra_context(self, request, article):
        image = article.first_image()
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
def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = author.articles.published()
    if not articles.exists() and not request.user.is_staff:
        # An author page is public once they have a published article.
        raise Http404("No published articles by this author.")
    context = {"author": author, "articles": articles, "editable": author}
    return render(request, "points/author_detail.html", context)

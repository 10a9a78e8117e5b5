"""An article's page and its author's."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from points import commenting, structured_data
from points.forms import CommentForm
from points.models import Article, Author
from points.page_cache import cache_public_page
from points.security import limit_form_body, require_same_origin
from points.views.rendering import render_publishable


@require_safe
@cache_public_page(params=["comments"])
def article_detail(request, slug):
    article = get_object_or_404(
        Article.objects.viewable_by(request.user).with_page_relations(), slug=slug
    )
    return article_page(request, article, CommentForm(page=article))


@csrf_exempt  # Cross-site posts are refused by require_same_origin; see points/security.py.
@require_POST
@require_same_origin
@limit_form_body(CommentForm.MAX_BODY_BYTES)
def article_comment(request, slug):
    article = get_object_or_404(Article.objects.published().with_page_relations(), slug=slug)
    form = CommentForm(request.POST, page=article)
    posted = commenting.post_comment(request, form)
    if posted.comment:
        return commenting.show_own_comment(request, posted.comment)
    return posted.finish(article_page(request, article, form, status=posted.status))


def article_page(request, article, form, *, status=200):
    image = article.first_image()
    breadcrumbs = [("Home", reverse("points:home")), (article.title, article.get_absolute_url())]
    context = {
        "article": article,
        "og_image": image.image.url if image else None,
        "structured_data": [
            structured_data.article(request, article, image_path=image and image.image.url),
            structured_data.breadcrumbs(request, breadcrumbs),
        ],
        "comment_form": form,
    } | commenting.page_comments(request, article)
    return render_publishable(
        request, "points/article_detail.html", context, article, status=status
    )


@require_safe
@cache_public_page
def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = author.articles.published()
    if not articles.exists() and not request.user.is_staff:
        # An author page is public once they have a published article.
        raise Http404("No published articles by this author.")
    return render(request, "points/author_detail.html", {"author": author, "articles": articles})

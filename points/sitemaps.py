"""sitemap.xml, from the same published querysets the pages use: a draft never appears."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from points.models import Article, Author, BodyArea, Condition, Point
from points.routine import articles_with_routines


class PointSitemap(Sitemap):
    priority = 0.8

    def items(self):
        return Point.objects.published().order_by("position", "code")

    def lastmod(self, point):
        return point.updated_at


class ArticleSitemap(Sitemap):
    priority = 1.0

    def items(self):
        return Article.objects.published().order_by("-published_at")

    def lastmod(self, article):
        return article.updated_at


class ArticleRoutineSitemap(Sitemap):
    """Each article's own guided routine, for the articles that have one."""

    priority = 0.5

    def items(self):
        return articles_with_routines().order_by("-published_at")

    def location(self, article):
        return article.routine_url()

    def lastmod(self, article):
        return article.updated_at


class AuthorSitemap(Sitemap):
    priority = 0.3

    def items(self):
        return Author.objects.filter(articles__in=Article.objects.published()).distinct()


class ConditionSitemap(Sitemap):
    priority = 0.6

    def items(self):
        return Condition.objects.with_published_points()


class BodyAreaSitemap(Sitemap):
    priority = 0.6

    def items(self):
        areas = set(Point.objects.published().values_list("body_area", flat=True))
        return [area for area in BodyArea if area.value in areas]

    def location(self, area):
        return area.url


class PageSitemap(Sitemap):
    priority = 0.5

    def items(self):
        return [
            "points:home",
            "points:point-index",
            "points:condition-index",
            "points:routine",
            "points:disclaimer",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "routines": ArticleRoutineSitemap,
    "points": PointSitemap,
    "conditions": ConditionSitemap,
    "areas": BodyAreaSitemap,
    "authors": AuthorSitemap,
}

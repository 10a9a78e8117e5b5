from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from points.models import Article


class LatestArticlesFeed(Feed):
    """New and updated articles, for feed readers."""

    title = settings.SITE_NAME
    description = "New articles on acupressure for back pain."

    def link(self):
        return reverse("points:home")

    def items(self):
        return Article.objects.published().select_related("author")[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_author_name(self, item):
        return item.author.name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description

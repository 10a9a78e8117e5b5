from django.urls import path

from points.feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from points.views import articles, points, site

app_name = "points"

urlpatterns = [
    path("", site.home, name="home"),
    path("articles/<slug:slug>/", articles.article_detail, name="article-detail"),
    path("articles/<slug:slug>/routine/", articles.article_routine_page, name="article-routine"),
    path("articles/<slug:slug>/comments/", articles.article_comment, name="article-comment"),
    path("points/", points.point_index, name="point-index"),
    path("points/<slug:slug>/", points.point_detail, name="point-detail"),
    path("points/<slug:slug>/comments/", points.point_comment, name="point-comment"),
    path("conditions/", points.condition_index, name="condition-index"),
    path("conditions/<slug:slug>/", points.condition_detail, name="condition-detail"),
    path("body-areas/<slug:area>/", points.body_area_detail, name="body-area-detail"),
    path("search/", site.search, name="search"),
    path("routine/", site.routine, name="routine"),
    path("authors/<slug:slug>/", articles.author_detail, name="author-detail"),
    path("disclaimer/", site.disclaimer, name="disclaimer"),
    path("feed/", LatestArticlesFeed(), name="feed"),
    path("feed/atom/", LatestArticlesAtomFeed(), name="feed-atom"),
]

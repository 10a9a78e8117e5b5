from django.urls import path

from points import views
from points.feeds import LatestArticlesAtomFeed, LatestArticlesFeed

app_name = "points"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="article-detail"),
    path("articles/<slug:slug>/comments/", views.article_comment, name="article-comment"),
    path("points/", views.point_index, name="point-index"),
    path("points/<slug:slug>/", views.point_detail, name="point-detail"),
    path("points/<slug:slug>/comments/", views.point_comment, name="point-comment"),
    path("conditions/", views.condition_index, name="condition-index"),
    path("conditions/<slug:slug>/", views.condition_detail, name="condition-detail"),
    path("body-areas/<slug:area>/", views.body_area_detail, name="body-area-detail"),
    path("search/", views.search, name="search"),
    path("routine/", views.routine, name="routine"),
    path("authors/<slug:slug>/", views.author_detail, name="author-detail"),
    path("disclaimer/", views.disclaimer, name="disclaimer"),
    path("feed/", LatestArticlesFeed(), name="feed"),
    path("feed/atom/", LatestArticlesAtomFeed(), name="feed-atom"),
]

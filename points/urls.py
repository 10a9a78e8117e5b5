from django.urls import path

from points import views

app_name = "points"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="article-detail"),
    path("articles/<slug:slug>/comments/", views.article_comment, name="article-comment"),
    path("points/", views.point_index, name="point-index"),
    path("points/<slug:slug>/", views.point_detail, name="point-detail"),
    path("points/<slug:slug>/comments/", views.point_comment, name="point-comment"),
    path("authors/<slug:slug>/", views.author_detail, name="author-detail"),
    path("disclaimer/", views.disclaimer, name="disclaimer"),
]

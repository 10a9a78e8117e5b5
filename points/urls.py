from django.urls import path

from points import views

app_name = "points"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="article-detail"),
    path("points/", views.point_index, name="point-index"),
    path("points/<slug:slug>/", views.point_detail, name="point-detail"),
    path("authors/<slug:slug>/", views.author_detail, name="author-detail"),
    path("disclaimer/", views.disclaimer, name="disclaimer"),
]

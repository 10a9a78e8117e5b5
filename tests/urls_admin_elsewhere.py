"""The site with its admin at another address, as ADMIN_URL=backstage/ gives."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("backstage/", admin.site.urls),
    path("", include("points.urls")),
]

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from points.admin.formatting import preview_view
from points.sitemaps import SITEMAPS
from points.views import site as site_views

admin.site.site_header = f"{settings.SITE_NAME}: editors"
admin.site.site_title = f"{settings.SITE_NAME} editors"
admin.site.index_title = "Content and comments"

urlpatterns = [
    path(f"{settings.ADMIN_URL}formatting-preview/", preview_view, name="formatting-preview"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", site_views.healthz, name="healthz"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", site_views.robots_txt, name="robots-txt"),
    path("favicon.ico", site_views.favicon, name="favicon"),
    path("", include("points.urls")),
]

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns.append(path(f"{media_prefix}/<path:path>", site_views.media, name="media"))

"""The editors' admin site: Django's own, with the trash's page at <admin>/trash/ and one search
across the content at <admin>/find/."""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.urls import path


class EditorsAdminSite(AdminSite):
    def get_urls(self):
        from points.admin.finding import find_anything
        from points.admin.trash import trash_view

        return [
            path("trash/", self.admin_view(trash_view), name="trash"),
            path(
                "find/",
                self.admin_view(lambda request: find_anything(request, self)),
                name="find-anything",
            ),
            *super().get_urls(),
        ]


class EditorsAdminConfig(AdminConfig):
    default_site = "points.admin_site.EditorsAdminSite"

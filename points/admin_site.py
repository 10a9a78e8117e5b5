"""The editors' admin site: Django's own, with the trash's page at <admin>/trash/."""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.urls import path


class EditorsAdminSite(AdminSite):
    def get_urls(self):
        from points.admin.trash import trash_view

        return [path("trash/", self.admin_view(trash_view), name="trash"), *super().get_urls()]


class EditorsAdminConfig(AdminConfig):
    default_site = "points.admin_site.EditorsAdminSite"

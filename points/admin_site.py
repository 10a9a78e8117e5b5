"""The editors' admin site: Django's own, with the trash's page at <admin>/trash/ and one search
across the content at <admin>/find/."""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.urls import path
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe


class EditorsAdminSite(AdminSite):
    def get_urls(self):
        from points.admin.trash import trash_view

        return [
            path("trash/", self.admin_view(trash_view), name="trash"),
            path("find/", self.admin_view(self.find_anything_view), name="find-anything"),
            *super().get_urls(),
        ]

    @method_decorator(require_safe)
    def find_anything_view(self, request):
        from points.admin.finding import find_anything

        return find_anything(request, self)


class EditorsAdminConfig(AdminConfig):
    default_site = "points.admin_site.EditorsAdminSite"

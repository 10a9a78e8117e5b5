from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PointsConfig(AppConfig):
    name = "points"
    verbose_name = "Acupressure content"

    def ready(self):
        from points.roles import sync_editors_group

        # After auth's own post_migrate handler has created the permissions (points comes later
        # in INSTALLED_APPS, so its handlers run later).
        post_migrate.connect(sync_editors_group, sender=self)

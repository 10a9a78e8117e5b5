from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class PointsConfig(AppConfig):
    name = "points"
    verbose_name = "Acupressure content"

    def ready(self):
        from points.page_cache import comment_saved, comments_changed, content_changed
        from points.roles import sync_editors_group

        # After auth's own post_migrate handler has created the permissions (points comes later
        # in INSTALLED_APPS, so its handlers run later).
        post_migrate.connect(sync_editors_group, sender=self)

        # Any saved or deleted content makes cached pages stale. Comments have a version of
        # their own (see points.fragments); a reader's new comment changes no page until an
        # editor approves it. CommentAdmin's approve and spam actions use update(), which sends
        # no signal, and replace the comments version themselves.
        comment_models = {"comment", "resultreport"}
        for model in self.get_models():
            if model._meta.model_name in comment_models:
                post_save.connect(comment_saved, sender=model, dispatch_uid=f"cache-{model}")
                post_delete.connect(comments_changed, sender=model, dispatch_uid=f"cache-d-{model}")
            else:
                post_save.connect(content_changed, sender=model, dispatch_uid=f"cache-{model}")
                post_delete.connect(content_changed, sender=model, dispatch_uid=f"cache-d-{model}")
        m2m_changed.connect(content_changed, dispatch_uid="cache-m2m")

from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from points.page_cache import pages_changed

# The models whose rows readers see on pages: saving or deleting one makes every cached page
# stale (points/page_cache.py). Their querysets are ShownToReadersQuerySet, which does the same
# for update() and the bulk methods. A new model that readers see belongs here.
SHOWN_TO_READERS = [
    "Article",
    "ArticleReference",
    "ArticleSection",
    "Author",
    "Condition",
    "Disclaimer",
    "Point",
    "PointAlias",
    "Picture",
    "PictureMarker",
    "PointPicture",
    "PointReference",
    "Reference",
    "Reviewer",
    "RoutineStep",
]
# Shown too, but a reader's new comment and its reports wait for moderation and change no page.
COMMENTS = ["Comment", "ResultReport"]
# The many-to-many relations between them, by the model and field that declare them.
SHOWN_RELATIONS = [
    ("Point", "conditions"),
    ("Point", "references"),
    ("Article", "references"),
    ("ArticleSection", "points"),
]
# Not on any page: PageRedirect (answers only 404s, which are never cached) and PendingChange
# (an editor's draft, seen only in previews that are never cached).


class PointsConfig(AppConfig):
    name = "points"
    verbose_name = "Acupressure content"

    def ready(self):
        from points import checks  # noqa: F401 - registers the system checks
        from points.revisions import register_models
        from points.roles import sync_editors_group

        # After auth's own post_migrate handler has created the permissions (points comes later
        # in INSTALLED_APPS, so its handlers run later).
        post_migrate.connect(sync_editors_group, sender=self)
        register_models(self)

        for name in SHOWN_TO_READERS:
            post_save.connect(pages_changed, sender=self.get_model(name))
        for name in SHOWN_TO_READERS + COMMENTS:
            post_delete.connect(pages_changed, sender=self.get_model(name))
        for name in COMMENTS:
            post_save.connect(comment_saved, sender=self.get_model(name))
        for model_name, field in SHOWN_RELATIONS:
            through = self.get_model(model_name)._meta.get_field(field).remote_field.through
            m2m_changed.connect(pages_changed, sender=through)


def comment_saved(sender, instance, created, **kwargs):
    """A comment or result report: new ones wait for moderation, any other may be shown."""
    if created and not sender.objects.is_shown(instance):
        return
    pages_changed()

"""What every model whose rows readers see shares: changing it makes cached pages stale."""

from django.db import models

from points.page_cache import pages_changed


class ShownToReadersQuerySet(models.QuerySet):
    """Rows that readers see on pages. Saving and deleting one makes cached pages stale through
    the signals connected in points/apps.py; update(), bulk_create() and bulk_update() send no
    signal, so they do it here. An admin action written the obvious way, `queryset.update()`,
    cannot leave a page stale."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows:
            pages_changed()
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        if any(map(self.is_shown, objs)):
            pages_changed()
        return objs

    def bulk_update(self, objs, *args, **kwargs):
        rows = super().bulk_update(objs, *args, **kwargs)
        if rows:
            pages_changed()
        return rows

    def is_shown(self, obj):
        """Does readers' view of the site change when `obj` is created?"""
        return True

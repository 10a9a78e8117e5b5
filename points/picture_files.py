"""The picture files in storage that nothing needs any more, found and removed.

Editors' changes keep the files a picture lets go of (points.validators.keep_old_files), so
that History can restore an earlier picture and the trash can recover a deleted one. A file
is still needed while a current row uses it, or while a revision showing it was current less
than TRASH_DAYS ago: a picture replaced today stays restorable for 30 days, however long ago
it was uploaded. Everything else in the pictures' folders can go, except files stored in the
last day (an upload is stored before its row is committed). The folders pictures were stored
in before the picture library (EARLIER_FOLDERS) are looked through too: the pictures moved into
the library keep their files there, and those nothing needs any more go alike.
`manage.py purge_trash` removes them; storage is reached only through its API (listdir,
delete), so an S3 bucket works alike.
"""

from datetime import timedelta
from itertools import groupby

import reversion
from django.apps import apps
from django.utils import timezone
from reversion.errors import RevertError
from reversion.models import Version

from points.validators import PictureField, delete_files

UPLOAD_GRACE = timedelta(days=1)
# Where pictures were stored before the library (points/migrations/0009_picture_library.py): a
# point's pictures under points/, an author's photo under authors/. They are looked through in
# the storage of every picture field, whose rows and revisions still name files there.
EARLIER_FOLDERS = ("points", "authors")


def picture_fields():
    """Every PictureField of the project's models."""
    return [
        f
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, PictureField)
    ]


def unused_files(*, keep_days, grace=UPLOAD_GRACE):
    """[(storage, name)] of the files in the pictures' folders that no current row uses and
    no revision current in the last `keep_days` days shows, stored more than `grace` ago."""
    now = timezone.now()
    fields = picture_fields()
    # Listed before the rows are read: a file stored after this is not a candidate.
    stored = [
        (storage, name) for storage, folder in folders(fields) for name in files_in(storage, folder)
    ]
    since = now - timedelta(days=keep_days)
    needed = names_in_use(fields) | names_in_revisions(fields, since=since)
    return [
        (storage, name)
        for storage, name in stored
        if name not in needed and (not grace or stored_before(storage, name, now - grace))
    ]


def remove_unused_files(*, keep_days, grace=UPLOAD_GRACE):
    """Remove the files unused_files() finds; returns their names."""
    unused = unused_files(keep_days=keep_days, grace=grace)
    # Asked again just before: a restore may have brought a file back into use meanwhile.
    in_use = names_in_use(picture_fields())
    removed = [(storage, name) for storage, name in unused if name not in in_use]
    for storage, name in removed:
        delete_files(storage, [name])
    return [name for _, name in removed]


def stored_before(storage, name, moment):
    try:
        return storage.get_modified_time(name) <= moment
    except Exception:  # gone meanwhile, or the store did not answer: leave it for next time
        return False


def folders(fields):
    """[(storage, folder)] where the fields store their uploads, and stored them before the
    library (EARLIER_FOLDERS), each once."""
    seen = []
    for f in fields:
        for folder in [str(f.upload_to).strip("/"), *EARLIER_FOLDERS]:
            place = (f.storage, folder)
            if place not in seen:
                seen.append(place)
    return seen


def files_in(storage, folder):
    """The names of the files under `folder`, sub-folders included."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing uploaded there yet
        return
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from files_in(storage, f"{folder}/{directory}")


def names_of(f, values):
    """The stored names (the picture and its renditions) a row's values refer to."""
    name = values.get(f.attname)
    if not name:
        return []
    renditions = values.get(f.renditions_field) if f.renditions_field else []
    return f.stored_names(str(name), renditions)


def names_in_use(fields):
    used = set()
    for f in fields:
        columns = [f.attname, *([f.renditions_field] if f.renditions_field else [])]
        for values in f.model._base_manager.values(*columns):
            used.update(names_of(f, values))
    return used


def names_in_revisions(fields, *, since):
    """The names shown by revisions that were current at some time after `since`.

    A version of a row stops being current when the row's next version is recorded; the last
    version of a deleted row, when it was recorded (the deletion, for an item in the trash).
    The last version of a row that still exists is current still.
    """
    kept = set()
    by_model = {}
    for f in fields:
        if reversion.is_registered(f.model):
            by_model.setdefault(f.model, []).append(f)
    for model, model_fields in by_model.items():
        existing = {str(pk) for pk in model._base_manager.values_list("pk", flat=True)}
        versions = (
            Version.objects.get_for_model(model)
            .select_related("revision")
            .order_by("object_id", "revision__date_created", "pk")
        )
        for object_id, history in groupby(versions, key=lambda version: version.object_id):
            history = list(history)
            for version, following in zip(history, [*history[1:], None], strict=True):
                if following is not None:
                    ended = following.revision.date_created
                elif object_id in existing:
                    ended = None
                else:
                    ended = version.revision.date_created
                if ended is not None and ended < since:
                    continue
                try:
                    values = version.field_dict
                except RevertError:  # a version no longer readable cannot be restored either
                    continue
                for f in model_fields:
                    kept.update(names_of(f, values))
    return kept

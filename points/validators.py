"""Checks on what editors upload, with messages they can act on, and the picture field that
applies them and stores uploads through points.uploads."""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}

# Set while editors change content (points/admin/revisions.py): files let go of stay, so
# revisions and the trash can bring them back.
_keeping_files = ContextVar("keeping_files", default=False)


def is_number(value):
    """Whether a value sent by a browser (a form field, a query string, a button's value) is a
    plain number: ASCII digits only ("²" passes str.isdigit(), and int() refuses it)."""
    value = str(value)
    return value.isascii() and value.isdigit()


@contextmanager
def keep_old_files():
    """Rows deleted, and pictures replaced or cleared, inside this block keep their stored
    files, so that an earlier revision or the trash can bring them back. `manage.py
    purge_trash` removes them once nothing needs them (points/picture_files.py)."""
    token = _keeping_files.set(True)
    try:
        yield
    finally:
        _keeping_files.reset(token)


def validate_image_upload(value):
    """Accept a new upload only if Pillow decodes it as a JPEG, PNG or WebP of a sensible size.

    The file's name and the browser's content type prove nothing, so the bytes are decoded.
    Files already stored are not checked again when an editor only changes the text around them.
    """
    if getattr(value, "_committed", False):
        return
    if value.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            "This file is %(size)s; the largest picture accepted is %(limit)s.",
            code="file_too_large",
            params={
                "size": filesizeformat(value.size),
                "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
            },
        )
    value.seek(0)
    try:
        with Image.open(value) as image:
            check_format_and_size(image)
            image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            "This file is not a picture we can read. Upload a JPEG, PNG or WebP image.",
            code="not_an_image",
        ) from None
    finally:
        value.seek(0)


def check_format_and_size(image):
    """Refuse other formats (SVG, GIF, TIFF, ...) and pictures with too many pixels, reading
    only the file's header: a decompression bomb is never decoded."""
    if image.format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            "%(format)s pictures are not accepted. Upload a JPEG, PNG or WebP image.",
            code="unsupported_format",
            params={"format": image.format or "This kind of"},
        )
    width, height = image.size
    if width * height > settings.MAX_IMAGE_PIXELS:
        raise too_many_pixels(width, height)


def too_many_pixels(width=None, height=None):
    size = f" ({width} by {height} pixels)" if width else ""
    return ValidationError(
        "This picture has too many pixels%(size)s to process safely; make it smaller than "
        "%(limit)s megapixels.",
        code="too_many_pixels",
        params={"size": size, "limit": settings.MAX_IMAGE_PIXELS // 1_000_000},
    )


class PictureFormField(forms.ImageField):
    """Runs our checks before Django's own decoding, so editors read a precise message (too
    big, too many pixels, wrong format) instead of a generic "not a valid image"."""

    def to_python(self, data):
        if data is not None and not isinstance(data, str):
            validate_image_upload(data)
        return super().to_python(data)


class PictureField(models.ImageField):
    """An ImageField that accepts only checked JPEG, PNG and WebP uploads, in forms and in
    model validation alike, and stores every upload through one pipeline (points.uploads):
    decoded, stripped of metadata (a phone photo's GPS position), under a random name, with
    WebP renditions when `renditions_field` names the JSONField that lists them. The files a
    row let go of (replaced, cleared, or the row deleted) are removed once the database has
    committed, so a rolled-back save never loses the picture still in use; inside
    keep_old_files() (an editor's change, kept as a revision) they stay for the history."""

    def __init__(self, *args, renditions_field=None, **kwargs):
        self.renditions_field = renditions_field
        kwargs.setdefault("validators", [validate_image_upload])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.renditions_field:
            kwargs["renditions_field"] = self.renditions_field
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        if not cls._meta.abstract:
            post_delete.connect(self.delete_files_after_commit, sender=cls, weak=False)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PictureFormField, **kwargs})

    def pre_save(self, model_instance, add):
        from points.uploads import process_upload

        file = getattr(model_instance, self.attname)
        if not add and not _keeping_files.get():
            self.delete_replaced_files_after_commit(model_instance, file)
        if file and not file._committed:
            validate_image_upload(file)
            processed = process_upload(
                file,
                storage=self.storage,
                folder=str(self.upload_to).strip("/"),
                renditions=bool(self.renditions_field),
            )
            # A plain name, so the field lets go of the upload and refers to the clean copy.
            setattr(model_instance, self.attname, processed.name)
            if self.width_field:
                setattr(model_instance, self.width_field, processed.width)
            if self.height_field:
                setattr(model_instance, self.height_field, processed.height)
            if self.renditions_field:
                setattr(model_instance, self.renditions_field, processed.renditions)
        elif not file and self.renditions_field:
            setattr(model_instance, self.renditions_field, [])
        return getattr(model_instance, self.attname)

    def stored_names(self, name, renditions):
        return [name, *(rendition["name"] for rendition in renditions or [])]

    def delete_replaced_files_after_commit(self, model_instance, file):
        """When a new upload or a cleared field replaces the stored picture, its files go."""
        if file and file._committed:
            return
        columns = [self.attname, *([self.renditions_field] if self.renditions_field else [])]
        old = (
            type(model_instance)
            ._base_manager.filter(pk=model_instance.pk)
            .values_list(*columns)
            .first()
        )
        if old and old[0]:
            names = self.stored_names(old[0], old[1] if self.renditions_field else [])
            transaction.on_commit(partial(delete_files, self.storage, names))

    def delete_files_after_commit(self, sender, instance, **kwargs):
        name = getattr(instance, self.attname).name
        if name and not _keeping_files.get():
            renditions = getattr(instance, self.renditions_field) if self.renditions_field else []
            names = self.stored_names(name, renditions)
            transaction.on_commit(partial(delete_files, self.storage, names))


def delete_files(storage, names):
    from points.uploads import delete_files

    delete_files(storage, names)

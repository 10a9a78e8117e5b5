"""Checks on what editors upload, with messages they can act on."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}


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
    model validation alike."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_image_upload])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PictureFormField, **kwargs})

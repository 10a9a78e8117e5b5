"""Checks on what editors upload, with messages they can act on."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}


def validate_image_upload(value):
    """Accept a new upload only if Pillow decodes it as a JPEG, PNG or WebP of a sensible size.

    The file's name and the browser's content type prove nothing, so the bytes are decoded.
    Files already stored are not checked again when an editor only changes the text around them.
    """
    if getattr(value, "_committed", True):
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
            image_format = image.format
            width, height = image.size
            image.verify()
    except Image.DecompressionBombError:
        raise ValidationError(
            "This picture has too many pixels to process safely.", code="too_many_pixels"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This file is not a picture we can read. Upload a JPEG, PNG or WebP image.",
            code="not_an_image",
        ) from None
    finally:
        value.seek(0)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            "%(format)s pictures are not accepted. Upload a JPEG, PNG or WebP image.",
            code="unsupported_format",
            params={"format": image_format or "This kind of"},
        )
    if width * height > settings.MAX_IMAGE_PIXELS:
        raise ValidationError(
            "This picture is %(width)s by %(height)s pixels; make it smaller than "
            "%(limit)s megapixels.",
            code="too_many_pixels",
            params={
                "width": width,
                "height": height,
                "limit": settings.MAX_IMAGE_PIXELS // 1_000_000,
            },
        )

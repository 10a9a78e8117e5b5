"""Turning an editor's upload into files that are safe and fast to serve, and removing them
when they are replaced or deleted. Every picture field (points.validators.PictureField) comes
through here."""

import io
import logging
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

RENDITION_WIDTHS = (320, 640, 960, 1280)
SAVE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {},
    "WEBP": {"quality": 80, "method": 4},
}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

logger = logging.getLogger(__name__)


@dataclass
class ProcessedImage:
    name: str
    width: int
    height: int
    renditions: list


def process_upload(file, *, storage, folder, renditions=True):
    """Store a clean copy of an uploaded picture (and, if asked, its WebP renditions) under a
    random name.

    The picture is turned upright by its EXIF orientation and then re-encoded from its pixels
    alone, so no EXIF (GPS position, camera), XMP, ICC or text metadata survives.
    """
    file.seek(0)
    with Image.open(file) as uploaded:
        image_format = uploaded.format
        image = clean_pixels(ImageOps.exif_transpose(uploaded), image_format)
    stem = f"{folder}/{uuid.uuid4().hex}"
    name = storage.save(f"{stem}.{EXTENSIONS[image_format]}", encode(image, image_format))
    if not renditions:
        return ProcessedImage(name, image.width, image.height, [])
    renditions = []
    for width in RENDITION_WIDTHS:
        resized = resize_to_width(image, min(width, image.width))
        webp = encode(resized, "WEBP")
        if image_format == "PNG" and resized is image:
            # A drawing (usually a PNG) at its own size is often smaller without loss; once
            # resampled, its edges are no longer flat and lossy wins.
            webp = min(webp, encode(resized, "WEBP", lossless=True), key=lambda file: file.size)
        rendition_name = storage.save(f"{stem}-{resized.width}.webp", webp)
        renditions.append(
            {"width": resized.width, "height": resized.height, "name": rendition_name}
        )
        if width >= image.width:
            break
    return ProcessedImage(name, image.width, image.height, renditions)


def clean_pixels(image, image_format):
    """A new image holding only the pixels, in a mode the format can store."""
    if image_format == "JPEG" or image.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        if image_format == "JPEG" and image.mode == "RGBA":
            image = image.convert("RGB")
    clean = Image.new(image.mode, image.size)
    if image.mode == "P":
        clean.putpalette(image.getpalette())
    clean.paste(image)
    return clean


def resize_to_width(image, width):
    if width == image.width:
        return image
    height = round(image.height * width / image.width)
    return image.resize((width, height), Image.Resampling.LANCZOS)


def encode(image, image_format, *, lossless=False):
    if image_format == "WEBP" and image.mode == "P":
        image = image.convert("RGBA")
    options = {"lossless": True, "quality": 100, "method": 4} if lossless else {}
    buffer = io.BytesIO()
    image.save(buffer, image_format, **(SAVE_OPTIONS[image_format] | options))
    return ContentFile(buffer.getvalue())


def delete_files(storage, names):
    """Remove stored files that no row refers to any more. A file that cannot be removed is
    logged, never an error for the editor: the row is already saved or deleted."""
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not delete the stored file %s", name)

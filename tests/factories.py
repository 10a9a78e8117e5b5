"""Small factories for test data: each makes one valid, published row unless told otherwise."""

import io
import re
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from points.models import (
    Article,
    ArticleSection,
    Author,
    BodyArea,
    Channel,
    Comment,
    Condition,
    Picture,
    PictureMarker,
    Point,
    ResultReport,
    Status,
)

_numbers = count(1)


def png_bytes(size=(40, 30), color=(200, 120, 90), image_format="PNG", **save_options):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, image_format, **save_options)
    return buffer.getvalue()


def upload(name="picture.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type)


def make_condition(**fields):
    number = next(_numbers)
    defaults = {"name": f"Condition {number}", "slug": f"condition-{number}"}
    return Condition.objects.create(**defaults | fields)


def make_point(**fields):
    """A published point; on the channel its code names (BL unless the code says otherwise)."""
    number = next(_numbers)
    letters = re.match(r"[A-Za-z]*", fields.get("code", ""))[0].upper()
    defaults = {
        "code": f"BL{number}",
        "slug": f"bl{number}-test",
        "pinyin": f"Pinyin{number}",
        "english_name": f"English {number}",
        "channel": letters if letters in Channel.values else Channel.BLADDER,
        "body_area": BodyArea.LOWER_BACK,
        "position": number,
        "summary": f"Summary of point {number}.",
        "location": "Beside the spine.",
        "how_to_find": "Find the waist.\nMove two finger-widths out.",
        "said_to_help": "The article says it helps lower back pain.",
        "status": Status.PUBLISHED,
    }
    return Point.objects.create(**defaults | fields)


def make_picture(**fields):
    """A picture in the library, uploaded through the one pipeline."""
    defaults = {"image": upload(), "alt_text": f"Picture {next(_numbers)}"}
    return Picture.objects.create(**defaults | fields)


def make_image(point, *, position=0, marker_x=None, marker_y=None, **fields):
    """A new picture in the library shown on `point`'s page (marked there, if asked)."""
    picture = make_picture(**{"alt_text": f"Diagram of {point.code}"} | fields)
    point.pictures.create(picture=picture, position=position)
    if marker_x is not None:
        PictureMarker.objects.create(picture=picture, point=point, x=marker_x, y=marker_y)
    return picture


def make_author(**fields):
    number = next(_numbers)
    defaults = {"name": f"Author {number}", "slug": f"author-{number}", "bio": "Writes."}
    return Author.objects.create(**defaults | fields)


def make_article(**fields):
    number = next(_numbers)
    defaults = {
        "title": f"Article {number}",
        "slug": f"article-{number}",
        "summary": "A summary.",
        "intro": "An introduction.",
        "status": Status.PUBLISHED,
    }
    if "author" not in fields:
        defaults["author"] = make_author()
    return Article.objects.create(**defaults | fields)


def make_section(article, *, points=(), **fields):
    number = next(_numbers)
    defaults = {"heading": f"Section {number}", "body": "Section text.", "position": number}
    section = ArticleSection.objects.create(article=article, **defaults | fields)
    section.points.set(points)
    return section


def make_comment(page, *, report=None, **fields):
    """A reader's comment on a point or an article, waiting for moderation unless given another
    status. `report` (an Outcome) adds the reader's result report about the point."""
    defaults = {"name": "Maria", "text": "It helped my back.", "client_hash": "x" * 64}
    comment = Comment.objects.create(**{Comment.page_field(page): page}, **defaults | fields)
    if report:
        ResultReport.objects.create(comment=comment, point=page, outcome=report)
    return comment


def gps_jpeg_bytes(size=(64, 48)):
    """A JPEG as a phone makes it: EXIF with the camera's make and the GPS position."""
    image = Image.new("RGB", size, (90, 140, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()

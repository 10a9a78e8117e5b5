"""Data migrations keep what editors wrote and leave the site's advice safe."""

import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import png_bytes

BEFORE = [("points", "0001_initial")]
AFTER = [("points", "0002_reader_safety")]
WITH_HISTORY = [
    ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ("contenttypes", "0002_remove_content_type_name"),
]


@pytest.fixture
def migrate_to(transactional_db):
    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield migrate
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def old_point(Point, **fields):
    """BL23 as a migration's historical Point model stores it (the required fields only)."""
    required = {"code": "BL23", "slug": "bl23", "pinyin": "X", "english_name": "X"}
    required |= {"channel": "BL", "body_area": "lower-back", "summary": "S", "location": "L"}
    required |= {"how_to_find": "H", "said_to_help": "S"}
    return Point.objects.create(**required | fields)


def test_0002_moves_see_a_doctor_lines_to_the_disclaimer_and_drops_strong_pressure(migrate_to):
    apps = migrate_to(BEFORE)
    Author = apps.get_model("points", "Author")
    Article = apps.get_model("points", "Article")
    Point = apps.get_model("points", "Point")
    author = Author.objects.create(name="A", slug="a")
    Article.objects.create(
        title="T", slug="t", author=author, summary="S", intro="I",
        see_a_doctor="Your legs feel weak.\nYou have a fever.",
    )  # fmt: skip
    for code, area in (("CV6", "abdomen"), ("LI4", "hand"), ("BL23", "lower-back")):
        Point.objects.create(
            code=code, slug=code.lower(), pinyin="X", english_name="X", channel="CV",
            body_area=area, summary="S", location="L", how_to_find="H", said_to_help="S",
            pressure="strong" if code != "BL23" else "medium",
        )  # fmt: skip

    apps = migrate_to(AFTER)

    pressures = dict(apps.get_model("points", "Point").objects.values_list("code", "pressure"))
    assert pressures == {"CV6": "gentle", "LI4": "medium", "BL23": "medium"}
    disclaimer = apps.get_model("points", "Disclaimer").objects.get(pk=1)
    assert disclaimer.see_a_doctor_signs == "Your legs feel weak.\nYou have a fever."
    assert disclaimer.short_notice  # a disclaimer that still warns readers


def test_0009_moves_pictures_into_the_library_with_their_history_and_trash(migrate_to):
    apps = migrate_to([("points", "0008_site_routines"), *WITH_HISTORY])
    Point = apps.get_model("points", "Point")
    PointImage = apps.get_model("points", "PointImage")
    Author = apps.get_model("points", "Author")
    Article = apps.get_model("points", "Article")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("reversion", "Revision")
    Version = apps.get_model("reversion", "Version")
    point = old_point(Point, pinyin="Shenshu", english_name="Kidney Shu")
    image = PointImage.objects.create(
        point=point, image="points/a.png", width=800, height=600, alt_text="Back view",
        caption="BL23", credit="Ours", marker_x=25, marker_y=50, position=0,
        renditions=[{"width": 320, "height": 240, "name": "points/a-320.webp"}],
    )  # fmt: skip
    default_storage.save("authors/p.jpg", ContentFile(png_bytes(size=(90, 120))))
    author = Author.objects.create(
        name="Paul", slug="paul", photo="authors/p.jpg", photo_alt_text="Paul smiling"
    )
    article = Article.objects.create(title="T", slug="t", author=author, summary="S", intro="I")
    section = article.sections.create(heading="Lower back", body="Text.", figure_caption="Cap")
    section.points.add(point)
    # History: the picture as recorded, and a picture deleted since (in the trash).
    image_type = ContentType.objects.get_or_create(app_label="points", model="pointimage")[0]
    revision = Revision.objects.create(date_created="2026-11-01T10:00:00Z", comment="Saved.")
    for pk, name in ((image.pk, "points/a.png"), (99, "points/gone.png")):
        fields = {
            "point": point.pk, "image": name, "width": 800, "height": 600, "renditions": [],
            "alt_text": "Back view", "is_decorative": False, "caption": "", "credit": "",
            "marker_x": None, "marker_y": None, "position": 0,
        }  # fmt: skip
        Version.objects.create(
            revision=revision, content_type=image_type, object_id=str(pk), db="default",
            format="json", object_repr="Back view",
            serialized_data=json.dumps(
                [{"model": "points.pointimage", "pk": pk, "fields": fields}]
            ),
        )  # fmt: skip

    apps = migrate_to([("points", "0009_picture_library"), *WITH_HISTORY])

    Picture = apps.get_model("points", "Picture")
    picture = Picture.objects.get(pk=image.pk)
    assert (picture.image.name, picture.alt_text, picture.caption) == (
        "points/a.png",
        "Back view",
        "BL23",
    )
    assert picture.renditions[0]["name"] == "points/a-320.webp"
    assert picture.title == "BL23 Shenshu"
    use = apps.get_model("points", "PointPicture").objects.get()
    assert (use.point_id, use.picture_id) == (point.pk, picture.pk)
    marker = apps.get_model("points", "PictureMarker").objects.get()
    assert (marker.point_id, float(marker.x), float(marker.y)) == (point.pk, 25, 50)
    photo = apps.get_model("points", "Author").objects.get().picture
    assert (photo.image.name, photo.alt_text) == ("authors/p.jpg", "Paul smiling")
    assert (photo.width, photo.height) == (90, 120)
    body = apps.get_model("points", "ArticleSection").objects.get().body
    assert body == f"Text.\n\n[[picture:{picture.pk}|Cap]]"
    recorded = {
        (v.content_type.model, v.object_id)
        for v in apps.get_model("reversion", "Version").objects.select_related("content_type")
    }
    assert recorded == {
        ("picture", str(image.pk)), ("pointpicture", str(image.pk)),
        ("picture", "99"), ("pointpicture", "99"),
    }  # fmt: skip
    # A new picture never takes the number of one in the trash.
    new = Picture.objects.create(image="pictures/new.png", width=1, height=1, alt_text="New")
    assert new.pk > 99


def test_0011_keeps_a_picture_chosen_twice_for_a_point_once_in_its_first_place(migrate_to):
    apps = migrate_to([("points", "0010_reviewer_named_on_pages_is_kept")])
    Point = apps.get_model("points", "Point")
    Picture = apps.get_model("points", "Picture")
    PointPicture = apps.get_model("points", "PointPicture")
    point = old_point(Point)
    front, side = (
        Picture.objects.create(title=title, image=f"pictures/{title}.png", width=4, height=3,
                               alt_text=title)
        for title in ("front", "side")
    )  # fmt: skip
    for position, picture in ((2, front), (0, side), (1, front)):
        PointPicture.objects.create(point=point, picture=picture, position=position)

    apps = migrate_to([("points", "0011_each_picture_once_on_a_point")])

    uses = apps.get_model("points", "PointPicture").objects.order_by("position")
    assert [(use.picture.title, use.position) for use in uses] == [("side", 0), ("front", 1)]

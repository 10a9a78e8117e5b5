"""The picture library: every PointImage becomes a Picture (with the same number, file, texts
and renditions), shown on its point by a PointPicture and, when it had a marker, a
PictureMarker (both with the same number again); an author's photo becomes a Picture too; an
article section's caption for its picture becomes the section's first point's picture placed
after its text. Revisions and the trash move along: every recorded PointImage becomes the
same three rows in its revision, and recorded authors name their photo's picture, so History
and the trash keep working across the change. Numbers once used by a deleted picture are
not given to new ones."""

import json

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models
from PIL import Image

import points.validators



def move_into_library(apps, schema_editor):
    PointImage = apps.get_model("points", "PointImage")
    Picture = apps.get_model("points", "Picture")
    PointPicture = apps.get_model("points", "PointPicture")
    PictureMarker = apps.get_model("points", "PictureMarker")
    Author = apps.get_model("points", "Author")
    ArticleSection = apps.get_model("points", "ArticleSection")
    Version = apps.get_model("reversion", "Version")
    ContentType = apps.get_model("contenttypes", "ContentType")

    for image in PointImage.objects.select_related("point").order_by("pk"):
        Picture.objects.create(
            id=image.pk, **picture_fields(image.__dict__, point_title(image.point, image.position))
        )
        PointPicture.objects.create(
            id=image.pk, point_id=image.point_id, picture_id=image.pk, position=image.position
        )
        if image.marker_x is not None and image.marker_y is not None:
            PictureMarker.objects.create(
                id=image.pk,
                picture_id=image.pk,
                point_id=image.point_id,
                x=image.marker_x,
                y=image.marker_y,
            )

    image_type = ContentType.objects.filter(app_label="points", model="pointimage").first()
    old_versions = Version.objects.filter(content_type=image_type).select_related("revision")
    recorded_ids = [int(v.object_id) for v in old_versions] if image_type else []
    next_id = max([*recorded_ids, *PointImage.objects.values_list("pk", flat=True), 0]) + 1

    photos = {}
    for author in Author.objects.exclude(photo="").order_by("pk"):
        # A file that cannot be read now keeps its row all the same (its page in the library
        # then says the file is missing), never lost with the dropped column.
        size = dimensions(author.photo) or (1, 1)
        photos[author.photo.name] = next_id
        Picture.objects.create(
            id=next_id,
            title=f"Photo of {author.name}",
            image=author.photo.name,
            width=size[0],
            height=size[1],
            alt_text=author.photo_alt_text or f"Photo of {author.name}",
        )
        Author.objects.filter(pk=author.pk).update(picture_id=next_id)
        next_id += 1

    if image_type:
        types = {
            name: ContentType.objects.get_or_create(app_label="points", model=name)[0]
            for name in ("picture", "pointpicture", "picturemarker")
        }
        for version in old_versions:
            move_recorded_image(Version, types, version)
        old_versions.delete()
    author_type = ContentType.objects.filter(app_label="points", model="author").first()
    picture_type = ContentType.objects.get_or_create(app_label="points", model="picture")[0]
    for version in Version.objects.filter(content_type=author_type) if author_type else []:
        next_id = move_recorded_author(Version, picture_type, version, photos, next_id)

    reserve_ids(schema_editor, [Picture, PointPicture, PictureMarker], next_id - 1)

    for section in ArticleSection.objects.exclude(figure_caption=""):
        use = (
            PointPicture.objects.filter(point__in=section.points.all())
            .order_by("point__position", "point__code", "position", "pk")
            .first()
        )
        caption = section.figure_caption.replace("[", "(").replace("]", ")")
        if use:
            place = f"[[picture:{use.picture_id}|{caption}]]"
        else:
            place = f"*The article’s caption for its picture: “{caption}”.*"
        section.body = f"{section.body.rstrip()}\n\n{place}"
        section.save(update_fields=["body"])


def dimensions(file):
    try:
        with file.open("rb"), Image.open(file) as image:
            return image.size
    except Exception:  # noqa: BLE001 - a missing file, an unreadable one, a storage outage
        return None


def point_title(point, position):
    title = f"{point.code} {point.pinyin}"
    return title if not position else f"{title} ({position + 1})"


def picture_fields(values, title):
    return {
        "title": title[:200],
        "image": values.get("image") or "",
        "width": values.get("width"),
        "height": values.get("height"),
        "renditions": values.get("renditions") or [],
        "alt_text": values.get("alt_text", ""),
        "is_decorative": values.get("is_decorative", False),
        "caption": values.get("caption", ""),
        "credit": values.get("credit", ""),
    }


def move_recorded_image(Version, types, version):
    """One recorded PointImage as the Picture, PointPicture and PictureMarker it became."""
    [recorded] = json.loads(version.serialized_data)
    pk, values = recorded["pk"], recorded["fields"]
    values["image"] = values.get("image")
    moment = version.revision.date_created
    picture = picture_fields(values, version.object_repr or f"Picture {pk}")
    picture |= {"licence": "", "focal_x": None, "focal_y": None}
    picture |= {"uploaded_at": moment, "updated_at": moment}
    rows = [
        ("picture", picture, picture["title"]),
        (
            "pointpicture",
            {"point": values["point"], "picture": pk, "position": values.get("position", 0)},
            "Picture",
        ),
    ]
    if values.get("marker_x") is not None and values.get("marker_y") is not None:
        marker = {"picture": pk, "point": values["point"], "x": values["marker_x"]}
        rows.append(("picturemarker", marker | {"y": values["marker_y"]}, "Marker"))
    for model, fields, label in rows:
        Version.objects.create(
            revision_id=version.revision_id,
            content_type=types[model],
            object_id=str(pk),
            db=version.db,
            format="json",
            serialized_data=serialized(model, pk, fields),
            object_repr=label[:191],
        )


def move_recorded_author(Version, picture_type, version, photos, next_id):
    """A recorded author names the picture their photo became; a photo since replaced becomes
    a picture in the trash (recorded, not current), which History can bring back."""
    [recorded] = json.loads(version.serialized_data)
    values = recorded["fields"]
    photo = values.pop("photo", "") or ""
    alt_text = values.pop("photo_alt_text", "") or ""
    picture_id = None
    if photo:
        if photo not in photos:
            photos[photo] = next_id
            next_id += 1
            title = f"Photo of {values.get('name', 'an author')}"
            fields = picture_fields({"image": photo, "alt_text": alt_text or title}, title)
            moment = version.revision.date_created
            fields |= {"licence": "", "focal_x": None, "focal_y": None}
            fields |= {"uploaded_at": moment, "updated_at": moment}
            Version.objects.create(
                revision_id=version.revision_id,
                content_type=picture_type,
                object_id=str(photos[photo]),
                db=version.db,
                format="json",
                serialized_data=serialized("picture", photos[photo], fields),
                object_repr=title,
            )
        picture_id = photos[photo]
    values["picture"] = picture_id
    version.serialized_data = json.dumps([recorded], cls=DjangoJSONEncoder)
    version.save(update_fields=["serialized_data"])
    return next_id


def serialized(model, pk, fields):
    return json.dumps(
        [{"model": f"points.{model}", "pk": pk, "fields": fields}], cls=DjangoJSONEncoder
    )


def reserve_ids(schema_editor, models, last_id):
    """New rows get numbers after `last_id`: a recorded (deleted) picture keeps its own."""
    if last_id < 1:
        return
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"GREATEST(%s, (SELECT COALESCE(MAX(id), 0) FROM {table})))",
                    [last_id],
                )
            elif connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) "
                    f"SELECT %s, MAX(%s, COALESCE((SELECT MAX(id) FROM {table}), 0))",
                    [table, last_id],
                )


def move_out_of_library(apps, schema_editor):
    """Back to one picture per point (the first use of each picture) and authors' photos."""
    PointImage = apps.get_model("points", "PointImage")
    PointPicture = apps.get_model("points", "PointPicture")
    Author = apps.get_model("points", "Author")
    for use in PointPicture.objects.select_related("picture").order_by("pk"):
        picture = use.picture
        marker = picture.markers.filter(point_id=use.point_id).first()
        PointImage.objects.create(
            point_id=use.point_id,
            image=picture.image.name,
            width=picture.width,
            height=picture.height,
            renditions=picture.renditions,
            alt_text=picture.alt_text,
            is_decorative=picture.is_decorative,
            caption=picture.caption,
            credit=picture.credit,
            marker_x=marker.x if marker else None,
            marker_y=marker.y if marker else None,
            position=use.position,
        )
    for author in Author.objects.exclude(picture=None).select_related("picture"):
        author.photo = author.picture.image.name
        author.photo_alt_text = author.picture.alt_text
        author.save(update_fields=["photo", "photo_alt_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0008_site_routines"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="Picture",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "title",
                    models.CharField(
                        blank=True,
                        help_text="How editors find it in the library. Left empty, the file's name is used.",
                        max_length=200,
                        verbose_name="name in the library",
                    ),
                ),
                (
                    "image",
                    points.validators.PictureField(
                        height_field="height",
                        help_text="A JPEG, PNG or WebP picture. Location data and other hidden details in the file are removed when it is saved.",
                        renditions_field="renditions",
                        upload_to="pictures/",
                        validators=[points.validators.validate_image_upload],
                        verbose_name="picture",
                        width_field="width",
                    ),
                ),
                ("width", models.PositiveIntegerField(editable=False, null=True)),
                ("height", models.PositiveIntegerField(editable=False, null=True)),
                (
                    "renditions",
                    models.JSONField(
                        default=list,
                        editable=False,
                        help_text="Smaller WebP copies: [{'width': ..., 'height': ..., 'name': ...}].",
                    ),
                ),
                (
                    "alt_text",
                    models.CharField(
                        blank=True,
                        help_text='Describe what the picture shows for readers who cannot see it, e.g. "Back view of the waist; BL23 is marked two finger-widths from the spine". Required unless the picture is decorative.',
                        max_length=250,
                        verbose_name="alternative text",
                    ),
                ),
                (
                    "is_decorative",
                    models.BooleanField(
                        default=False,
                        help_text="Tick only if the picture adds nothing a reader needs; screen readers skip it.",
                        verbose_name="decorative only",
                    ),
                ),
                (
                    "caption",
                    models.CharField(
                        blank=True,
                        help_text="Shown under the picture. A text that places it can give its own caption.",
                        max_length=250,
                    ),
                ),
                (
                    "credit",
                    models.CharField(
                        blank=True,
                        help_text="Who made the picture, e.g. “Drawn for this site”.",
                        max_length=200,
                    ),
                ),
                (
                    "licence",
                    models.CharField(
                        blank=True,
                        help_text="The terms we may use it under, e.g. “Our own work” or “CC BY 4.0”.",
                        max_length=200,
                    ),
                ),
                (
                    "focal_x",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="What must stay in view when the picture is cropped (a small card, a square photo), from the left edge. Click the picture to set it; empty means the centre.",
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="focal point x (%)",
                    ),
                ),
                (
                    "focal_y",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="From the top edge (0 to 100).",
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="focal point y (%)",
                    ),
                ),
                ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": [django.db.models.functions.text.Lower("title"), "pk"],
            },
        ),
        migrations.CreateModel(
            name="PictureMarker",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "x",
                    models.DecimalField(
                        decimal_places=2,
                        help_text="From the left edge (0 to 100). Click the picture to set it.",
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="x (%)",
                    ),
                ),
                (
                    "y",
                    models.DecimalField(
                        decimal_places=2,
                        help_text="From the top edge (0 to 100).",
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="y (%)",
                    ),
                ),
            ],
            options={
                "ordering": ["pk"],
            },
        ),
        migrations.CreateModel(
            name="PointPicture",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(default=0, help_text="Smallest first."),
                ),
            ],
            options={
                "verbose_name": "picture of the point",
                "verbose_name_plural": "pictures of the point",
                "ordering": ["position", "pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="picture",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_decorative", True),
                    models.Q(("alt_text", ""), _negated=True),
                    _connector="OR",
                ),
                name="picture_alt_text_unless_decorative",
            ),
        ),
        migrations.AddConstraint(
            model_name="picture",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("focal_x__isnull", True), ("focal_y__isnull", True)),
                    models.Q(
                        ("focal_x__gte", 0),
                        ("focal_x__lte", 100),
                        ("focal_y__gte", 0),
                        ("focal_y__lte", 100),
                        ("focal_x__isnull", False),
                        ("focal_y__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="picture_focal_point_on_picture",
            ),
        ),
        migrations.AddIndex(
            model_name="picture",
            index=models.Index(
                django.db.models.functions.text.Lower("title"),
                models.F("id"),
                name="picture_library_order_idx",
            ),
        ),
        migrations.AddField(
            model_name="author",
            name="picture",
            field=models.ForeignKey(
                blank=True,
                help_text="Choose it from the picture library, or add a new one with “+”. Its focal point (a face, say) stays in view in the square crop.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="authors",
                to="points.picture",
                verbose_name="photo",
            ),
        ),
        migrations.AddField(
            model_name="picturemarker",
            name="picture",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="markers",
                to="points.picture",
            ),
        ),
        migrations.AddField(
            model_name="picturemarker",
            name="point",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="picture_markers",
                to="points.point",
            ),
        ),
        migrations.AddField(
            model_name="pointpicture",
            name="picture",
            field=models.ForeignKey(
                help_text="Choose it from the library by its name, or add a new one with “+”.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="point_uses",
                to="points.picture",
            ),
        ),
        migrations.AddField(
            model_name="pointpicture",
            name="point",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="pictures",
                to="points.point",
            ),
        ),
        migrations.AddConstraint(
            model_name="picturemarker",
            constraint=models.CheckConstraint(
                condition=models.Q(("x__gte", 0), ("x__lte", 100), ("y__gte", 0), ("y__lte", 100)),
                name="picture_marker_on_picture",
            ),
        ),
        migrations.RunPython(move_into_library, move_out_of_library),
        migrations.RemoveConstraint(
            model_name="pointimage",
            name="point_image_alt_text_unless_decorative",
        ),
        migrations.RemoveConstraint(
            model_name="pointimage",
            name="point_image_marker_on_picture",
        ),
        migrations.RemoveField(
            model_name="articlesection",
            name="figure_caption",
        ),
        migrations.RemoveField(
            model_name="author",
            name="photo",
        ),
        migrations.RemoveField(
            model_name="author",
            name="photo_alt_text",
        ),
        migrations.RemoveField(
            model_name="pointimage",
            name="point",
        ),
        migrations.DeleteModel(
            name="PointImage",
        ),
    ]

"""Load the seed article and its points from fixtures/ into the database.

Safe to run again: rows are matched on their codes and slugs and updated in place, and a point's
demo pictures are only added to the picture library when the point has none. A section whose
seed picture had a caption places its first point's diagram with that caption after its text
(`[[picture:12|caption]]`). `--reset` first deletes all content (not users) with its history
and the trash, and afterwards removes every picture file the demo does not use, in the folders
pictures were stored in before the library too: nothing deleted can be recovered, so nothing is
kept for it.
Pictures go through the same image field an editor uses, so they are stored and checked the same
way as an upload.
"""

import json
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.dateparse import parse_datetime
from reversion.models import Revision

from points import picture_files
from points.models import (
    Article,
    ArticleReference,
    ArticleSection,
    Author,
    Condition,
    Disclaimer,
    Picture,
    PictureMarker,
    Point,
    PointAlias,
    PointPicture,
    PointReference,
    Reference,
    Reviewer,
    RoutineStep,
    Status,
)

FIXTURES_DIR = settings.BASE_DIR / "fixtures"


class Command(BaseCommand):
    help = "Load (or refresh) the demo content: the seed article, its author and its points."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete all content (not accounts), its history, the trash and every uploaded "
            "picture file, then load the demo. Nothing deleted can be recovered.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds an article.",
        )

    def handle(self, *, reset, if_empty, **options):
        if if_empty and not reset and Article.objects.exists():
            self.stdout.write("Content already present; demo content not loaded.")
            return
        data = json.loads((FIXTURES_DIR / "demo_content.json").read_text(encoding="utf-8"))
        with transaction.atomic():
            if reset:
                delete_all_content()
                # Once committed, every picture file but the demo's goes: those replaced in the
                # admin, the trash's, stray uploads. Nothing is left that could bring them back.
                transaction.on_commit(
                    partial(picture_files.remove_unused_files, keep_days=0, grace=None)
                )
            load(data, images_dir=FIXTURES_DIR / "images")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content loaded: {Point.objects.count()} points, "
                f"{ArticleSection.objects.count()} article sections, "
                f"{Picture.objects.count()} pictures."
            )
        )


def delete_all_content():
    models = [
        RoutineStep,
        ArticleSection,
        ArticleReference,
        Article,
        Author,
        PointPicture,
        PictureMarker,
        Picture,
        PointAlias,
    ]
    models += [PointReference, Point, Condition, Reference, Reviewer]
    for model in models:
        model.objects.all().delete()
    Disclaimer.objects.all().delete()
    Revision.objects.all().delete()  # the history and the trash, with their versions


def load(data, *, images_dir: Path):
    Disclaimer(**data["disclaimer"]).save()
    reviewer_data = data["reviewer"]
    reviewer, _ = Reviewer.objects.update_or_create(
        name=reviewer_data["name"], defaults=reviewer_data
    )
    references = {item["key"]: load_reference(item) for item in data["references"]}
    conditions = {
        item["slug"]: Condition.objects.update_or_create(slug=item["slug"], defaults=item)[0]
        for item in data["conditions"]
    }
    points = {
        item["slug"]: load_point(item, conditions, references, images_dir, reviewer)
        for item in data["points"]
    }
    author_data = data["author"]
    author, _ = Author.objects.update_or_create(slug=author_data["slug"], defaults=author_data)
    load_article(data["article"], author, points, references, reviewer)


def load_reference(item):
    item = dict(item)
    del item["key"]
    reference, _ = Reference.objects.update_or_create(title=item["title"], defaults=item)
    return reference


def load_point(item, conditions, references, images_dir, reviewer):
    item = dict(item)
    cited = item.pop("references")
    aliases = item.pop("aliases")
    images = item.pop("images")
    condition_slugs = item.pop("conditions")
    point, _ = Point.objects.update_or_create(
        code=item["code"], defaults=item | {"status": Status.PUBLISHED, "reviewer": reviewer}
    )
    point.conditions.set([conditions[slug] for slug in condition_slugs])
    # A refresh also drops the names and sources the demo content no longer gives.
    point.citations.exclude(reference__in=[references[key] for key in cited]).delete()
    point.aliases.exclude(name__in=[alias["name"] for alias in aliases]).delete()
    for position, key in enumerate(cited, start=1):
        PointReference.objects.update_or_create(
            point=point, reference=references[key], defaults={"position": position}
        )
    for alias in aliases:
        PointAlias.objects.update_or_create(
            point=point, name=alias["name"], defaults={"kind": alias["kind"]}
        )
    if not point.pictures.exists():
        for position, image in enumerate(images):
            image = dict(image)
            markers = image.pop("markers", [])
            picture = Picture(**{key: value for key, value in image.items() if key != "file"})
            with (images_dir / image["file"]).open("rb") as file:
                picture.image = File(file, name=image["file"])
                picture.full_clean()
                picture.save()
            for x, y in markers:
                PictureMarker.objects.create(picture=picture, point=point, x=x, y=y)
            point.pictures.create(picture=picture, position=position)
    return point


def load_article(item, author, points, references, reviewer):
    item = dict(item)
    sections = item.pop("sections")
    cited = item.pop("references")
    item["published_at"] = parse_datetime(item["published_at"])
    # The demo's article is the site's routine, unless editors have chosen another since.
    chosen_elsewhere = Article.objects.filter(is_site_routine=True).exclude(slug=item["slug"])
    if chosen_elsewhere.exists():
        item.pop("is_site_routine", None)
    article, _ = Article.objects.update_or_create(
        slug=item["slug"],
        defaults=item | {"author": author, "status": Status.PUBLISHED, "reviewer": reviewer},
    )
    for position, key in enumerate(cited, start=1):
        ArticleReference.objects.update_or_create(
            article=article, reference=references[key], defaults={"position": position}
        )
    article.sections.all().delete()
    for position, section in enumerate(sections, start=1):
        section = dict(section)
        section_points = [points[slug] for slug in section.pop("points")]
        caption = section.pop("figure_caption", "")
        uses = section_points[0].pictures.all() if section_points else []
        if caption and uses:
            section["body"] += f"\n\n[[picture:{uses[0].picture_id}|{caption}]]"
        article.sections.create(position=position, **section).points.set(section_points)
    return article

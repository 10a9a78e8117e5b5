"""Fill a throwaway database with benchmark data: a heavy point page, or N times the content.

Why: `make bench` measures the heaviest page a reader meets and how rendering grows with the
content, on a copy of the site it sets up itself (scripts/bench.py). This writes many rows in
bulk, so it refuses to run unless told the database is disposable, and never in production.

    manage.py seed_bench_content --disposable --heavy-point bl23-shenshu
    manage.py seed_bench_content --disposable --scale 100

--heavy-point SLUG gives that point 5 pictures (through the picture library, as an editor's upload,
reusing the demo diagrams) and 200 approved comments, each with a result report.
--scale N turns the content into N times what it is: N-1 clones of every point (with its other
names, complaints and references) and of every article (with its sections, linked to the
same-numbered clones of their points), and 1,000 x N comments; no pictures for the clones.
Both make every cached page stale, as an editor's save does.
"""

import time

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from points.models import (
    Article,
    ArticleReference,
    ArticleSection,
    Comment,
    CommentStatus,
    Outcome,
    Picture,
    Point,
    PointAlias,
    PointReference,
    ResultReport,
)

FIXTURE_IMAGES = settings.BASE_DIR / "fixtures" / "images"
HEAVY_POINT_PICTURES = 5
HEAVY_POINT_COMMENTS = 200
COMMENTS_PER_SCALE = 1000
BATCH_SIZE = 2000


class Command(BaseCommand):
    help = (
        "Add benchmark data to a throwaway database: --heavy-point SLUG gives a point 5 pictures "
        "and 200 approved comments; --scale N makes N times the points, articles and 1,000 x N "
        "comments. Requires --disposable; refused in production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--disposable",
            action="store_true",
            help="Confirm the configured database is a throwaway one (required).",
        )
        parser.add_argument("--heavy-point", metavar="SLUG", help="The point to make heavy.")
        parser.add_argument(
            "--scale", type=int, metavar="N", help="Make N times the content (N >= 2)."
        )

    def handle(self, *, disposable, heavy_point, scale, **options):
        if settings.PRODUCTION or not disposable:
            raise CommandError(
                "This writes thousands of rows of made-up data. Run it only on a throwaway "
                "database, never in production, and say so with --disposable."
            )
        if not heavy_point and not scale:
            raise CommandError("Say what to seed: --heavy-point SLUG and/or --scale N.")
        if scale is not None and scale < 2:
            raise CommandError("--scale must be at least 2.")
        if heavy_point:
            self.stdout.write(seed_heavy_point(heavy_point))
        if scale:
            self.stdout.write(seed_scale(scale))


def seed_heavy_point(slug: str) -> str:
    try:
        point = Point.objects.get(slug=slug)
    except Point.DoesNotExist:
        raise CommandError(f"No point {slug!r}: load the demo content first.") from None
    others = sorted(path for path in FIXTURE_IMAGES.glob("*.png") if path.stem != point.slug)
    have = point.pictures.count()
    for position, source in enumerate(others[: HEAVY_POINT_PICTURES - have], start=have):
        picture = Picture(
            alt_text=f"Benchmark picture {position + 1}: a diagram reused from {source.stem}",
            caption=f"Picture {position + 1} (benchmark data)",
        )
        with source.open("rb") as file:
            picture.image = File(file, name=source.name)
            picture.full_clean()
            picture.save()
        point.pictures.create(picture=picture, position=position)
    now = timezone.now()
    outcomes = list(Outcome)
    with transaction.atomic():
        comments = Comment.objects.bulk_create(
            Comment(
                point=point,
                name=f"Reader {i}",
                text=comment_text(i, point.code),
                status=CommentStatus.APPROVED,
                client_hash=f"{i:064x}",
                created_at=now - timezone.timedelta(hours=i),
            )
            for i in range(HEAVY_POINT_COMMENTS)
        )
        ResultReport.objects.bulk_create(
            ResultReport(
                comment=comment, point=point, outcome=outcomes[i % 4], days_tried=i % 14 + 1
            )
            for i, comment in enumerate(comments)
        )
    return (
        f"{slug}: {point.pictures.count()} pictures, "
        f"{Comment.objects.on(point).approved().count()} approved comments with "
        f"{ResultReport.objects.filter(point=point).count()} result reports"
    )


def seed_scale(scale: int) -> str:
    started = time.perf_counter()
    with transaction.atomic():
        point_clones = seed_points(scale)
        seed_articles(scale, point_clones)
        seed_comments(COMMENTS_PER_SCALE * scale)
    return (
        f"seeded in {time.perf_counter() - started:.0f} s: {Point.objects.count():,} points, "
        f"{Article.objects.count():,} articles, {Comment.objects.count():,} comments, "
        f"{ResultReport.objects.count():,} result reports"
    )


def comment_text(i: int, code: str) -> str:
    """A plausible reader's comment; every tenth has a web address (turned into a link)."""
    text = (
        f"I pressed {code} twice a day for {i % 14 + 1} days, about a minute each side. "
        "The ache in my lower back eased a little in the mornings, less so after sitting."
    )
    return text + (f" My notes: https://example.org/notes/{i}" if i % 10 == 0 else "")


def clone(instance, **changes):
    """An unsaved copy of a model instance with some fields changed."""
    fields = type(instance)._meta.concrete_fields
    values = {f.attname: getattr(instance, f.attname) for f in fields if not f.primary_key}
    return type(instance)(**values | changes)


def seed_points(scale: int) -> dict[tuple[int, int], int]:
    """Clones 1..scale-1 of every point with its names, complaints and references;
    {(original pk, clone number): clone pk}."""
    originals = list(Point.objects.prefetch_related("aliases", "citations", "conditions"))
    plan = [(original, k) for k in range(1, scale) for original in originals]
    clones = Point.objects.bulk_create(
        [
            clone(p, code=f"{p.code}-{k:02d}", slug=f"{p.slug}-{k:02d}", pinyin=f"{p.pinyin} {k}")
            for p, k in plan
        ],
        batch_size=BATCH_SIZE,
    )
    aliases, citations, conditions = [], [], []
    for (original, _k), copy in zip(plan, clones, strict=True):
        aliases += [clone(a, point_id=copy.pk) for a in original.aliases.all()]
        citations += [clone(c, point_id=copy.pk) for c in original.citations.all()]
        conditions += [
            Point.conditions.through(point_id=copy.pk, condition_id=c.pk)
            for c in original.conditions.all()
        ]
    PointAlias.objects.bulk_create(aliases, batch_size=BATCH_SIZE)
    PointReference.objects.bulk_create(citations, batch_size=BATCH_SIZE)
    Point.conditions.through.objects.bulk_create(conditions, batch_size=BATCH_SIZE)
    return {(original.pk, k): copy.pk for (original, k), copy in zip(plan, clones, strict=True)}


def seed_articles(scale: int, point_clones: dict[tuple[int, int], int]) -> None:
    """Clones of every article, older than the original, each with its sections linked to the
    same-numbered clones of the original's points."""
    originals = list(Article.objects.prefetch_related("sections__points", "citations"))
    plan = [(original, k) for k in range(1, scale) for original in originals]
    articles = Article.objects.bulk_create(
        [
            clone(
                a,
                slug=f"{a.slug}-{k:02d}",
                title=f"{a.title} ({k})",
                published_at=a.published_at - timezone.timedelta(days=k),
                is_site_routine=False,  # one article at most is the site's routine
            )
            for a, k in plan
        ],
        batch_size=BATCH_SIZE,
    )
    sections, citations = [], []
    for (original, _k), copy in zip(plan, articles, strict=True):
        sections += [clone(s, article_id=copy.pk) for s in original.sections.all()]
        citations += [clone(c, article_id=copy.pk) for c in original.citations.all()]
    ArticleSection.objects.bulk_create(sections, batch_size=BATCH_SIZE)
    ArticleReference.objects.bulk_create(citations, batch_size=BATCH_SIZE)
    section_plan = [(s, k) for original, k in plan for s in original.sections.all()]
    links = [
        ArticleSection.points.through(
            articlesection_id=copy.pk, point_id=point_clones[(point.pk, k)]
        )
        for (section, k), copy in zip(section_plan, sections, strict=True)
        for point in section.points.all()
    ]
    ArticleSection.points.through.objects.bulk_create(links, batch_size=BATCH_SIZE)


def seed_comments(count: int) -> None:
    """`count` comments: 90% on points, 10% on articles, round robin; 80% approved, 15%
    awaiting moderation, 5% spam; every other comment on a point has a result report."""
    point_ids = list(Point.objects.values_list("pk", "code"))
    article_ids = list(Article.objects.values_list("pk", flat=True))
    statuses = [CommentStatus.APPROVED] * 16 + [CommentStatus.PENDING] * 3 + [CommentStatus.SPAM]
    outcomes = list(Outcome)
    now = timezone.now()
    for start in range(0, count, 10_000):
        comments = []
        for i in range(start, min(start + 10_000, count)):
            on_article = i % 10 == 9
            point_id, code = point_ids[i % len(point_ids)]
            comments.append(
                Comment(
                    point_id=None if on_article else point_id,
                    article_id=article_ids[i % len(article_ids)] if on_article else None,
                    name=f"Reader {i}",
                    text=comment_text(i, code),
                    status=statuses[i % len(statuses)],
                    client_hash=f"{i:064x}",
                    created_at=now - timezone.timedelta(minutes=i),
                )
            )
        Comment.objects.bulk_create(comments, batch_size=BATCH_SIZE)
        ResultReport.objects.bulk_create(
            [
                ResultReport(
                    comment_id=c.pk,
                    point_id=c.point_id,
                    outcome=outcomes[n % 4],
                    days_tried=n % 14 + 1,
                )
                for n, c in enumerate(comments)
                if c.point_id and n % 2 == 0
            ],
            batch_size=BATCH_SIZE,
        )

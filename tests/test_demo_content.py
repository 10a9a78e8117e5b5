"""The demo content is the whole seed article, in its words and order, linked to its points,
with the demo's diagrams in the picture library."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from points.formatting import plain_text
from points.management.commands import load_demo_content
from points.models import (
    Article,
    ArticleSection,
    Author,
    Condition,
    Disclaimer,
    Picture,
    PictureMarker,
    Point,
    PointAlias,
    PointPicture,
)
from tests.factories import png_bytes, upload
from tests.pages import change_form

pytestmark = pytest.mark.django_db

SEED = settings.BASE_DIR.parent / "shared" / "seed" / "article.txt"
SEED_HEADINGS = [
    "Stomach Point",
    "Lower Back Points",
    "Hipbone Points",
    "Knee Back Points",
    "Urinary Bladder 23",
    "Gallbladder 30",
    "Urinary Bladder 40",
    "Large Intestine 4",
    "Urinary Bladder 62",
    "Hand Point",
    "Foot Points (Sitting and Sleeping)",
]
# Lines of the seed that labelled its pictures (which we may not use) or its author box.
SEED_PICTURE_CAPTIONS = {
    "The Stomach Point Acupressure Points",
    "The Lower Back Point Acupuncture Points",
    "The Hip Bone Point Acupressure Point",
    "The Knee Back Point",
    "The Urinary Bladder 23 Point Acupressure Points",
    "The Urinary Bladder 40 Point Acupressure Points",
    "The Large Intestine 4 Point Acupressure Points",
    "About the Author\xa0Paul Thomas",
}


@pytest.fixture
def demo():
    call_command("load_demo_content", verbosity=0)
    return Article.objects.get()


PLACED_PICTURE = re.compile(r"\[\[picture:(\d+)\|(.+)\]\]")


def paragraphs(text):
    """The paragraphs of a formatted text as readers read them (a subheading's words without
    its "## "), without the pictures it places (their captions: see the test of figures)."""
    return [
        plain_text(paragraph)
        for paragraph in text.split("\n\n")
        if paragraph.strip() and not PLACED_PICTURE.fullmatch(paragraph.strip())
    ]


def test_sections_follow_the_seed_in_order_each_linked_to_points(demo):
    sections = list(demo.sections.prefetch_related("points"))

    assert [section.heading for section in sections] == SEED_HEADINGS
    for section in sections:
        assert section.points.exists(), section.heading


def test_known_duplicates_link_to_one_point_each(demo):
    def codes(heading):
        section = demo.sections.get(heading=heading)
        return sorted(section.points.values_list("code", flat=True))

    assert codes("Lower Back Points") == ["BL23", "BL52"]
    assert codes("Urinary Bladder 23") == ["BL23"]
    assert codes("Knee Back Points") == codes("Urinary Bladder 40") == ["BL40"]
    assert codes("Hand Point") == codes("Large Intestine 4") == ["LI4"]
    # Gach's "Womb and Vitals" (B48) is one point, BL53; GB30 has its own section.
    assert codes("Hipbone Points") == ["BL53"]
    assert codes("Gallbladder 30") == ["GB30"]
    assert Point.objects.count() == 10


@pytest.mark.skipif(not SEED.exists(), reason="the seed article is not beside the project")
def test_every_seed_paragraph_is_on_the_site_word_for_word_and_in_order(demo):
    seed_lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    seed_paragraphs = [
        line
        for line in seed_lines
        if line and line not in SEED_HEADINGS and line not in SEED_PICTURE_CAPTIONS
    ]
    site_paragraphs = paragraphs(demo.intro)
    for section in demo.sections.all():
        site_paragraphs += paragraphs(section.body)
    site_paragraphs += paragraphs(demo.closing) + paragraphs(demo.author.bio)

    assert site_paragraphs == seed_paragraphs


def figures(html):
    """[(src of the picture, text of the caption)] of the page's <figure>s, in order."""
    found = []
    for figure in re.findall(r"<figure\b.*?</figure>", html, flags=re.DOTALL):
        src = re.search(r'<img [^>]*src="([^"]+)"', figure)[1]
        caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, flags=re.DOTALL)
        text = re.sub(r"<[^>]+>", " ", caption[1]) if caption else ""
        found.append((src, " ".join(text.split())))
    return found


def test_the_seeds_picture_captions_are_shown_under_our_diagrams(client, demo):
    """Each section whose seed picture had a caption places its first point's diagram from the
    library with that caption, as a figure after the section's text."""
    captions = SEED_PICTURE_CAPTIONS - {"About the Author\xa0Paul Thomas"}
    placed = []
    for section in demo.sections.prefetch_related("points__pictures__picture"):
        last_line = section.body.rstrip().splitlines()[-1]
        match = PLACED_PICTURE.fullmatch(last_line)
        if match is None:
            continue
        first_point = min(section.points.all(), key=lambda point: point.position)
        picture = first_point.pictures.all()[0].picture
        assert int(match[1]) == picture.pk, section.heading
        placed.append((picture.image.url, match[2]))

    text = client.get(demo.get_absolute_url()).text

    assert {caption for _, caption in placed} == captions
    assert len(placed) == len(captions)
    shown = figures(text)
    # In the sections' order; a diagram placed twice (BL23's) has each place's own caption.
    assert [src for src, _ in shown] == [url for url, _ in placed]
    for (_, shown_caption), (_, caption) in zip(shown, placed, strict=True):
        assert shown_caption.startswith(caption), caption
    assert "The article’s caption for its picture" not in text  # the migration's fallback


def test_every_point_has_a_picture_in_the_library_with_alt_text(demo):
    for point in Point.objects.prefetch_related("pictures__picture"):
        pictures = [use.picture for use in point.pictures.all()]
        assert pictures, point.code
        for picture in pictures:
            assert len(picture.alt_text) > 20, point.code
            assert picture.image.name.startswith("pictures/")
            assert picture.image.storage.exists(picture.image.name)
            assert picture.width
            assert picture.height
            assert picture.renditions
            assert picture.title  # how editors find it in the library
    assert Picture.objects.count() == 10


def test_points_carry_their_aliases_and_cautions(demo):
    bl23 = Point.objects.get(code="BL23")
    li4 = Point.objects.get(code="LI4")

    assert {"UB23", "B23", "Sea of Vitality"} <= set(bl23.aliases.values_list("name", flat=True))
    assert "pregnan" in li4.contraindications
    assert Point.objects.get(code="LR3").confidence == "uncertain"


def test_editor_notes_correct_the_seed_visibly(client, demo):
    text = client.get(demo.get_absolute_url()).text

    assert "not on the Stomach meridian" in text
    assert "Pain Medicine 2019" in text
    assert "light pressure only" in text.lower()


def test_loading_twice_duplicates_nothing(demo):
    models = [Article, ArticleSection, Author, Condition, Disclaimer, Point, PointAlias]
    models += [Picture, PointPicture, PictureMarker]
    before = {model: model.objects.count() for model in models}

    call_command("load_demo_content", verbosity=0)

    assert {model: model.objects.count() for model in models} == before


def test_reset_reloads_content_and_keeps_accounts(demo, editor):
    Point.objects.filter(code="BL23").update(summary="Changed by an editor.")

    call_command("load_demo_content", reset=True, verbosity=0)

    assert Point.objects.get(code="BL23").summary != "Changed by an editor."
    assert User.objects.filter(pk=editor.pk).exists()


def files_in_media():
    return {
        path.relative_to(settings.MEDIA_ROOT).as_posix()
        for path in settings.MEDIA_ROOT.rglob("*")
        if path.is_file()
    }


def files_the_rows_use():
    """The files of the library's pictures (those of points and authors alike)."""
    names = set()
    for picture in Picture.objects.all():
        names |= {picture.image.name, *(r["name"] for r in picture.renditions)}
    return names


def test_reset_leaves_only_the_files_the_demo_uses_and_no_history(
    demo, editor_client, django_capture_on_commit_callbacks
):
    # An editor replaces a picture in the library and deletes a point and its picture: they
    # keep their files, for the picture's history and for the trash; and uploads were left
    # behind, in the library's folder and in those pictures were stored in before it.
    bl23 = Point.objects.get(code="BL23").pictures.get().picture
    gb30 = Point.objects.get(code="GB30")
    gb30_picture = gb30.pictures.get().picture
    url, data = change_form(editor_client, bl23)
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(url, data | {"image": upload("new.png")}).status_code == 302
        for deleted in (gb30, gb30_picture):
            name = f"admin:points_{deleted._meta.model_name}_delete"
            editor_client.post(reverse(name, args=[deleted.pk]), {"post": "yes"})
    assert not Picture.objects.filter(pk=gb30_picture.pk).exists()
    strays = ["pictures/stray.png", "points/stray.png", "authors/2019/stray.jpg"]
    for stray in strays:
        default_storage.save(stray, ContentFile(png_bytes()))
    # The new file of BL23's picture (small: one rendition), and the strays.
    assert len(files_in_media()) == 40 + 2 + len(strays)

    counts = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("load_demo_content", reset=True, verbosity=0)
        assert files_in_media() == files_the_rows_use()
        counts.append(len(files_in_media()))

    assert counts[0] == counts[1] == 40  # 10 pictures, each with 3 renditions
    assert not any(name.startswith(("points/", "authors/")) for name in files_in_media())
    assert not Version.objects.exists()
    assert editor_client.get(reverse("admin:trash")).context["items"] == []


def test_the_reset_says_that_nothing_can_be_recovered():
    parser = load_demo_content.Command().create_parser("manage.py", "load_demo_content")

    assert "Nothing deleted can be recovered." in " ".join(parser.format_help().split())


def test_if_empty_leaves_existing_content_alone(demo):
    Point.objects.filter(code="BL23").update(summary="Changed by an editor.")

    call_command("load_demo_content", if_empty=True, verbosity=0)

    assert Point.objects.get(code="BL23").summary == "Changed by an editor."


def test_every_demo_page_renders(client, demo):
    urls = [demo.get_absolute_url(), demo.author.get_absolute_url()]
    urls += [point.get_absolute_url() for point in Point.objects.all()]

    for url in urls:
        assert client.get(url).status_code == 200, url

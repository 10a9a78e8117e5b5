"""The editors' workflow: scheduling, slug changes, history, review dates, references, the
"see a doctor" box, and the picture pipeline."""

import io
import struct
import zlib
from datetime import date, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from points.models import (
    ArticleReference,
    Disclaimer,
    PageRedirect,
    Picture,
    Point,
    PointReference,
    Reference,
    Reviewer,
)
from tests.factories import make_article, make_image, make_point, png_bytes, upload
from tests.pages import change_form

pytestmark = pytest.mark.django_db


def test_a_scheduled_point_goes_live_by_itself_at_its_time(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    point = make_point(published_at=timezone.now() + timedelta(seconds=1.5))

    assert client.get(point.get_absolute_url()).status_code == 404
    time_machine.shift(1.5)  # no job runs: visibility is decided when the page is asked for

    assert client.get(point.get_absolute_url()).status_code == 200


class TestSlugChanges:
    def test_old_address_redirects_permanently_to_the_new_one(self, client):
        point = make_point(slug="old-name")
        point.slug = "new-name"
        point.save()

        response = client.get("/points/old-name/")

        assert response.status_code == 301
        assert response["Location"] == "/points/new-name/"

    def test_renaming_twice_redirects_the_first_address_straight_to_the_last(self, client):
        article = make_article(slug="first")
        for slug in ["second", "third"]:
            article.slug = slug
            article.save()

        assert client.get("/articles/first/")["Location"] == "/articles/third/"
        assert client.get("/articles/second/")["Location"] == "/articles/third/"

    def test_going_back_to_an_old_slug_serves_the_page_again(self, client):
        point = make_point(slug="a")
        point.slug = "b"
        point.save()
        point.slug = "a"
        point.save()

        assert client.get("/points/a/").status_code == 200
        assert client.get("/points/b/")["Location"] == "/points/a/"

    def test_author_slugs_keep_working_too(self, client):
        author = make_article().author
        old_url = author.get_absolute_url()
        author.slug = "renamed"
        author.save()

        assert client.get(old_url)["Location"] == "/authors/renamed/"


def test_admin_history_says_which_fields_changed(editor_client):
    point = make_point()
    url = reverse("admin:points_point_change", args=[point.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {
        "how_to_find": "A new first step.\nA new second step.",
        "published_at_0": "2026-01-01",
        "published_at_1": "09:00:00",
        "conditions": [],
        "aliases-TOTAL_FORMS": 0,
        "aliases-INITIAL_FORMS": 0,
        "pictures-TOTAL_FORMS": 0,
        "pictures-INITIAL_FORMS": 0,
        "citations-TOTAL_FORMS": 0,
        "citations-INITIAL_FORMS": 0,
    }
    data.pop("reviewer", None)

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = LogEntry.objects.get(object_id=str(point.pk))
    assert "How to find it" in entry.get_change_message()
    history = editor_client.get(reverse("admin:points_point_history", args=[point.pk])).text
    assert "How to find it" in history


class TestReview:
    def test_pages_show_when_they_were_reviewed_and_by_whom(self, client):
        reviewer = Reviewer.objects.create(name="Dr Ana Lee", credential="Physiotherapist")
        point = make_point(
            last_reviewed=date(2026, 11, 1), next_review_due=date(2027, 11, 1), reviewer=reviewer
        )

        text = client.get(point.get_absolute_url()).text

        assert "Page last reviewed: <time" in text
        assert "1 November 2026" in text
        assert "by Dr Ana Lee, Physiotherapist" in text
        assert "Next review due: <time" in text
        assert "1 November 2027" in text

    def test_a_review_date_needs_a_named_reviewer(self):
        point = make_point(last_reviewed=date(2026, 11, 1))
        article = make_article(last_reviewed=date(2026, 11, 1))

        for page in (point, article):
            with pytest.raises(ValidationError) as raised:
                page.full_clean()
            assert "reviewer" in raised.value.message_dict

    def test_a_team_is_named_as_a_team_in_structured_data(self, client):
        team = Reviewer.objects.create(
            name="the editorial team", credential="site editors", is_team=True
        )
        point = make_point(last_reviewed=date(2026, 11, 1), reviewer=team)

        text = client.get(point.get_absolute_url()).text

        assert "by the editorial team, site editors." in text
        assert '"reviewedBy": {"@type": "Organization", "name": "the editorial team"}' in text

    def test_admin_filters_pages_whose_review_is_overdue(self, editor_client):
        today = timezone.localdate()
        make_point(code="OVERDUE1", next_review_due=today - timedelta(days=1))
        make_point(code="CURRENT1", next_review_due=today + timedelta(days=100))

        text = editor_client.get(
            reverse("admin:points_point_changelist"), {"review": "overdue"}
        ).text

        assert "OVERDUE1" in text
        assert "CURRENT1" not in text


class TestReferences:
    @pytest.fixture
    def study(self):
        return Reference.objects.create(
            title="Self-Administered Acupressure for Chronic Low Back Pain",
            authors="Murphy SL, Harris RE, Keshavarzi NR, Zick SM",
            publication="Pain Medicine 2019;20(12):2588-2597",
            year=2019,
            doi="10.1093/pm/pnz138",
        )

    def test_citations_in_the_text_link_to_the_numbered_reference(self, client, study):
        article = make_article(intro="A pilot trial found less pain [1]. See also [7].")
        ArticleReference.objects.create(article=article, reference=study, position=1)

        text = client.get(article.get_absolute_url()).text

        assert '<a class="citation" href="#ref-1" aria-label="Reference 1">[1]</a>' in text
        assert "See also [7]." in text  # no reference 7: left as the editor wrote it
        assert '<li id="ref-1" value="1">' in text
        assert 'href="https://doi.org/10.1093/pm/pnz138"' in text
        assert "Murphy SL, Harris RE, Keshavarzi NR, Zick SM (2019)." in text

    def test_points_list_their_sources(self, client, study):
        point = make_point(location="Beside the spine [1].")
        PointReference.objects.create(point=point, reference=study, position=1)

        text = client.get(point.get_absolute_url()).text

        assert 'href="#ref-1"' in text
        assert "References" in text

    def test_citation_markup_cannot_smuggle_html(self, client, study):
        article = make_article(intro='<script>alert("x")</script> [1]')
        ArticleReference.objects.create(article=article, reference=study, position=1)

        text = client.get(article.get_absolute_url()).text

        assert '<script>alert("x")</script>' not in text
        assert "&lt;script&gt;" in text


def test_article_shows_the_warning_signs_kept_on_the_disclaimer(client):
    Disclaimer.objects.create(
        short_notice="Information only.",
        body="Ask a doctor.",
        emergency_signs="You cannot control your bladder.",
        see_a_doctor_signs="Your legs feel weak.\nYou have a fever.",
    )
    article = make_article()

    text = client.get(article.get_absolute_url()).text

    assert "Call an ambulance or go to A&amp;E now" in text
    assert "<li>You cannot control your bladder.</li>" in text
    assert "See a doctor soon if" in text
    assert "<li>Your legs feel weak.</li>" in text


def jpeg_with_gps_and_orientation():
    """A 40x20 JPEG whose EXIF says: rotate 90 degrees, taken at a GPS position."""
    image = Image.new("RGB", (40, 20), (200, 100, 50))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


class TestPicturePipeline:
    def test_phone_photo_is_turned_upright_and_loses_all_metadata(self):
        original = jpeg_with_gps_and_orientation()
        assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the input has GPS

        picture = make_image(make_point(), image=upload("IMG_0001.jpg", original, "image/jpeg"))

        with picture.image.open() as stored, Image.open(stored) as result:
            assert result.size == (20, 40)
            assert not result.getexif()
            assert "exif" not in result.info
            assert "xmp" not in result.info
            assert "icc_profile" not in result.info
        for rendition in picture.renditions:
            with picture.image.storage.open(rendition["name"]) as file, Image.open(file) as webp:
                assert not webp.getexif()
                assert webp.format == "WEBP"

    def test_stored_under_a_random_name_with_webp_renditions(self):
        content = png_bytes(size=(1000, 500))
        picture = make_image(make_point(), image=upload("my-secret-name.png", content))

        assert "my-secret-name" not in picture.image.name
        assert picture.image.name.endswith(".png")
        widths = [rendition["width"] for rendition in picture.renditions]
        assert widths == [320, 640, 960, 1000]
        assert picture.renditions[0]["height"] == 160

    def test_small_pictures_get_one_rendition_at_their_own_size(self):
        picture = make_image(make_point(), image=upload(content=png_bytes(size=(200, 100))))

        assert [r["width"] for r in picture.renditions] == [200]

    def test_point_page_offers_responsive_webp_with_dimensions(self, client):
        point = make_point()
        make_image(point, image=upload(content=png_bytes(size=(1000, 500))), alt_text="First")
        make_image(point, image=upload(content=png_bytes(size=(800, 400))), alt_text="Second")

        text = client.get(point.get_absolute_url()).text

        assert '<source type="image/webp" srcset="' in text
        assert "-320.webp 320w" in text
        assert 'sizes="(min-width: 56rem) 28rem, 100vw"' in text
        first = text[text.index('alt="First"') :].split(">")[0]
        second = text[text.index('alt="Second"') :].split(">")[0]
        assert 'width="1000" height="500"' in first
        assert 'fetchpriority="high"' in first
        assert 'loading="lazy"' in second

    def test_the_marker_is_drawn_and_explained_in_text(self, client):
        point = make_point(code="BL23")
        make_image(
            point, image=upload(content=png_bytes(size=(400, 200))), marker_x=25, marker_y=50
        )

        text = client.get(point.get_absolute_url()).text

        assert '<circle cx="100" cy="100"' in text
        assert "The red ring marks where BL23 is." in text

    def test_decorative_pictures_have_empty_alt(self, client):
        point = make_point()
        make_image(point, alt_text="", is_decorative=True)

        assert 'alt=""' in client.get(point.get_absolute_url()).text


def png_header_claiming(width, height):
    """The first bytes of a PNG that says it is width x height: enough to be a bomb."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0"))


def add_picture(client, name, content, **fields):
    """Upload a picture to the library as the admin's add form sends it."""
    data = {
        "image": upload(name, content, "image/png"),
        "alt_text": "A picture",
        "markers-TOTAL_FORMS": 0,
        "markers-INITIAL_FORMS": 0,
    }
    return client.post(reverse("admin:points_picture_add"), data | fields)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bomb.png", png_header_claiming(60_000, 60_000), "too many pixels"),
        ("big.png", png_header_claiming(8_000, 6_000), "too many pixels (8000 by 6000 pixels)"),
        ("notes.jpg", b"plain text pretending to be a photo", "not a picture we can read"),
        ("icon.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "not a picture we can read"),
        ("scan.tif", png_bytes(image_format="TIFF"), "TIFF pictures are not accepted"),
        ("polyglot.png", png_bytes() + b"<html><script>alert(1)</script>", None),
    ],
    ids=["bomb", "too-many-pixels", "text-as-jpg", "svg", "tiff", "png-html-polyglot"],
)
def test_hostile_pictures_are_refused_or_neutralised(editor_client, name, content, message):
    response = add_picture(editor_client, name, content)

    if message is None:
        # A valid PNG with HTML appended is accepted, but re-encoded from its pixels: the
        # trailing HTML is gone from the stored file.
        picture = Picture.objects.get()
        assert b"<script>" not in picture.image.read()
        return
    assert response.status_code == 200
    assert message in response.text
    assert not Picture.objects.exists()


def test_an_editor_can_do_the_whole_job_and_nothing_more(editor_client):
    add = editor_client.post(
        reverse("admin:points_reference_add"), {"title": "A source", "authors": "", "year": 2020}
    )
    assert add.status_code == 302
    for name in ["point", "picture", "article", "author", "reference", "reviewer", "comment"]:
        assert editor_client.get(reverse(f"admin:points_{name}_changelist")).status_code == 200
    assert editor_client.get(reverse("admin:auth_user_add")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert Point.objects.count() == 0


OFF_SITE_PATHS = [
    "https://phishing.example/login",
    "//phishing.example/",
    "/\\phishing.example/",
    "\\\\phishing.example/",
    "javascript:alert(1)",
    "phishing.example/",
    "/\t/phishing.example/",
]


class TestPageRedirectsStayOnTheSite:
    @pytest.mark.parametrize("new_path", OFF_SITE_PATHS)
    def test_the_admin_refuses_an_off_site_target_with_a_clear_error(self, admin_client, new_path):
        response = admin_client.post(
            reverse("admin:points_pageredirect_add"),
            {"old_path": "/old-page/", "new_path": new_path},
        )

        assert response.status_code == 200
        assert "redirects never leave the site" in response.text
        assert not PageRedirect.objects.exists()

    def test_the_admin_accepts_a_path_on_the_site(self, admin_client):
        response = admin_client.post(
            reverse("admin:points_pageredirect_add"),
            {"old_path": "/old-page/", "new_path": "/points/"},
        )

        assert response.status_code == 302
        assert PageRedirect.objects.get().new_path == "/points/"

    @pytest.mark.parametrize("new_path", OFF_SITE_PATHS)
    def test_an_off_site_target_in_the_database_is_never_followed(self, client, new_path):
        PageRedirect.objects.create(old_path="/old-page/", new_path=new_path)

        response = client.get("/old-page/")

        assert response.status_code == 404
        assert "Location" not in response


def test_a_points_channel_must_be_the_one_its_code_names(editor_client, point):
    """ST36 was saved on the Conception Vessel, and its page said so to readers."""
    url, data = change_form(editor_client, point)

    wrong = editor_client.post(url, data | {"code": ["ST36"], "channel": ["CV"]})
    right = editor_client.post(url, data | {"code": ["ST36"], "channel": ["ST"]})

    assert wrong.status_code == 200
    assert "ST36 is a Stomach point: its code starts with ST." in wrong.text
    assert right.status_code == 302
    point.refresh_from_db()
    assert (point.code, point.get_channel_display()) == ("ST36", "Stomach")

"""The admin is the editors' product: every screen opens for an editor, and bad input gets a
readable error."""

import pytest
from django.urls import reverse

from points.models import Disclaimer, Picture, Point
from tests.factories import (
    make_article,
    make_author,
    make_condition,
    make_image,
    make_picture,
    make_point,
    make_section,
    png_bytes,
    upload,
)
from tests.pages import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    point = make_point(code="BL23", pinyin="Shenshu")
    picture = make_image(point, alt_text="Back view of the waist")
    point.aliases.create(name="UB23")
    point.conditions.add(make_condition(name="Sciatica"))
    article = make_article(title="Points for back pain")
    make_section(article, points=[point])
    disclaimer = Disclaimer.objects.create(short_notice="Not advice.", body="Full text.")
    return {
        "point": point,
        "picture": picture,
        "condition": point.conditions.get(),
        "article": article,
        "author": article.author,
        "disclaimer": disclaimer,
    }


MODELS = ["point", "picture", "condition", "article", "author", "disclaimer"]


@pytest.mark.parametrize("model", MODELS)
def test_editor_can_open_every_changelist_and_change_form(editor_client, content, model):
    obj = content[model]

    changelist = editor_client.get(reverse(f"admin:points_{model}_changelist"))
    change_form = editor_client.get(reverse(f"admin:points_{model}_change", args=[obj.pk]))

    assert changelist.status_code == 200
    assert str(obj) in changelist.text
    assert change_form.status_code == 200


@pytest.mark.parametrize("model", ["point", "picture", "condition", "article", "author"])
def test_editor_can_open_every_add_form(editor_client, model):
    assert editor_client.get(reverse(f"admin:points_{model}_add")).status_code == 200


def test_changelist_searches_point_aliases(editor_client, content):
    make_point(code="CV6", pinyin="Qihai")

    response = editor_client.get(reverse("admin:points_point_changelist"), {"q": "UB23"})

    assert "Shenshu" in response.text
    assert "Qihai" not in response.text


@pytest.mark.parametrize("query", ["sciatica", "waist"])
def test_changelist_finds_points_by_complaint_and_by_where_they_are(editor_client, content, query):
    content["point"].where_short = "level with the waist"
    content["point"].save()
    make_point(code="CV6", pinyin="Qihai", where_short="below the navel")

    response = editor_client.get(reverse("admin:points_point_changelist"), {"q": query})

    assert "Shenshu" in response.text
    assert "Qihai" not in response.text


def test_point_changelist_shows_thumbnails(editor_client, content):
    response = editor_client.get(reverse("admin:points_point_changelist"))

    assert content["picture"].image.url in response.text


def test_disclaimer_can_be_neither_duplicated_nor_deleted(editor_client, content):
    disclaimer = content["disclaimer"]

    assert editor_client.get(reverse("admin:points_disclaimer_add")).status_code == 403
    delete_url = reverse("admin:points_disclaimer_delete", args=[disclaimer.pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Disclaimer.objects.count() == 1


def test_editors_cannot_manage_accounts(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("admin:points_point_changelist"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


PICTURE_ADD = reverse("admin:points_picture_add")


def picture_form(**overrides):
    """The library's add form as an editor fills it in, no markers yet."""
    data = {
        "image": upload(),
        "title": "",
        "alt_text": "A diagram",
        "caption": "",
        "credit": "",
        "licence": "",
        "markers-TOTAL_FORMS": 0,
        "markers-INITIAL_FORMS": 0,
    }
    return data | overrides


def test_picture_without_alt_text_is_refused_with_a_clear_error(editor_client, content):
    response = editor_client.post(PICTURE_ADD, picture_form(alt_text=""))

    assert response.status_code == 200
    assert "Describe the picture for readers who cannot see it" in response.text
    assert Picture.objects.count() == 1


def test_a_decorative_picture_needs_no_alt_text(editor_client, content):
    response = editor_client.post(PICTURE_ADD, picture_form(alt_text="", is_decorative="on"))

    assert response.status_code == 302
    assert Picture.objects.filter(is_decorative=True).count() == 1


@pytest.mark.parametrize(
    ("name", "content_bytes", "message"),
    [
        ("notes.jpg", b"just some text, not a picture", "not a picture we can read"),
        ("drawing.gif", png_bytes(image_format="GIF"), "GIF pictures are not accepted"),
        (
            "vector.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "not a picture we can read",
        ),
    ],
)
def test_pictures_are_checked_by_decoding_not_by_name(
    editor_client, content, name, content_bytes, message
):
    form = picture_form(image=upload(name, content_bytes, "image/jpeg"))

    response = editor_client.post(PICTURE_ADD, form)

    assert response.status_code == 200
    assert message in response.text
    assert Picture.objects.count() == 1


def test_oversize_picture_is_refused(editor_client, content, settings):
    settings.MAX_UPLOAD_BYTES = 100

    response = editor_client.post(PICTURE_ADD, picture_form())

    assert "the largest picture accepted is 100" in response.text
    assert Picture.objects.count() == 1


def test_valid_picture_is_stored_with_its_dimensions_and_named_after_its_file(
    editor_client, content
):
    response = editor_client.post(PICTURE_ADD, picture_form(image=upload("bl23-side_view.png")))

    assert response.status_code == 302
    picture = Picture.objects.latest("pk")
    assert (picture.width, picture.height) == (40, 30)
    assert picture.title == "bl23 side view"


def test_point_form_explains_an_inverted_duration_range(editor_client, content):
    point = content["point"]
    url = reverse("admin:points_point_change", args=[point.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {
        name: form.initial.get(name) or ""
        for name in form.fields
        if form.initial.get(name) is not None
    }
    data |= {
        "conditions": [c.pk for c in point.conditions.all()],
        "duration_min_seconds": 120,
        "duration_max_seconds": 60,
        "published_at_0": "2026-01-01",
        "published_at_1": "09:00:00",
        "aliases-TOTAL_FORMS": 0,
        "aliases-INITIAL_FORMS": 0,
        "pictures-TOTAL_FORMS": 0,
        "pictures-INITIAL_FORMS": 0,
    }

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "The longest duration must be at least the shortest duration." in response.text
    point.refresh_from_db()
    assert point.duration_max_seconds is None
    assert Point.objects.count() == 1


class TestAFormShownAgainSaysToChooseThePictureAgain:
    """A browser cannot put a chosen file back into a form shown again with something to fix:
    the picture field says so, naming the file, rather than looking as if it were kept."""

    def test_on_the_picture_form(self, editor_client, point):
        response = editor_client.post(
            PICTURE_ADD, picture_form(image=upload("bl23-side.png"), alt_text="")
        )

        assert response.status_code == 200
        assert "You chose “bl23-side.png”: choose it again before saving" in response.text

    def test_on_a_picture_changed_when_another_field_is_wrong(self, editor_client, point):
        picture = point.pictures.get().picture
        url = reverse("admin:points_picture_change", args=[picture.pk])
        data = form_data(editor_client.get(url).text, "picture_form")
        data |= {
            "image": upload("bl23-side.png"),
            "alt_text": [""],
            "caption": ["BL23 from the side"],
        }

        response = editor_client.post(url, data)

        assert response.status_code == 200
        assert "You chose “bl23-side.png”: choose it again before saving" in response.text
        assert "BL23 from the side" in response.text  # the rest of what was typed is kept

    def test_a_points_chosen_picture_is_kept_when_another_field_is_wrong(
        self, editor_client, point
    ):
        """A picture from the library is a choice, not a file: the form shown again keeps it."""
        side = make_picture(title="BL23 from the side")
        url = reverse("admin:points_point_change", args=[point.pk])
        data = form_data(editor_client.get(url).text, "point_form")
        data |= {
            "pinyin": [""],
            "pictures-TOTAL_FORMS": ["2"],
            "pictures-1-picture": [str(side.pk)],
            "pictures-1-position": ["1"],
        }

        response = editor_client.post(url, data)

        assert response.status_code == 200
        assert "choose it again" not in response.text
        shown = form_data(response.text, "point_form")
        assert shown["pictures-1-picture"] == [str(side.pk)]
        assert "BL23 from the side" in response.text

    def test_not_when_nothing_was_chosen(self, editor_client, point):
        response = editor_client.post(PICTURE_ADD, picture_form(image="", alt_text=""))

        assert "choose it again" not in response.text


def test_the_slug_help_text_shows_a_real_address(editor_client, point):
    """It read "/points//." when the help text was built from an empty slug."""
    form = editor_client.get(reverse("admin:points_point_change", args=[point.pk])).text

    assert "/points//" not in form
    assert "/points/ then this, e.g. /points/bl23-shenshu/." in form


def change_url(obj):
    return reverse(f"admin:points_{obj._meta.model_name}_change", args=[obj.pk])


def test_the_library_form_says_where_a_picture_is_used_and_how_to_place_it(editor_client, content):
    picture, point, article = content["picture"], content["point"], content["article"]
    author = make_author(name="Paul", picture=picture)
    section = article.sections.get()
    section.body = f"Where to press.\n\n[[picture:{picture.pk}|BL23 from behind]]"
    section.save()

    text = editor_client.get(change_url(picture)).text

    assert "Used by" in text
    assert f'<a href="{change_url(point)}">The page of BL23 Shenshu</a>' in text
    assert f'<a href="{change_url(author)}">The author Paul</a>' in text
    where = f"section {section.position} “{section.heading}” of “Points for back pain”"
    assert f'<a href="{change_url(article)}">{where}</a>' in text  # edited on the article
    assert 'href="None"' not in text
    assert f"Write <code>[[picture:{picture.pk}]]</code> on a line of its own" in text


def test_an_unused_picture_says_so_and_still_offers_its_code(editor_client):
    picture = make_picture()

    text = editor_client.get(change_url(picture)).text

    assert "Not used yet." in text
    assert f"<code>[[picture:{picture.pk}]]</code>" in text


def test_the_library_list_says_what_uses_each_picture_and_filters_the_unused(
    editor_client, content
):
    make_author(picture=content["picture"])
    unused = make_picture(title="An old scan")
    url = reverse("admin:points_picture_changelist")

    everything = editor_client.get(url)
    not_used = editor_client.get(url, {"use": "unused"})

    assert "1 point, 1 author" in everything.text
    assert "Not used anywhere" in everything.text
    assert list(not_used.context["cl"].result_list) == [unused]


def test_markers_set_in_the_library_are_drawn_on_the_points_page(editor_client, client, content):
    picture, point = content["picture"], content["point"]
    url = change_url(picture)
    data = form_data(editor_client.get(url).text, "picture_form")
    data |= {"markers-0-point": [str(point.pk)], "markers-0-x": ["25"], "markers-0-y": ["50"]}

    response = editor_client.post(url, data)

    assert response.status_code == 302
    marker = picture.markers.get()
    assert (marker.point, marker.cx, marker.cy) == (point, 10, 15)  # on the 40 x 30 picture
    page = client.get(point.get_absolute_url()).text
    assert '<circle cx="10" cy="15"' in page
    assert "The red ring marks where BL23 is." in page


FIND_URL = "/admin/find/"


def test_one_search_finds_a_word_in_every_kind_of_content(editor_client):
    point = make_point(code="BL40", pinyin="Weizhong", said_to_help="Knee pain and sciatica.")
    article = make_article(title="Points for the back")
    make_section(article, heading="Knee Back Point", body="Behind the knee.")
    make_picture(title="Knee from behind")
    make_condition(name="Knee pain")
    make_point(code="LI4", pinyin="Hegu", said_to_help="Headache.")

    home = editor_client.get("/admin/").text
    assert 'action="/admin/find/"' in home

    page = editor_client.get(FIND_URL, {"q": "knee"}).text

    for found in (str(point), "Points for the back", "Knee from behind", "Knee pain"):
        assert found in page, found
    assert "Hegu" not in page
    assert page.index("<h2") < page.index(str(point)) < page.index("Knee from behind")
    assert reverse("admin:points_point_change", args=[point.pk]) in page


def test_a_near_miss_is_offered_the_names_it_is_close_to(editor_client, point):
    """ "shensu" found nothing, where the site's own search offers Shenshu."""
    page = editor_client.get(FIND_URL, {"q": "shensu"}).text

    assert "Nothing matched “shensu”" in page
    assert 'Did you mean <a href="?q=Shenshu">Shenshu</a>?' in page


def test_the_search_says_when_nothing_matched_and_links_to_the_full_list_when_many_did(
    editor_client,
):
    for number in range(10):
        make_picture(title=f"Diagram {number}")

    nothing = editor_client.get(FIND_URL, {"q": "zzzz"}).text
    assert "Nothing matched “zzzz”" in nothing

    many = editor_client.get(FIND_URL, {"q": "Diagram"}).text
    assert many.count("Diagram ") >= 8
    assert f"{reverse('admin:points_picture_changelist')}?q=Diagram" in many


def test_the_search_is_for_staff_only(client):
    response = client.get(FIND_URL, {"q": "knee"})

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_search_lists_only_what_the_editor_may_see(viewer_client):
    make_point(code="BL40", pinyin="Weizhong", said_to_help="Knee pain.")
    make_picture(title="Knee from behind")

    page = viewer_client.get(FIND_URL, {"q": "knee"}).text

    assert "BL40" in page
    assert "Knee from behind" not in page  # this viewer may look at points only

"""The picture library as readers meet it: a picture uploaded once and shown by points,
authors and texts, with its alternative text, caption, credit and licence; markers labelled
with their points; crops that keep the focal point in view; and pages that follow every change
made in the library."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from points.models import (
    ArticleReference,
    PendingChange,
    Picture,
    PictureMarker,
    Reference,
    Status,
)
from tests.browser.checks import html_errors
from tests.factories import (
    make_article,
    make_author,
    make_condition,
    make_image,
    make_picture,
    make_point,
    make_section,
)
from tests.pages import change_form, form_data

pytestmark = pytest.mark.django_db


def figures(html):
    """The <figure> elements of a page, as text."""
    parts = html.split('<figure class="figure">')[1:]
    return [part.split("</figure>")[0] for part in parts]


def test_a_text_places_a_library_picture_as_a_figure_between_its_paragraphs(client):
    picture = make_picture(
        alt_text="Back view of the waist",
        caption="Library caption",
        credit="Drawn for this site",
        licence="CC BY 4.0",
    )
    body = f"First paragraph.\n\n[[picture:{picture.pk}]]\n\nSecond paragraph."
    article = make_article()
    make_section(article, body=body)

    html = client.get(article.get_absolute_url()).text

    [figure] = figures(html)
    assert 'alt="Back view of the waist"' in figure
    assert "Library caption" in figure
    assert "Drawn for this site · Licence: CC BY 4.0" in figure
    assert html.index("First paragraph.") < html.index('<figure class="figure">')
    assert html.index('<figure class="figure">') < html.index("Second paragraph.")
    assert "<p><figure" not in html  # a block of its own, never inside a paragraph


def test_the_placing_text_can_give_the_picture_its_own_caption(client):
    picture = make_picture(caption="Library caption")
    article = make_article()
    make_section(article, body=f"Text.\n\n[[picture:{picture.pk}|The Lower Back Point]]")

    [figure] = figures(client.get(article.get_absolute_url()).text)

    assert "The Lower Back Point" in figure
    assert "Library caption" not in figure


def test_a_caption_written_in_a_text_is_escaped(client):
    picture = make_picture()
    article = make_article()
    body = f'[[picture:{picture.pk}|<script>alert(1)</script><img src=x onerror="alert(2)">]]'
    make_section(article, body=body)

    html = client.get(article.get_absolute_url()).text

    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_picture_not_in_the_library_shows_readers_nothing_and_is_flagged_to_editors(
    client, editor_client
):
    article = make_article()
    section = make_section(article, body="Before.\n\n[[picture:987654]]\n\nAfter.")

    html = client.get(article.get_absolute_url()).text
    assert "987654" not in html
    assert "Before." in html
    assert "After." in html

    url, data = change_form(editor_client, article)
    response = editor_client.post(url, data, follow=True)
    assert "[[picture:987654]]: there is no such picture in the picture library" in response.text
    preview = editor_client.post("/admin/formatting-preview/", {"text": section.body}).json()
    assert "Picture 987654 is not in the picture library" in preview["html"]


def test_the_admin_preview_shows_the_placed_picture(editor_client):
    picture = make_picture(alt_text="Knee from behind", caption="BL40")

    preview = editor_client.post(
        "/admin/formatting-preview/", {"text": f"[[picture:{picture.pk}]]"}
    ).json()

    assert 'alt="Knee from behind"' in preview["html"]
    assert "<figcaption>" in preview["html"]


def test_one_picture_is_used_by_points_an_author_and_a_text_and_changes_everywhere_at_once(
    client,
):
    """Uploaded once: correcting its description in the library corrects every page."""
    picture = make_picture(alt_text="Old description", caption="Old caption")
    bl23, bl52 = make_point(), make_point()
    for point in (bl23, bl52):
        point.pictures.create(picture=picture)
    author = make_author(picture=picture)
    article = make_article(author=author)
    make_section(article, body=f"[[picture:{picture.pk}]]", points=[bl23])
    pages = [bl23.get_absolute_url(), bl52.get_absolute_url(), article.get_absolute_url()]
    pages.append(author.get_absolute_url())
    for url in pages:
        assert 'alt="Old description"' in client.get(url).text, url

    picture.alt_text = "New description"
    picture.caption = "New caption"
    picture.save()

    for url in pages:
        html = client.get(url).text
        assert 'alt="New description"' in html, url
        assert 'alt="Old description"' not in html, url


def test_a_point_page_draws_every_marker_labelled_with_its_point(client):
    bl23, gb30 = make_point(code="BL23"), make_point(code="GB30")
    picture = make_image(bl23, marker_x=40, marker_y=50)  # the left side of the spine
    PictureMarker.objects.create(picture=picture, point=bl23, x=60, y=50)  # and the right
    PictureMarker.objects.create(picture=picture, point=gb30, x=30, y=80)

    [figure] = figures(client.get(bl23.get_absolute_url()).text)

    assert figure.count('stroke="#b3261e" stroke-width="3"') == 2  # BL23's two rings in red
    assert figure.count('stroke="#4a4a4a" stroke-width="3"') == 1  # GB30's in grey
    assert figure.count(">BL23</text>") == 2
    assert figure.count(">GB30</text>") == 1
    assert "The red rings mark where BL23 is. Grey rings mark other points: GB30." in figure


def test_a_placed_picture_names_every_point_it_marks(client):
    bl23, bl25 = make_point(code="BL23"), make_point(code="BL25")
    picture = make_picture()
    PictureMarker.objects.create(picture=picture, point=bl23, x=40, y=50)
    PictureMarker.objects.create(picture=picture, point=bl25, x=40, y=70)
    article = make_article()
    make_section(article, body=f"[[picture:{picture.pk}]]")

    [figure] = figures(client.get(article.get_absolute_url()).text)

    assert "The rings mark where BL23 and BL25 are." in figure


@pytest.mark.parametrize(
    ("focal", "css_class"),
    [
        ((None, None), None),
        ((22, 81), "focal-x20 focal-y80"),
        ((100, 0), "focal-x100 focal-y0"),
        ((25, 45), "focal-x30 focal-y50"),  # halves up, as the admin's crop preview rounds
    ],
)
def test_crops_keep_the_focal_point_in_view(client, focal, css_class):
    point = make_point()
    make_image(point, focal_x=focal[0], focal_y=focal[1])

    html = client.get(reverse("points:point-index")).text

    [card_image] = [line for line in html.splitlines() if "point-card__image" in line]
    if css_class:
        assert css_class in card_image
    else:
        assert "focal-x" not in card_image


def test_an_authors_photo_is_a_square_crop_from_the_library(client):
    picture = make_picture(alt_text="Paul smiling outdoors", focal_x=50, focal_y=20)
    author = make_author(picture=picture)
    make_article(author=author)

    html = client.get(author.get_absolute_url()).text

    assert 'alt="Paul smiling outdoors"' in html
    assert 'width="160" height="160"' in html
    assert "focal-x50 focal-y20" in html


def test_the_library_lists_where_each_picture_is_used_and_how_to_place_it(editor_client):
    point = make_point(code="BL40", pinyin="Weizhong")
    picture = make_image(point, title="Knee from behind")
    article = make_article(title="Back pain")
    make_section(article, heading="Knee Back Point", position=4, body=f"[[picture:{picture.pk}]]")
    make_picture(title="Spare drawing")

    listing = editor_client.get(reverse("admin:points_picture_changelist")).text
    assert "Knee from behind" in listing
    assert "Spare drawing" in listing
    assert "1 point" in listing
    assert "Not used anywhere" in listing
    unused = editor_client.get(reverse("admin:points_picture_changelist") + "?use=unused").text
    assert "Spare drawing" in unused
    assert "Knee from behind" not in unused

    page = editor_client.get(reverse("admin:points_picture_change", args=[picture.pk])).text
    assert "The page of BL40 Weizhong" in page
    assert "section 4 “Knee Back Point” of “Back pain”" in page
    assert f"[[picture:{picture.pk}]]" in page


def test_the_library_finds_pictures_by_the_points_they_show(editor_client):
    point = make_point(code="KI1", pinyin="Yongquan")
    make_image(point, title="Sole of the foot")
    make_picture(title="Unrelated")

    listing = editor_client.get(reverse("admin:points_picture_changelist") + "?q=KI1").text

    assert "Sole of the foot" in listing
    assert "Unrelated" not in listing


def test_a_picture_gets_a_name_in_the_library_from_its_file_when_given_none():
    picture = make_picture(title="")

    assert picture.title == "picture"  # from "picture.png", the test upload's name


def test_a_point_page_quotes_the_article_without_its_pictures(client):
    """The article places the point's own diagram: quoting the section on the point's page
    showed the same picture again under the quotation (three times for BL40)."""
    point = make_point()
    picture = make_image(point, alt_text="Knee from behind")
    article = make_article()
    body = f"Press behind the knee.\n\n[[picture:{picture.pk}]]"
    make_section(article, body=body, points=[point])

    html = client.get(point.get_absolute_url()).text

    assert "Press behind the knee." in html
    assert html.count('alt="Knee from behind"') == 1


@pytest.mark.browser  # the HTML checker runs with the browser tests (java, `npm ci`)
def test_figures_with_markers_and_placed_pictures_are_valid_html(client):
    bl23, gb30 = make_point(code="BL23"), make_point(code="GB30")
    picture = make_image(bl23, marker_x=40, marker_y=50, caption="Both sides", licence="Ours")
    PictureMarker.objects.create(picture=picture, point=bl23, x=60, y=50)
    PictureMarker.objects.create(picture=picture, point=gb30, x=30, y=80)
    article = make_article()
    make_section(article, body=f"Text.\n\n[[picture:{picture.pk}|Placed]]\n\nMore.", points=[bl23])
    pages = {
        "point": client.get(bl23.get_absolute_url()).text,
        "article": client.get(article.get_absolute_url()).text,
    }

    assert html_errors(pages) == []


def test_a_picture_placed_between_paragraphs_typed_in_a_browser_is_shown(client):
    """Browsers send line breaks as CR LF: a picture line ending in CR was not recognised, so
    readers saw "picture:11" instead of the picture (found by an editor's review)."""
    picture = make_picture(alt_text="Back view")
    article = make_article()
    body = f"First.\r\n\r\n[[picture:{picture.pk}|Mine]]\r\n\r\nSecond."
    make_section(article, body=body)

    html = client.get(article.get_absolute_url()).text

    [figure] = figures(html)
    assert 'alt="Back view"' in figure
    assert "Mine" in figure
    assert "picture:" not in html


def test_the_unused_filter_leaves_out_pictures_placed_only_in_a_text(editor_client):
    placed = make_picture(title="Placed in the closing text")
    make_article(closing=f"Thanks.\n\n[[picture:{placed.pk}]]")
    make_picture(title="Truly unused")
    changelist = reverse("admin:points_picture_changelist")

    unused = editor_client.get(changelist + "?use=unused").text
    listing = editor_client.get(changelist).text

    assert "Truly unused" in unused
    assert "Placed in the closing text" not in unused
    assert "placed in a text" in listing


def test_deleting_a_picture_a_draft_shows_says_so(editor_client):
    point = make_point(code="BL40", pinyin="Weizhong")
    picture = make_picture(title="Only in a draft")
    PendingChange.objects.create(
        point=point,
        form_data={"pictures-0-picture": [str(picture.pk)], "pictures-0-position": ["0"]},
    )

    page = editor_client.get(reverse("admin:points_picture_delete", args=[picture.pk])).text

    assert "Chosen in the unpublished changes of “BL40 Weizhong”" in page


def test_a_pictures_row_whose_picture_was_deleted_says_so_in_plain_words(editor_client, point):
    """A draft chose a picture deleted since: its form said "Select a valid choice"."""
    url, data = change_form(editor_client, point)
    gone = make_picture(title="Deleted since")
    data |= {"pictures-0-picture": [str(gone.pk)]}
    gone.delete()

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "This picture is no longer in the picture library" in response.text


def test_a_new_picture_is_saved_before_its_focal_point_and_markers_are_set(editor_client):
    page = editor_client.get(reverse("admin:points_picture_add")).text

    assert 'name="focal_x"' not in page
    assert "markers-TOTAL_FORMS" not in page
    assert "Save the picture first" in page


def test_a_pictures_page_gives_its_size_kind_and_copies(editor_client):
    picture = make_picture()  # a 40 by 30 PNG from the factories

    page = editor_client.get(reverse("admin:points_picture_change", args=[picture.pk])).text

    assert "40 by 30 pixels, PNG" in page
    assert "1 smaller WebP copy for small screens" in page


def test_an_authors_form_shows_the_chosen_photo(editor_client):
    picture = make_picture(alt_text="Paul smiling")
    author = make_author(picture=picture)

    page = editor_client.get(reverse("admin:points_author_change", args=[author.pk])).text

    assert f'src="{picture.image.url}"' in page
    assert 'alt="Paul smiling"' in page


def test_markers_of_unpublished_points_are_not_shown_to_readers(client):
    """A draft point's code was drawn and named on a published point's picture."""
    bl23 = make_point(code="BL23")
    draft = make_point(code="ZZ99", status=Status.DRAFT)
    picture = make_image(bl23, marker_x=40, marker_y=50)
    PictureMarker.objects.create(picture=picture, point=draft, x=60, y=50)
    article = make_article()
    make_section(article, body=f"[[picture:{picture.pk}]]")

    for url in (bl23.get_absolute_url(), article.get_absolute_url()):
        html = client.get(url).text
        assert ">BL23</text>" in html, url
        assert "ZZ99" not in html, url


def test_a_focal_point_needs_both_positions_in_the_database_too():
    picture = make_picture()

    with pytest.raises(IntegrityError), transaction.atomic():
        Picture.objects.filter(pk=picture.pk).update(focal_x=50)


def test_a_caption_from_the_library_is_not_linked_to_the_pages_references(client):
    picture = make_picture(caption="After Smith [1]")
    article = make_article()
    reference = Reference.objects.create(title="A trial", year=2019)
    ArticleReference.objects.create(article=article, reference=reference, position=1)
    make_section(article, body=f"As shown [1].\n\n[[picture:{picture.pk}]]")

    [figure] = figures(client.get(article.get_absolute_url()).text)

    assert "After Smith [1]" in figure
    assert "citation" not in figure


def test_pictures_placed_in_a_text_without_a_page_load_together(
    render_client, django_assert_max_num_queries
):
    """A condition's description has no page to gather its pictures from: each picture
    cost two queries."""
    pictures = [make_picture() for _ in range(4)]
    lines = "\n\n".join(f"[[picture:{picture.pk}]]" for picture in pictures)
    condition = make_condition(description=f"Text.\n\n{lines}")
    make_point().conditions.add(condition)
    render_client.get(condition.get_absolute_url())  # the site-wide data, once

    with django_assert_max_num_queries(8):
        html = render_client.get(condition.get_absolute_url()).text

    assert len(figures(html)) == 4


def test_the_picture_chooser_lists_pictures_by_name(editor_client):
    for title in ("Green card", "back view", "Apple"):
        make_picture(title=title)

    response = editor_client.get(
        "/admin/autocomplete/",
        {"app_label": "points", "model_name": "pointpicture", "field_name": "picture"},
    )

    assert [result["text"] for result in response.json()["results"]] == [
        "Apple",
        "back view",
        "Green card",
    ]


def test_a_point_pages_markers_cost_no_query_each(render_client, django_assert_num_queries):
    bl23 = make_point(code="BL23")
    picture = make_image(bl23, marker_x=40, marker_y=50)
    others = [make_point() for _ in range(3)]
    render_client.get(bl23.get_absolute_url())  # the site-wide data, once
    with django_assert_num_queries(9):
        render_client.get(bl23.get_absolute_url())
    for point in others:
        PictureMarker.objects.create(picture=picture, point=point, x=10, y=10)
    render_client.get(bl23.get_absolute_url())

    with django_assert_num_queries(9):
        html = render_client.get(bl23.get_absolute_url()).text

    assert all(f">{point.code}</text>" in html for point in others)


def test_a_picture_code_inside_a_sentence_is_not_a_use(client, editor_client):
    """Only a line of its own places a picture: the library found uses with a looser pattern
    than the one that shows them, and called a picture readers never see 'used'."""
    picture = make_picture(title="Mentioned only")
    article = make_article(closing=f"See [[picture:{picture.pk}]] in a sentence.")

    assert figures(client.get(article.get_absolute_url()).text) == []
    page = editor_client.get(reverse("admin:points_picture_change", args=[picture.pk])).text
    assert "Not used yet." in page
    listing = editor_client.get(reverse("admin:points_picture_changelist") + "?use=unused").text
    assert "Mentioned only" in listing


def test_a_picture_chosen_twice_for_one_point_is_refused_with_a_message(editor_client, point):
    """Readers saw the same figure twice on the page."""
    url, data = change_form(editor_client, point)
    chosen = data["pictures-0-picture"]
    data |= {
        "pictures-TOTAL_FORMS": ["2"],
        "pictures-1-picture": chosen,
        "pictures-1-position": ["1"],
    }

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "This picture is on the point&#x27;s page already." in response.text
    assert point.pictures.count() == 1


def test_a_pictures_form_opened_before_a_later_save_is_refused_once(editor_client):
    """As for pages: two tabs on one picture, the later save does not silently replace."""
    picture = make_picture(alt_text="First words.")
    url, first_tab = change_form(editor_client, picture)
    _, second_tab = change_form(editor_client, picture)
    editor_client.post(url, second_tab | {"alt_text": ["From the second tab."]})

    refused = editor_client.post(url, first_tab | {"alt_text": ["From the first tab."]})
    again = editor_client.post(url, form_data(refused.text, "picture_form"))

    assert refused.status_code == 200
    assert "This was saved by edith on " in refused.text
    assert again.status_code == 302
    picture.refresh_from_db()
    assert picture.alt_text == "From the first tab."


def test_two_pictures_of_a_point_can_trade_places(editor_client, point):
    """Row 1 takes row 2's picture and row 2 row 1's: no picture is on the page twice."""
    second = make_image(point, position=1)
    url, data = change_form(editor_client, point)
    first = data["pictures-0-picture"]
    data |= {"pictures-0-picture": data["pictures-1-picture"], "pictures-1-picture": first}

    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert list(point.pictures.values_list("picture", flat=True)) == [second.pk, int(first[0])]


def test_a_picture_row_deleted_and_added_again_in_one_save(editor_client, point):
    """The row is ticked "Delete?" and a new row chooses the same picture."""
    url, data = change_form(editor_client, point)
    chosen = data["pictures-0-picture"]
    total = int(data["pictures-TOTAL_FORMS"][0])
    data |= {
        "pictures-0-DELETE": ["on"],
        "pictures-TOTAL_FORMS": [str(total + 1)],
        f"pictures-{total}-picture": chosen,
        f"pictures-{total}-position": ["3"],
    }

    response = editor_client.post(url, data)

    assert response.status_code == 302

"""Safe delete and the trash: the confirmation says where an item is used; a deleted item stays
recoverable with its relations and files for 30 days; its public address answers 410 Gone
until it is recovered."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from points.models import (
    Article,
    ArticleReference,
    ArticleSection,
    Author,
    Comment,
    Condition,
    Picture,
    PictureMarker,
    Point,
    PointPicture,
    PointReference,
    Reference,
    ResultReport,
    Reviewer,
    RoutineStep,
    Status,
)
from points.revisions import record_revision, snapshots_of
from tests.factories import (
    make_article,
    make_author,
    make_comment,
    make_condition,
    make_image,
    make_picture,
    make_point,
    make_section,
)
from tests.pages import change_form, form_data
from tests.test_revisions import save

TRASH = reverse("admin:trash")


@pytest.fixture
def linked_point(point):
    """BL23 as the article uses it: linked from section 9, under a condition, with a second
    picture and three approved comments."""
    article = make_article(title="Acupressure points for back pain", slug="back-pain")
    make_section(article, points=[point], position=9, heading="Urinary Bladder 23")
    point.conditions.add(make_condition(name="Sciatica", slug="sciatica"))
    make_image(point, alt_text="BL23 from the side")
    for _ in range(3):
        make_comment(point, status="approved")
    return point


def delete(client, obj):
    url = reverse(f"admin:points_{obj._meta.model_name}_delete", args=[obj.pk])
    return client.post(url, {"post": "yes"})


def in_trash(client):
    return [item.version.object_repr for item in client.get(TRASH).context["items"]]


def recover(client, obj):
    return client.post(TRASH, {"item": f"{obj._meta.model_name}:{obj.pk}"})


def test_delete_confirmation_says_in_plain_words_where_the_point_is_used(
    editor_client, linked_point
):
    url = reverse("admin:points_point_delete", args=[linked_point.pk])

    response = editor_client.get(url)

    text = response.text
    assert (
        "Linked from section 9 “Urinary Bladder 23” of “Acupressure points for back pain”." in text
    )
    assert "Listed under 1 condition: “Sciatica”." in text
    assert "3 approved comments shown on the page." in text
    assert "Shows 2 pictures from the library (they stay in the library)." in text
    assert "recover it there" in text
    assert "object (" not in text


def test_bulk_delete_confirmation_says_where_each_point_is_used(editor_client, linked_point):
    response = editor_client.post(
        reverse("admin:points_point_changelist"),
        {"action": "delete_selected", "_selected_action": [linked_point.pk]},
    )

    assert response.status_code == 200
    assert "Linked from section 9 “Urinary Bladder 23”" in response.text
    assert "object (" not in response.text

    editor_client.post(
        reverse("admin:points_point_changelist"),
        {"action": "delete_selected", "_selected_action": [linked_point.pk], "post": "yes"},
    )

    assert in_trash(editor_client) == ["BL23 Shenshu"]


def test_a_picture_removed_on_the_point_form_stays_in_the_library(editor_client, client, point):
    picture = point.pictures.get().picture
    url, data = change_form(editor_client, point)

    editor_client.post(url, data | {"pictures-0-DELETE": "on"})

    assert not point.pictures.exists()
    assert Picture.objects.get() == picture
    assert default_storage.exists(picture.image.name)
    assert picture.image.url not in client.get(point.get_absolute_url()).text
    assert in_trash(editor_client) == []  # nothing was deleted but the point's use of it


def test_deleting_a_point_keeps_it_in_the_trash_and_its_pictures_in_the_library(
    editor_client, editor, linked_point
):
    pictures = [use.picture for use in linked_point.pictures.all()]

    response = delete(editor_client, linked_point)

    assert response.status_code == 302
    assert not Point.objects.exists()
    assert not PointPicture.objects.exists()
    assert list(Picture.objects.order_by("pk")) == pictures
    assert all(default_storage.exists(picture.image.name) for picture in pictures)
    trash_page = editor_client.get(TRASH)
    assert in_trash(editor_client) == ["BL23 Shenshu"]  # its pictures come back with it
    assert editor.username in trash_page.text


def test_deleted_page_answers_410_with_links_onward_and_works_again_once_recovered(
    editor_client, client, linked_point
):
    address = linked_point.get_absolute_url()
    assert client.get(address).status_code == 200  # now in the page cache
    delete(editor_client, linked_point)

    gone = client.get(address)
    assert gone.status_code == 410
    assert "This page has been removed" in gone.text
    assert reverse("points:point-index") in gone.text
    assert reverse("points:search") in gone.text
    assert "no-store" in gone["Cache-Control"]  # or browsers keep the 410 for ever

    response = recover(editor_client, linked_point)

    assert response.status_code == 302
    assert client.get(address).status_code == 200


def test_recovering_brings_back_the_section_link_conditions_pictures_and_files(
    editor_client, client, linked_point
):
    section = ArticleSection.objects.get()
    alt_texts = sorted(linked_point.pictures.values_list("picture__alt_text", flat=True))
    delete(editor_client, linked_point)
    assert not section.points.exists()

    recover(editor_client, linked_point)

    point = Point.objects.get()
    assert list(section.points.all()) == [point]
    assert [c.name for c in point.conditions.all()] == ["Sciatica"]
    assert sorted(point.pictures.values_list("picture__alt_text", flat=True)) == alt_texts
    assert all(default_storage.exists(use.picture.image.name) for use in point.pictures.all())
    article_page = client.get(section.article.get_absolute_url())
    assert point.get_absolute_url() in article_page.text
    assert in_trash(editor_client) == []


def test_recovering_when_the_address_is_taken_changes_nothing(editor_client, linked_point):
    delete(editor_client, linked_point)
    make_point(code="BL24", slug="bl23-shenshu")

    response = recover(editor_client, linked_point)

    assert response.status_code == 409
    assert "was not recovered" in response.text
    assert "“bl23-shenshu”" in response.text
    assert not Point.objects.filter(code="BL23").exists()
    assert not PointPicture.objects.exists()
    assert Picture.objects.count() == 2  # the library is untouched


def test_recovering_twice_says_it_is_back_already(editor_client, linked_point):
    delete(editor_client, linked_point)
    recover(editor_client, linked_point)

    response = recover(editor_client, linked_point)

    assert response.status_code == 409
    assert "not in the trash any more" in response.text


@pytest.mark.parametrize("item", ["", "point:x", "nothing:1", "point:999"])
def test_recovering_nonsense_is_refused_with_a_message(editor_client, item):
    response = editor_client.post(TRASH, {"item": item})

    assert response.status_code == 409
    assert "not in the trash" in response.text


def test_a_deleted_picture_comes_back_with_its_file(editor_client):
    picture = make_picture(title="BL23 beside the spine")
    name = picture.image.name

    delete(editor_client, picture)
    assert not Picture.objects.exists()
    assert default_storage.exists(name)
    assert in_trash(editor_client) == ["BL23 beside the spine"]
    recover(editor_client, picture)

    assert Picture.objects.get().image.name == name


def test_a_deleted_condition_comes_back_linked_to_its_points(editor_client, linked_point):
    condition = Condition.objects.get()

    delete(editor_client, condition)
    assert not linked_point.conditions.exists()
    recover(editor_client, condition)

    assert list(linked_point.conditions.all()) == [Condition.objects.get()]


def test_a_deleted_draft_is_an_ordinary_404(editor_client, client):
    draft = make_point(status=Status.DRAFT)
    delete(editor_client, draft)

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/points/never-was/").status_code == 404


def test_a_deleted_article_answers_410(editor_client, client):
    article = make_article()
    delete(editor_client, article)

    assert client.get(article.get_absolute_url()).status_code == 410


def test_the_trash_is_linked_from_the_admin_index_and_the_lists(editor_client):
    assert TRASH in editor_client.get(reverse("admin:index")).text
    assert TRASH in editor_client.get(reverse("admin:points_point_changelist")).text


def test_the_trash_is_for_editors_only(client, django_user_model, linked_point, editor_client):
    delete(editor_client, linked_point)
    assert client.get(TRASH).status_code == 302  # to the login page
    staff = django_user_model.objects.create_user("sam", password="x" * 20, is_staff=True)
    client.force_login(staff)

    assert client.get(TRASH).status_code == 403
    assert recover(client, linked_point).status_code == 403
    assert not Point.objects.exists()


def test_purge_trash_forgets_what_was_deleted_over_30_days_ago_with_its_files(
    editor_client, editor, linked_point, django_capture_on_commit_callbacks
):
    in_library = [use.picture.image.name for use in linked_point.pictures.all()]
    unused = make_picture(title="An old scan")
    files = [unused.image.name, *(rendition["name"] for rendition in unused.renditions)]
    delete(editor_client, linked_point)
    delete(editor_client, unused)
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        editor_client.force_login(editor)
        recent = make_point(code="GB30", slug="gb30-huantiao")
        delete(editor_client, recent)

        with django_capture_on_commit_callbacks(execute=True):
            call_command("purge_trash", verbosity=0)

        assert in_trash(editor_client) == [str(recent)]
    assert not any(default_storage.exists(name) for name in files)
    # The deleted point's pictures are still in the library, and so are their files.
    assert all(default_storage.exists(name) for name in in_library)


def test_purge_trash_keeps_the_promised_30_days():
    with pytest.raises(CommandError, match="at least 30"):
        call_command("purge_trash", days=7)


def test_a_deleted_article_comes_back_with_its_sections_and_their_links(
    editor_client, client, point
):
    article = make_article()
    make_section(article, points=[point], heading="Urinary Bladder 23")
    delete(editor_client, article)
    assert not ArticleSection.objects.exists()

    recover(editor_client, article)

    section = ArticleSection.objects.get()
    assert (section.heading, list(section.points.all())) == ("Urinary Bladder 23", [point])
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_deleted_author_comes_back_with_their_photo(editor_client):
    photo = make_picture(alt_text="Paul smiling")
    author = make_author(picture=photo)

    delete(editor_client, author)
    assert Picture.objects.get() == photo  # the photo stays in the library
    assert default_storage.exists(photo.image.name)
    recover(editor_client, author)

    assert Author.objects.get().picture == photo


def test_an_author_who_wrote_articles_cannot_be_deleted(editor_client):
    article = make_article()

    response = delete(editor_client, article.author)

    assert response.status_code == 200
    assert article.title in response.text
    assert Author.objects.exists()


def test_a_points_comments_with_reports_and_replies_come_back_with_it_without_emails(
    editor_client, editor, client, point
):
    other = make_point(code="GB30", slug="gb30-huantiao")
    with time_machine.travel("2026-10-01 09:30Z", tick=False):
        approved = make_comment(
            point,
            status="approved",
            email="maria@example.com",
            notify_on_reply=True,
            report="helped-a-lot",
            reply="Glad it helped.",
            replied_at=timezone.now(),
            replied_by=editor,
        )
    pending = make_comment(point, text="Does it work for sciatica?", email="jo@example.com")
    spam = make_comment(point, status="spam", text="Buy pills")
    elsewhere = make_comment(other, status="approved", report="no-change")
    ResultReport.objects.create(comment=elsewhere, point=point, outcome="felt-worse")
    page = point.get_absolute_url()
    assert "Glad it helped." in client.get(page).text  # now in the page cache

    delete(editor_client, point)
    assert not Comment.objects.filter(pk__in=[approved.pk, pending.pk, spam.pk]).exists()
    recover(editor_client, point)

    back = {c.pk: c for c in Comment.objects.filter(point=point)}
    assert {pk: c.status for pk, c in back.items()} == {
        approved.pk: "approved",
        pending.pk: "pending",
        spam.pk: "spam",
    }
    comment = back[approved.pk]
    assert (comment.created_at, comment.reply, comment.replied_at, comment.replied_by) == (
        approved.created_at,
        "Glad it helped.",
        approved.replied_at,
        editor,
    )
    assert (comment.email, comment.notify_on_reply, back[pending.pk].email) == ("", False, "")
    assert [r.outcome for r in comment.reports.all()] == ["helped-a-lot"]
    assert ResultReport.objects.filter(comment=elsewhere, point=point).exists()
    assert "Glad it helped." in client.get(page).text  # the cached page was replaced


def test_the_delete_confirmation_says_comments_come_back_without_emails(editor_client, point):
    make_comment(point, status="approved")
    make_comment(point)

    response = editor_client.get(reverse("admin:points_point_delete", args=[point.pk]))

    assert "Its 2 comments come back with it, without the readers' email addresses." in (
        response.text.replace("&#x27;", "'")
    )


def test_an_articles_comments_come_back_with_it(editor_client):
    article = make_article()
    make_comment(article, status="approved", text="Clear article.")

    delete(editor_client, article)
    recover(editor_client, article)

    assert [c.text for c in Comment.objects.filter(article=article)] == ["Clear article."]


def test_purge_trash_forgets_the_comments_with_the_page(
    editor_client, point, django_capture_on_commit_callbacks
):
    make_comment(point, status="approved", text="Kept a month.")
    with time_machine.travel(timezone.now() - timedelta(days=31)):
        delete(editor_client, point)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_trash", verbosity=0)

    assert not Version.objects.filter(serialized_data__contains="Kept a month.").exists()


def test_a_recovery_is_in_the_admin_log_and_recent_actions(editor_client, linked_point):
    delete(editor_client, linked_point)

    recover(editor_client, linked_point)

    entry = LogEntry.objects.latest("pk")
    assert (entry.object_repr, entry.action_flag, entry.change_message) == (
        "BL23 Shenshu",
        ADDITION,
        "Recovered from the trash.",
    )
    home = editor_client.get(reverse("admin:index")).text
    assert "Recovered from the trash." in home


def test_the_trash_says_when_each_item_is_removed_for_good(editor_client, point):
    with time_machine.travel("2026-11-27 14:10:05Z", tick=False):
        delete(editor_client, point)

    text = editor_client.get(TRASH).text

    assert "Kept until" in text
    assert "27 December 2026" in text
    assert "27 November 2026, 14:10:05" in text


def test_after_a_delete_the_message_links_to_the_trash(editor_client, point):
    response = delete(editor_client, point)

    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("The point “BL23 Shenshu” was moved to the trash. Undo: ")
    assert f'<a href="{TRASH}">recover it from the trash</a>' in message
    followed = editor_client.get(response["Location"])
    assert f'<a href="{TRASH}">recover it from the trash</a>' in followed.text


def test_a_condition_is_promised_back_with_its_links_not_pictures(editor_client, linked_point):
    condition = linked_point.conditions.get()
    url = reverse("admin:points_condition_delete", args=[condition.pk])

    confirmation = editor_client.get(url).text
    response = delete(editor_client, condition)
    recovered = recover(editor_client, condition)

    assert "pictures" not in confirmation
    assert "with its links to the points listed under it" in confirmation
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "pictures" not in message
    *_, message = [str(m) for m in get_messages(recovered.wsgi_request)]
    assert message == "“Sciatica” is back, with its links to the points listed under it."


def test_the_bulk_delete_page_says_what_it_does_in_its_title(editor_client, linked_point):
    others = [make_point(code=f"GB{n}", slug=f"gb{n}") for n in (30, 31)]

    response = editor_client.post(
        reverse("admin:points_point_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [linked_point.pk, *[p.pk for p in others]],
        },
    )

    assert response.context["title"] == "Move 3 points to the trash?"
    assert "Delete multiple objects" not in response.text


@pytest.fixture
def cited_reference():
    """The WHO book, cited by two points and an article."""
    reference = Reference.objects.create(title="WHO Standard Acupuncture Point Locations")
    for code in ("BL23", "BL40"):
        point = make_point(code=code, slug=code.lower())
        PointReference.objects.create(point=point, reference=reference, position=1)
    ArticleReference.objects.create(article=make_article(), reference=reference, position=1)
    return reference


def test_a_reference_still_cited_names_the_pages_in_plain_words(editor_client, cited_reference):
    response = delete(editor_client, cited_reference)

    text = response.text
    assert response.context["title"] == (
        "“WHO Standard Acupuncture Point Locations” cannot be deleted yet"
    )
    assert (
        "“WHO Standard Acupuncture Point Locations” is still cited by these pages: remove it "
        "from them first, then delete it." in text
    )
    article = Article.objects.get()
    for page in [*Point.objects.all(), article]:
        url = reverse(f"admin:points_{page._meta.model_name}_change", args=[page.pk])
        assert text.count(f'<a href="{url}">{page}</a>') == 1  # one line a page
    assert "protected related objects" not in text
    assert Reference.objects.exists()


def test_bulk_deleting_a_reference_still_cited_names_the_pages(editor_client, cited_reference):
    response = editor_client.post(
        reverse("admin:points_reference_changelist"),
        {"action": "delete_selected", "_selected_action": [cited_reference.pk]},
    )

    assert "protected related objects" not in response.text
    assert "is still cited by" in response.text
    for page in [*Point.objects.all(), Article.objects.get()]:
        url = reverse(f"admin:points_{page._meta.model_name}_change", args=[page.pk])
        assert response.text.count(f'<a href="{url}">{page}</a>') == 1


def test_a_comment_replied_to_by_an_editor_since_removed_comes_back_unsigned(
    editor_client, django_user_model, point
):
    former = django_user_model.objects.create_user("frank", password="x" * 20, is_staff=True)
    make_comment(point, status="approved", reply="Thanks!", replied_by=former)
    delete(editor_client, point)
    former.delete()

    response = recover(editor_client, point)

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.reply, comment.replied_by) == ("Thanks!", None)


# The picture library: a point's markers go and come back with it; a picture in use stays.


@pytest.fixture
def marked_point(point):
    """BL23 on its own picture, marked there on both sides of the spine, and marked on a
    shared picture of the lower back that GB30's page shows."""
    own = point.pictures.get().picture
    PictureMarker.objects.create(picture=own, point=point, x=30, y=50)
    PictureMarker.objects.create(picture=own, point=point, x=70, y=50)
    other = make_point(code="GB30", slug="gb30-huantiao")
    shared = make_image(other, title="The lower back", marker_x=20, marker_y=80)
    PictureMarker.objects.create(picture=shared, point=point, x=40, y=60)
    return point


def markers_of(point):
    return sorted(
        PictureMarker.objects.filter(point_id=point.pk).values_list("pk", "picture_id", "x", "y")
    )


def test_a_points_markers_go_to_the_trash_with_it_and_come_back_with_its_pictures(
    editor_client, client, marked_point
):
    markers = markers_of(marked_point)
    uses = list(marked_point.pictures.values_list("pk", "picture_id", "position"))
    library = list(Picture.objects.order_by("pk"))
    other = Point.objects.get(code="GB30")
    assert "Grey rings mark other points: BL23." in client.get(other.get_absolute_url()).text

    response = delete(editor_client, marked_point)

    assert response.status_code == 302
    assert markers_of(marked_point) == []
    assert not PointPicture.objects.filter(point_id=marked_point.pk).exists()
    assert PictureMarker.objects.filter(point=other).count() == 1  # others' markers stay
    assert list(Picture.objects.order_by("pk")) == library  # the library keeps every picture
    assert "Grey rings" not in client.get(other.get_absolute_url()).text
    assert in_trash(editor_client) == ["BL23 Shenshu"]  # not its markers, one by one

    recover(editor_client, marked_point)

    assert markers_of(marked_point) == markers
    assert list(marked_point.pictures.values_list("pk", "picture_id", "position")) == uses
    assert list(Picture.objects.order_by("pk")) == library
    page = client.get(marked_point.get_absolute_url()).text
    assert "The red rings mark where BL23 is." in page
    other_page = client.get(other.get_absolute_url()).text
    assert "Grey rings mark other points: BL23." in other_page


def test_the_point_delete_page_says_its_pictures_stay_and_its_markers_go(
    editor_client, marked_point
):
    response = editor_client.get(reverse("admin:points_point_delete", args=[marked_point.pk]))

    assert "Shows 1 picture from the library (it stays in the library)." in response.text
    assert "Marked by 3 markers on pictures, which go with it." in response.text
    assert "its pictures, their markers" in response.text


def test_a_picture_shown_by_a_point_or_an_author_cannot_be_deleted(editor_client, point):
    picture = point.pictures.get().picture
    author = make_author(name="Paul", picture=picture)
    url = reverse("admin:points_picture_delete", args=[picture.pk])

    page = editor_client.get(url)
    response = editor_client.post(url, {"post": "yes"})

    for answer in (page, response):
        assert answer.context["title"] == f"“{picture}” cannot be deleted yet"
        assert f"“{picture}” is still shown by these pages" in answer.text
        point_url = reverse("admin:points_point_change", args=[point.pk])
        author_url = reverse("admin:points_author_change", args=[author.pk])
        assert answer.text.count(f'<a href="{point_url}">{point}</a>') == 1
        assert answer.text.count(f'<a href="{author_url}">Paul</a>') == 1
        assert "protected related objects" not in answer.text
        assert "Yes, delete it" not in answer.text
    assert Picture.objects.get() == picture
    assert point.pictures.exists()
    assert in_trash(editor_client) == []


def test_bulk_deleting_pictures_in_use_names_the_pages_and_deletes_none(editor_client, point):
    used = point.pictures.get().picture
    unused = make_picture(title="An old scan")

    response = editor_client.post(
        reverse("admin:points_picture_changelist"),
        {"action": "delete_selected", "_selected_action": [used.pk, unused.pk], "post": "yes"},
    )

    assert response.context["title"] == "2 pictures cannot be deleted yet"
    assert f"“{used}” is still shown by" in response.text
    url = reverse("admin:points_point_change", args=[point.pk])
    assert f'<a href="{url}">{point}</a>' in response.text
    assert Picture.objects.count() == 2


def test_a_picture_placed_in_a_text_can_be_deleted_and_the_page_says_where(editor_client, client):
    picture = make_picture(title="Lower back diagram", alt_text="The lower back from behind")
    article = make_article(title="Acupressure points for back pain")
    make_section(
        article,
        position=2,
        heading="Lower Back Points",
        body=f"Text.\n\n[[picture:{picture.pk}|Where the points are]]",
    )
    url = reverse("admin:points_picture_delete", args=[picture.pk])

    confirmation = editor_client.get(url).text

    assert (
        "Placed in section 2 “Lower Back Points” of “Acupressure points for back pain”: "
        "readers will see nothing there until it is recovered." in confirmation
    )
    assert "Yes, delete it" in confirmation
    assert picture.image.url in client.get(article.get_absolute_url()).text
    delete(editor_client, picture)
    assert not Picture.objects.exists()
    assert picture.image.url not in client.get(article.get_absolute_url()).text

    recover(editor_client, picture)

    page = client.get(article.get_absolute_url()).text
    assert picture.image.url in page
    assert "Where the points are" in page


def test_an_unused_picture_goes_to_the_trash_with_its_markers_and_comes_back(editor_client, client):
    points = [make_point(code=code, slug=code.lower()) for code in ("BL23", "BL52")]
    picture = make_picture(title="The lower back")
    for x, point in ((30, points[0]), (70, points[0]), (20, points[1])):
        PictureMarker.objects.create(picture=picture, point=point, x=x, y=50)
    markers = sorted(PictureMarker.objects.values_list("pk", "point_id", "x", "y"))
    confirmation = editor_client.get(reverse("admin:points_picture_delete", args=[picture.pk]))
    assert "Has 3 markers, which go with it." in confirmation.text
    assert "with its file and its markers" in confirmation.text

    delete(editor_client, picture)

    assert not PictureMarker.objects.exists()
    assert in_trash(editor_client) == ["The lower back"]
    response = recover(editor_client, picture)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:points_picture_change", args=[picture.pk])
    assert Picture.objects.get().image.name == picture.image.name
    assert sorted(PictureMarker.objects.values_list("pk", "point_id", "x", "y")) == markers
    assert in_trash(editor_client) == []


def test_a_point_whose_picture_was_deleted_since_waits_for_the_picture(editor_client, point):
    picture = point.pictures.get().picture
    delete(editor_client, point)
    delete(editor_client, picture)  # no point shows it any more

    refused = recover(editor_client, point)

    assert refused.status_code == 409
    assert f"links to “{picture}”, which has been deleted" in refused.text
    assert not Point.objects.exists()
    recover(editor_client, picture)
    assert recover(editor_client, point).status_code == 302
    assert Point.objects.get().pictures.get().picture == Picture.objects.get()


def test_a_point_deleted_before_the_library_comes_back_with_the_pictures_deleted_with_it(
    editor_client, editor
):
    """Before the picture library a point's pictures were deleted with it; migration 0009 keeps
    them in the point's deletion record as pictures of the library. Recovering the point brings
    them back too (restoring.gone_and_linked), not a refusal naming a deleted picture."""
    point = make_point(code="BL52", pinyin="Zhishi")
    picture = make_image(point, alt_text="Zhishi beside the spine")
    use = point.pictures.get()
    record_revision([point, use, picture], user=editor, comment="Deleted.")
    point_pk, picture_pk = point.pk, picture.pk
    point.delete()
    picture.delete()  # as the old cascade did

    response = editor_client.post(TRASH, {"item": f"point:{point_pk}"})

    assert response.status_code == 302, response.content
    point = Point.objects.get(code="BL52")
    assert [use.picture.alt_text for use in point.pictures.all()] == ["Zhishi beside the spine"]
    assert Picture.objects.filter(pk=picture_pk).exists()


def test_the_confirmation_pages_own_forms_move_items_to_the_trash(editor_client):
    spare, other = make_picture(title="Spare"), make_picture(title="Other")
    changelist = reverse("admin:points_picture_changelist")
    confirmation = editor_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [spare.pk]}
    )

    editor_client.post(changelist, form_data(confirmation.text, "delete-confirmation"))

    assert list(Picture.objects.all()) == [other]
    url = reverse("admin:points_picture_delete", args=[other.pk])
    editor_client.post(url, form_data(editor_client.get(url).text, "delete-confirmation"))
    assert not Picture.objects.exists()
    assert sorted(in_trash(editor_client)) == ["Other", "Spare"]


def test_a_recovered_point_comes_back_in_the_articles_guided_routine(editor_client, point):
    article = make_article(title="Back pain", slug="back-pain")
    other = make_point(code="CV6", slug="cv6-qihai")
    make_section(article, points=[point, other])
    RoutineStep.objects.create(article=article, point=other, position=1)
    RoutineStep.objects.create(article=article, point=point, position=2, seconds_per_side=90)

    delete(editor_client, point)
    response = recover(editor_client, point)

    assert response.status_code == 302
    steps = list(article.routine_steps.values_list("point__code", "seconds_per_side"))
    assert steps == [("CV6", None), ("BL23", 90)]


def test_the_point_delete_page_says_it_leaves_articles_guided_routines(editor_client, point):
    article = make_article(title="Back pain", slug="back-pain")
    make_section(article, points=[point])
    RoutineStep.objects.create(article=article, point=point, position=1)

    page = editor_client.get(reverse("admin:points_point_delete", args=[point.pk]))

    assert "routine" in page.text.lower()


def test_a_reviewer_named_on_pages_is_not_deleted_and_the_page_says_where(editor_client, point):
    """Deleting them cleared the reviewer on every page they checked, and recovering them did
    not put it back: those pages then said nobody was recorded, and could not be saved."""
    reviewer = Reviewer.objects.create(name="Dr Ada Chen", credential="Physiotherapist")
    Point.objects.filter(pk=point.pk).update(last_reviewed="2026-10-01", reviewer=reviewer)
    url = reverse("admin:points_reviewer_delete", args=[reviewer.pk])

    page = editor_client.get(url)
    delete(editor_client, reviewer)

    assert str(point) in page.text
    assert Reviewer.objects.filter(pk=reviewer.pk).exists()
    point.refresh_from_db()
    assert point.reviewer_id == reviewer.pk


def test_deleting_a_condition_does_not_add_a_version_to_its_points_history(editor_client, point):
    condition = make_condition(name="Sciatica", slug="sciatica")
    point.conditions.add(condition)
    point.aliases.create(name="UB23")
    save(editor_client, point, change_note="Checked")
    history = reverse("admin:points_point_history", args=[point.pk])
    versions_before = len(snapshots_of(point))

    delete(editor_client, condition)

    assert len(snapshots_of(point)) == versions_before
    assert "removed" not in editor_client.get(history).text


def test_restoring_the_newest_version_in_the_history_keeps_the_points_pictures(
    editor_client, point
):
    condition = make_condition(name="Sciatica", slug="sciatica")
    point.conditions.add(condition)
    save(editor_client, point, change_note="Checked")
    delete(editor_client, condition)
    recover(editor_client, condition)
    newest = Version.objects.get_for_object(point).order_by("-pk")[1]  # before the recovery

    editor_client.post(reverse("admin:points_point_restore", args=[point.pk, newest.pk]))

    assert point.pictures.count() == 1

"""Editors moderate in the admin: a queue with filters, bulk actions, replies, and a count of
what waits on the admin index."""

import socket

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.test import Client
from django.urls import reverse

from points.models import Comment, CommentStatus
from tests.factories import make_article, make_comment
from tests.pages import form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:points_comment_changelist")


def test_queue_lists_page_excerpt_result_status_and_date(editor_client, point):
    make_comment(point, text="A" * 100, report="helped-a-little")

    text = editor_client.get(CHANGELIST).text

    assert "A" * 79 + "…" in text
    assert "BL23: Helped a little" in text
    assert "Awaiting moderation" in text


def test_queue_filters_by_status_and_page(editor_client, point):
    article = make_article()
    make_comment(point, text="Waiting on the point.")
    make_comment(article, text="Waiting on the article.")
    make_comment(point, text="Already approved.", status=CommentStatus.APPROVED)

    pending = editor_client.get(CHANGELIST, {"status__exact": "pending"}).text
    on_article = editor_client.get(CHANGELIST, {"article__id__exact": article.pk}).text

    assert "Waiting on the point." in pending
    assert "Already approved." not in pending
    assert "Waiting on the article." in on_article
    assert "Waiting on the point." not in on_article


def test_admin_index_shows_how_many_comments_wait(editor_client, point):
    make_comment(point)
    make_comment(point)
    make_comment(point, status=CommentStatus.SPAM)

    text = editor_client.get(reverse("admin:index")).text

    assert "2 comments waiting for moderation" in text


def run_action(client, action, comments):
    return client.post(
        CHANGELIST,
        {"action": action, "index": 0, ACTION_CHECKBOX_NAME: [c.pk for c in comments]},
        follow=True,
    )


def test_approving_publishes_and_counts_the_report(editor_client, point):
    first = make_comment(point, text="First.", report="helped-a-lot")
    second = make_comment(point, text="Second.")

    response = run_action(editor_client, "approve", [first, second])

    assert "Approved 2 comments." in response.text
    public = Client().get(point.get_absolute_url()).text
    assert "First." in public
    assert "1 reader reported:" in public


def test_marking_as_spam_hides_a_comment_but_keeps_it(editor_client, point):
    comment = make_comment(point, status=CommentStatus.APPROVED)

    response = run_action(editor_client, "mark_as_spam", [comment])

    assert "Marked 1 comment as spam." in response.text
    comment.refresh_from_db()
    assert comment.status == CommentStatus.SPAM
    assert "It helped my back." not in Client().get(point.get_absolute_url()).text


@pytest.fixture
def admin_client_(django_user_model):
    """A superuser, who alone may delete a comment (a reader's erasure request, say)."""
    user = django_user_model.objects.create_superuser("root", password="x" * 20)
    client = Client()
    client.force_login(user)
    return client


def test_editors_cannot_delete_comments_only_mark_them_as_spam(editor_client, point):
    comment = make_comment(point)
    delete_url = reverse("admin:points_comment_delete", args=[comment.pk])

    changelist = editor_client.get(CHANGELIST)
    form = editor_client.get(reverse("admin:points_comment_change", args=[comment.pk]))

    assert "delete_selected" not in changelist.text
    assert "mark_as_spam" in changelist.text
    assert delete_url not in form.text
    assert editor_client.get(delete_url).status_code == 403
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    editor_client.post(
        CHANGELIST,
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [comment.pk], "post": "yes"},
    )
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_a_superuser_is_told_plainly_that_deleting_a_comment_is_for_good(admin_client_, point):
    comment = make_comment(point, report="helped-a-lot")
    url = reverse("admin:points_comment_delete", args=[comment.pk])

    text = admin_client_.get(url).text

    assert "This cannot be undone: a deleted comment does not go to the trash." in text
    assert "Its result report (BL23: Helped a lot) is deleted with it" in text
    assert "Summary" not in text
    assert "Objects" not in text
    admin_client_.post(url, {"post": "yes"})
    assert not Comment.objects.exists()


def test_a_superusers_delete_action_removes_only_the_selected_comments(admin_client_, point):
    keep, remove = make_comment(point), make_comment(point)

    confirmation = admin_client_.post(
        CHANGELIST, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [remove.pk]}
    )
    admin_client_.post(
        CHANGELIST,
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [remove.pk], "post": "yes"},
    )

    assert confirmation.context["title"] == "Delete 1 comment for good?"
    assert "This cannot be undone" in confirmation.text
    assert list(Comment.objects.all()) == [keep]


def test_an_action_without_a_selection_changes_nothing(editor_client, point):
    make_comment(point)

    response = editor_client.post(CHANGELIST, {"action": "approve", "index": 0}, follow=True)

    assert "Items must be selected" in response.text
    assert Comment.objects.count() == 1


def reply(client, comment, text):
    url = reverse("admin:points_comment_change", args=[comment.pk])
    data = {
        "status": comment.status,
        "name": comment.name,
        "text": comment.text,
        "reply": text,
        "email": comment.email,
        "notify_on_reply": "on" if comment.notify_on_reply else "",
        "reports-TOTAL_FORMS": 0,
        "reports-INITIAL_FORMS": 0,
    }
    return client.post(url, data)


def test_editor_reply_appears_under_the_comment_as_the_sites_reply(editor_client, point):
    comment = make_comment(point, status=CommentStatus.APPROVED)

    response = reply(editor_client, comment, "Thank you, glad it helped.")

    assert response.status_code == 302
    public = Client().get(point.get_absolute_url()).text
    assert "Reply from" in public
    assert public.index("It helped my back.") < public.index("Thank you, glad it helped.")
    comment.refresh_from_db()
    assert comment.replied_by.username == "edith"


def test_a_reader_who_asked_is_emailed_once_about_the_reply(editor_client, point):
    comment = make_comment(
        point, status=CommentStatus.APPROVED, email="maria@example.org", notify_on_reply=True
    )

    reply(editor_client, comment, "Thanks!")
    comment.refresh_from_db()
    reply(editor_client, comment, "Thanks! (edited)")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maria@example.org"]
    assert "Thanks!" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("site_url", "host"),
    [("", "http://testserver"), ("https://acupressure.example", "https://acupressure.example")],
)
def test_the_reply_email_links_to_the_comment_with_a_full_address(
    settings, editor_client, point, site_url, host
):
    settings.SITE_URL = site_url
    comment = make_comment(
        point, status=CommentStatus.APPROVED, email="maria@example.org", notify_on_reply=True
    )

    reply(editor_client, comment, "Thanks!")

    link = f"{host}/points/bl23-shenshu/#comment-{comment.pk}"
    assert f"Read it on the site: {link}\n" in mail.outbox[0].body


def test_a_reader_who_did_not_ask_gets_no_email(editor_client, point):
    comment = make_comment(point, status=CommentStatus.APPROVED, email="maria@example.org")

    reply(editor_client, comment, "Thanks!")

    assert mail.outbox == []


def test_editors_cannot_write_comments_in_the_admin(editor_client):
    assert editor_client.get(reverse("admin:points_comment_add")).status_code == 403


def test_the_editor_is_told_the_reader_was_emailed(editor_client, point):
    comment = make_comment(
        point, status=CommentStatus.APPROVED, email="maria@example.org", notify_on_reply=True
    )

    response = reply(editor_client, comment, "Thanks!")

    assert "Maria was emailed your reply." in editor_client.get(response["Location"]).text


def test_an_email_that_cannot_be_sent_is_said_and_tried_again_at_the_next_save(
    settings, editor_client, point
):
    with socket.socket() as probe:  # a port on which nothing listens
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port, "timeout": 2},
        }
    }
    comment = make_comment(
        point, status=CommentStatus.APPROVED, email="maria@example.org", notify_on_reply=True
    )

    response = reply(editor_client, comment, "Thanks!")

    page = editor_client.get(response["Location"]).text
    assert "Your reply is saved and shown, but the email to Maria could not be sent" in page
    comment.refresh_from_db()
    assert comment.reply == "Thanks!"
    assert comment.reply_notified_at is None


# One click per row -----------------------------------------------------------------------

MODERATE_URL = "/admin/points/comment/moderate/"


def test_each_waiting_comment_in_the_list_has_approve_and_spam_buttons(editor_client, point):
    waiting = make_comment(point)
    shown = make_comment(point, status=CommentStatus.APPROVED, name="Ana")

    html = editor_client.get(reverse("admin:points_comment_changelist")).text

    assert reverse("admin:points_comment_moderate") == MODERATE_URL
    assert f'formaction="{MODERATE_URL}" name="approve" value="{waiting.pk}"' in html
    assert f'formaction="{MODERATE_URL}" name="spam" value="{waiting.pk}"' in html
    assert f'name="approve" value="{shown.pk}"' not in html  # approved already
    assert 'aria-label="Spam the comment by Ana"' in html


def test_approving_one_comment_from_the_list_publishes_it_and_keeps_the_filters(
    editor_client, point
):
    comment = make_comment(point)
    reader_page = Client().get(point.get_absolute_url()).text  # cached without it
    assert "It helped my back." not in reader_page
    listed = reverse("admin:points_comment_changelist") + "?status__exact=pending"

    response = editor_client.post(
        MODERATE_URL, {"approve": comment.pk}, headers={"referer": f"http://testserver{listed}"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"http://testserver{listed}"
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED
    assert "It helped my back." in Client().get(point.get_absolute_url()).text
    messages = editor_client.get(listed).text
    assert "Approved the comment by Maria: it is on its page." in messages


def test_spam_from_the_list_hides_the_comment(editor_client, point):
    comment = make_comment(point, status=CommentStatus.APPROVED)

    response = editor_client.post(MODERATE_URL, {"spam": comment.pk})

    assert response["Location"] == reverse("admin:points_comment_changelist")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.SPAM
    assert "It helped my back." not in Client().get(point.get_absolute_url()).text


@pytest.mark.parametrize("data", [{}, {"approve": "x"}, {"approve": "999999"}])
def test_a_row_button_with_nothing_to_do_changes_nothing_and_says_so(editor_client, point, data):
    comment = make_comment(point)

    response = editor_client.post(MODERATE_URL, data, follow=True)

    assert response.status_code == (400 if not data else 200)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    if data:
        assert "That comment is no longer there." in response.text


def test_row_buttons_need_a_post_and_the_change_permission(
    editor_client, client, django_user_model, point
):
    comment = make_comment(point)
    staff = Client()
    staff.force_login(django_user_model.objects.create_user("visitor", is_staff=True))

    assert editor_client.get(MODERATE_URL).status_code == 405
    assert staff.post(MODERATE_URL, {"approve": comment.pk}).status_code == 403
    assert client.post(MODERATE_URL, {"approve": comment.pk}).status_code == 302  # to login
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


def test_the_confirmation_pages_own_form_deletes_what_it_lists(admin_client_, point):
    """The form is sent back as the browser would send it: the one delete form of every
    delete page (admin/points/includes/delete_form.html)."""
    keep, remove = make_comment(point), make_comment(point)
    confirmation = admin_client_.post(
        CHANGELIST, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [remove.pk]}
    )

    admin_client_.post(CHANGELIST, form_data(confirmation.text, "delete-confirmation"))

    assert list(Comment.objects.all()) == [keep]
    single = make_comment(point)
    url = reverse("admin:points_comment_delete", args=[single.pk])
    admin_client_.post(url, form_data(admin_client_.get(url).text, "delete-confirmation"))
    assert list(Comment.objects.all()) == [keep]

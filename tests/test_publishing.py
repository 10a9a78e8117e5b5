"""Publishing from a point's or an article's change form as a WordPress or Wagtail editor
expects: one primary button that says what it does, "Save as draft" and "Preview" beside it,
Delete set apart; messages saying what readers now get; a confirmation before a live page
leaves the site; a list that fits the screen; no site-wide delete beside a row's related item."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from points.models import PageRedirect, PointReference, Reference, RoutineStep, Status
from tests.factories import make_article, make_condition, make_point, make_section
from tests.pages import change_form, form_data
from tests.test_drafts import change_form_and_html, change_url, save_draft

pytestmark = pytest.mark.django_db


def buttons(html):
    """The publishing row's buttons and links, in page order: [(name or class, label)]."""
    row = html.split('class="submit-row publishing-row"')[1].split("</form>")[0]
    found = []
    button = r'<input type="submit" name="(\w+)" value="([^"]*)"'
    link = r'<a [^>]*class="([\w-]+)"[^>]*>([^<]*)</a>'
    for tag in re.finditer(f"{button}|{link}", row):
        name, value, css, text = tag.groups()
        found.append((name, value) if name else (css, text))
    return found


def said(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


class TestTheButtons:
    def test_a_live_page_publishes_changes_with_one_primary_button(self, editor_client, point):
        _, html = change_form_and_html(editor_client, point)

        assert buttons(html) == [
            ("_save", "Publish changes"),
            ("_save_draft", "Save as draft"),
            ("_preview", "Preview"),
            ("_continue", "Publish changes and keep editing"),
            ("deletelink", "Delete"),
        ]
        assert '<input type="submit" name="_save" value="Publish changes" class="default"' in html
        assert "_addanother" not in html
        # Delete is in its own group, apart from the buttons that save.
        removal = html.split('class="publishing-removal"')[1]
        assert "Delete<" in removal
        assert "_save_draft" not in removal

    def test_a_page_with_a_draft_can_update_or_discard_it(self, editor_client, point):
        save_draft(editor_client, point, summary=["Waiting."])

        _, html = change_form_and_html(editor_client, point)

        assert buttons(html) == [
            ("_save", "Publish changes"),
            ("_save_draft", "Update draft"),
            ("_preview", "Preview"),
            ("_continue", "Publish changes and keep editing"),
            ("drafts-discard", "Discard draft"),
            ("deletelink", "Delete"),
        ]

    def test_a_draft_page_is_just_saved(self, editor_client):
        page = make_point(status=Status.DRAFT)

        _, html = change_form_and_html(editor_client, page)

        assert buttons(html)[:3] == [
            ("_save", "Save"),
            ("_preview", "Preview"),
            ("_continue", "Save and keep editing"),
        ]
        # The script relabels the buttons when the status is set to Published.
        assert 'data-label-published="Publish"' in html

    def test_a_scheduled_page_is_scheduled(self, editor_client):
        page = make_point(published_at=timezone.now() + timedelta(days=3))

        _, html = change_form_and_html(editor_client, page)

        assert buttons(html)[0] == ("_save", "Schedule")
        # Not public yet, so nothing to keep a draft over (readers see nothing either way).
        assert "_save_draft" not in [name for name, _ in buttons(html)]

    def test_an_article_too(self, editor_client):
        _, html = change_form_and_html(editor_client, make_article())

        assert buttons(html)[0] == ("_save", "Publish changes")
        assert buttons(html)[-1] == ("deletelink", "Delete")

    def test_the_add_form_saves_and_never_adds_another(self, editor_client):
        html = editor_client.get(reverse("admin:points_point_add")).text

        assert [name for name, _ in buttons(html)] == ["_save", "_continue"]
        assert "_addanother" not in html

    def test_staff_who_may_only_look_get_no_buttons(self, viewer_client, point):
        html = viewer_client.get(change_url(point)).text

        assert "publishing-row" not in html
        assert 'name="_save"' not in html

    def test_the_form_warns_before_leaving_with_unsaved_edits(self, editor_client, point):
        _, html = change_form_and_html(editor_client, point)

        assert '<script src="/static/admin/publishing.js" defer></script>' in html


class TestWhatASaveSays:
    def publish(self, client, page, button="_save", **changes):
        data, _ = change_form_and_html(client, page)
        return client.post(change_url(page), data | changes | {button: "x"}, follow=True)

    def test_publishing_links_to_the_live_page(self, editor_client, point):
        response = self.publish(editor_client, point, summary=["New."])

        assert said(response) == [
            'Published “BL23 Shenshu”. <a href="/points/bl23-shenshu/">View it on the site</a>'
        ]
        assert "was changed successfully" not in response.text
        assert response.redirect_chain[-1][0] == reverse("admin:points_point_changelist")

    def test_publish_and_keep_editing_stays_on_the_form(self, editor_client, point):
        response = self.publish(editor_client, point, button="_continue", summary=["New."])

        assert response.redirect_chain[-1][0] == change_url(point)
        assert said(response)[0].startswith("Published “BL23 Shenshu”.")

    def test_publishing_a_draft_says_published(self, editor_client, point):
        save_draft(editor_client, point, summary=["Waiting."])

        response = self.publish(editor_client, point)

        assert said(response)[0].startswith("Published “BL23 Shenshu”.")
        point.refresh_from_db()
        assert point.summary == "Waiting."

    def test_a_draft_page_is_saved_not_published(self, editor_client):
        page = make_point(code="GB30", pinyin="Huantiao", slug="gb30", status=Status.DRAFT)

        response = self.publish(editor_client, page, summary=["New."])

        assert said(response) == [
            "Saved “GB30 Huantiao” as a draft: readers cannot see it yet. "
            '<a href="/points/gb30/">Preview it</a>'
        ]

    @time_machine.travel("2026-11-27 10:00 +00:00", tick=False)
    def test_a_scheduled_page_says_when(self, editor_client):
        page = make_point(code="GB30", pinyin="Huantiao", slug="gb30", status=Status.DRAFT)

        response = self.publish(
            editor_client,
            page,
            status=["published"],
            published_at_0=["2026-12-03"],
            published_at_1=["09:00:00"],
        )

        assert said(response)[0].startswith("Saved “GB30 Huantiao”: it goes live on 3 December")
        assert (
            "Scheduled 3 Dec 2026"
            in editor_client.get(reverse("admin:points_point_changelist")).text
        )

    def test_a_new_address_says_where_the_old_one_leads(self, editor_client, point):
        response = self.publish(editor_client, point, slug=["bl23-kidney-shu"])

        assert said(response)[1] == (
            "The old address /points/bl23-shenshu/ now redirects to /points/bl23-kidney-shu/."
        )
        assert PageRedirect.objects.get().new_path == "/points/bl23-kidney-shu/"

    def test_saving_the_draft_links_to_its_preview(self, editor_client, point):
        response = save_draft(editor_client, point, summary=["Waiting."])

        assert said(response) == [
            "Draft saved. Readers still see the published page. "
            '<a href="/points/bl23-shenshu/?draft=1">Preview it</a>'
        ]


class TestTakingAPageOffTheSite:
    def test_asks_for_a_confirmation(self, editor_client, point):
        data, html = change_form_and_html(editor_client, point)
        assert "Yes, take this page off the site" in html

        response = editor_client.post(change_url(point), data | {"status": "draft", "_save": "x"})

        assert response.status_code == 200
        assert "Tick “Yes, take this page off the site”" in response.text
        point.refresh_from_db()
        assert point.status == Status.PUBLISHED

    def test_ticked_it_goes_and_says_so(self, editor_client, point):
        data, _ = change_form_and_html(editor_client, point)
        data |= {"status": "draft", "take_off_site": "on", "_save": "x"}

        response = editor_client.post(change_url(point), data, follow=True)

        point.refresh_from_db()
        assert point.status == Status.DRAFT
        assert said(response)[0].startswith(
            "“BL23 Shenshu” is no longer public: readers get “page not found”."
        )

    def test_it_says_what_readers_miss_elsewhere_meanwhile(self, editor_client, point):
        """The article's links to it quietly became plain words and its routine dropped it;
        the editor learnt so only on the article's next save."""
        article = make_article(title="Acupressure points for back pain", slug="back-pain")
        make_section(article, points=[point])
        RoutineStep.objects.create(article=article, point=point, position=1)
        data, _ = change_form_and_html(editor_client, point)
        data |= {"status": "draft", "take_off_site": "on", "_save": "x"}

        response = editor_client.post(change_url(point), data, follow=True)

        assert said(response)[1] == (
            "Until it is public again, “Acupressure points for back pain” shows its name as "
            "plain words, not as a link; the guided routine of “Acupressure points for back "
            "pain” leaves it out."
        )

    def test_an_articles_routine_made_of_its_sections_counts_too(self, editor_client, point):
        """Most routines have no steps of their own: they follow the article's sections."""
        article = make_article(title="Acupressure points for back pain", slug="back-pain")
        make_section(article, points=[point])
        data, _ = change_form_and_html(editor_client, point)
        data |= {"status": "draft", "take_off_site": "on", "_save": "x"}

        response = editor_client.post(change_url(point), data, follow=True)

        assert (
            "the guided routine of “Acupressure points for back pain” leaves it out"
            in (said(response)[1])
        )

    def test_a_routine_of_editors_steps_without_it_is_not_named(self, editor_client, point):
        article = make_article(title="Acupressure points for back pain", slug="back-pain")
        other = make_point(code="CV6")
        make_section(article, points=[point, other])
        RoutineStep.objects.create(article=article, point=other, position=1)
        data, _ = change_form_and_html(editor_client, point)
        data |= {"status": "draft", "take_off_site": "on", "_save": "x"}

        response = editor_client.post(change_url(point), data, follow=True)

        assert said(response)[1].startswith("Until it is public again, “Acupressure points")
        assert "guided routine" not in said(response)[1]

    def test_a_publication_date_in_the_future_asks_too(self, editor_client, point):
        data, _ = change_form_and_html(editor_client, point)
        data |= {"published_at_0": ["2099-01-01"], "_save": "x"}

        response = editor_client.post(change_url(point), data)

        assert response.status_code == 200
        assert "takes it off the site" in response.text

    def test_moved_into_the_future_it_says_until_when(self, editor_client, point):
        data, _ = change_form_and_html(editor_client, point)
        data |= {"published_at_0": ["2099-12-03"], "published_at_1": ["09:00:00"]}
        data |= {"take_off_site": "on", "_save": "x"}

        response = editor_client.post(change_url(point), data, follow=True)

        assert said(response)[0].startswith(
            "“BL23 Shenshu” is no longer public: readers get “page not found” until it goes "
            "live on 3 December 2099 at 09:00."
        )

    def test_a_preview_needs_no_confirmation_and_a_draft_asks_as_publishing_does(
        self, editor_client, point
    ):
        data, _ = change_form_and_html(editor_client, point)
        preview_url = reverse("admin:points_point_preview", args=[point.pk])

        preview = editor_client.post(preview_url, data | {"status": ["draft"]})
        asked = save_draft(editor_client, point, status=["draft"])
        kept = save_draft(editor_client, point, status=["draft"], take_off_site=["on"])

        assert preview.status_code == 200
        assert f"<h1>{point.code} {point.pinyin}</h1>" in preview.text
        assert asked.status_code == 200
        assert "Yes, take this page off the site" in asked.text
        assert kept.status_code == 302
        point.refresh_from_db()
        assert point.status == Status.PUBLISHED

    def test_pages_that_are_not_live_are_not_asked(self, editor_client):
        _, html = change_form_and_html(editor_client, make_point(status=Status.DRAFT))

        assert "take_off_site" not in html


class TestTheList:
    def test_one_status_column_that_fits(self, editor_client, point):
        make_point(code="GB30", status=Status.DRAFT)
        make_point(code="GB31", published_at=timezone.now() + timedelta(days=6))
        save_draft(editor_client, point, summary=["Waiting."])

        response = editor_client.get(reverse("admin:points_point_changelist"))

        headers = [
            re.sub(r"<[^>]+>", "", th).strip()
            for th in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', response.text, re.S)
        ]
        assert headers[-6:] == ["Code", "Name", "Body area", "Picture", "Status", "Review due"]
        statuses = {row.code: row for row in response.context["cl"].result_list}
        admin = response.context["cl"].model_admin
        assert admin.publication_status(statuses["BL23"]) == "Published · draft waiting"
        assert admin.publication_status(statuses["GB30"]) == "Draft"
        assert admin.publication_status(statuses["GB31"]).startswith("Scheduled ")
        assert "icon-no.svg" not in response.text  # no red ✕ for "nothing waiting"
        assert 'name="form-0-position"' not in response.text  # no lone Save under the list


class TestRelatedItemsAndPictures:
    def test_a_rows_related_item_cannot_be_deleted_from_the_site_here(self, editor_client, point):
        reference = Reference.objects.create(title="A trial", authors="Lee", year=2020)
        PointReference.objects.create(point=point, reference=reference, position=1)

        _, html = change_form_and_html(editor_client, point)

        assert "delete-related" not in html
        assert "change-related" in html  # changing the source itself stays
        assert reference.title in html

    def test_a_points_picture_is_shown_and_opens_in_the_library(self, editor_client, point):
        picture = point.pictures.get().picture

        _, html = change_form_and_html(editor_client, point)

        library_url = reverse("admin:points_picture_change", args=[picture.pk])
        assert f'<a href="{library_url}"><img src="{picture.image.url}"' in html
        assert f"Open “{picture}” in the library" in html
        assert "delete-related" not in html  # not deleted from the whole site from here
        assert "Currently:" not in html

    def test_the_library_shows_the_picture_and_alt_text_has_room(self, editor_client, point):
        picture = point.pictures.get().picture

        _, html = change_form_and_html(editor_client, picture)

        assert '<textarea name="alt_text" cols="40" rows="3"' in html
        assert "Currently:" not in html
        assert f'<img src="{picture.image.url}" alt="Open the current picture"' in html


class TestTwoEditorsSaveOnePage:
    """Two tabs (or two editors) open a page's form; one publishes. The other's save is
    refused once, saying so and keeping what was typed; saved again, it replaces the page."""

    def test_the_later_save_is_refused_once_and_keeps_what_was_typed(self, editor_client, point):
        url, first_tab = change_form(editor_client, point)
        _, second_tab = change_form(editor_client, point)
        editor_client.post(url, second_tab | {"summary": "Summary from the second tab."})

        refused = editor_client.post(url, first_tab | {"summary": "Summary from the first tab."})

        assert refused.status_code == 200
        assert "This was saved by edith on " in refused.text
        assert "Summary from the first tab." in refused.text
        point.refresh_from_db()
        assert point.summary == "Summary from the second tab."

        again = editor_client.post(url, form_data(refused.text, "point_form"))

        assert again.status_code == 302
        point.refresh_from_db()
        assert point.summary == "Summary from the first tab."

    def test_saves_one_after_another_in_one_tab_are_not_refused(self, editor_client, point):
        url, data = change_form(editor_client, point)
        kept = editor_client.post(url, data | {"summary": "First change.", "_continue": "1"})
        _, data = change_form(editor_client, point)

        saved = editor_client.post(url, data | {"summary": "Second change."})

        assert (kept.status_code, saved.status_code) == (302, 302)
        point.refresh_from_db()
        assert point.summary == "Second change."


def test_the_list_filters_live_scheduled_and_draft_pages_apart(editor_client):
    live = make_point(code="BL40", pinyin="Weizhong")
    soon = make_point(
        code="GB30", pinyin="Huantiao", published_at=timezone.now() + timedelta(days=3)
    )
    draft = make_point(code="LR3", pinyin="Taichong", status=Status.DRAFT)
    changelist = reverse("admin:points_point_changelist")

    listed = {
        choice: editor_client.get(changelist, {"publication": choice}).context["cl"].result_list
        for choice in ("live", "scheduled", "draft")
    }

    assert {choice: list(rows) for choice, rows in listed.items()} == {
        "live": [live],
        "scheduled": [soon],
        "draft": [draft],
    }


def test_the_lists_complaint_filter_names_its_choice_for_points_under_none(editor_client, point):
    """Django labels that choice with a bare "-"."""
    point.conditions.add(make_condition(name="Sciatica", slug="sciatica"))

    page = editor_client.get(reverse("admin:points_point_changelist")).text

    assert "Under no complaint" in page


def test_taking_a_point_off_names_only_articles_readers_can_see(editor_client, point):
    """A draft article that lists the point loses nothing readers see: it is not named."""
    make_section(make_article(title="Live article"), points=[point])
    make_section(make_article(title="Unfinished article", status=Status.DRAFT), points=[point])
    url, data = change_form(editor_client, point)

    response = editor_client.post(
        url, data | {"status": ["draft"], "take_off_site": ["on"]}, follow=True
    )

    text = " ".join(str(m) for m in response.context["messages"])
    assert "Live article" in text
    assert "Unfinished article" not in text

"""Changes that wait: an editor saves changes to a published page as a draft, previews them at
the page's address, publishes or discards them; readers and the page cache never see a draft."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from points.models import PageRedirect, PendingChange, Picture, Point, PointAlias, Status
from points.page_cache import pages_version
from tests.factories import make_article, make_picture, make_point, make_section, upload
from tests.pages import change_form, form_data

pytestmark = pytest.mark.django_db

NEW_SUMMARY = "A clearer summary, waiting for review."


def change_url(page):
    return reverse(f"admin:points_{page._meta.model_name}_change", args=[page.pk])


def change_form_and_html(client, page):
    """The page's change form as the browser would send it back, and the page's HTML."""
    response = client.get(change_url(page))
    assert response.status_code == 200
    html = response.text
    return form_data(html, f"{page._meta.model_name}_form"), html


def save_draft(client, page, **changes):
    data, _ = change_form_and_html(client, page)
    data |= changes
    return client.post(change_url(page), data | {"_save_draft": "Save as draft"})


@pytest.fixture
def reader():
    return Client()


class TestSavingADraft:
    def test_leaves_the_live_page_as_it_was(self, editor_client, reader, point):
        response = save_draft(editor_client, point, summary=[NEW_SUMMARY])

        assert response.status_code == 302
        assert response["Location"] == change_url(point)
        point.refresh_from_db()
        assert point.summary == "Two finger-widths from the spine."
        assert NEW_SUMMARY not in reader.get(point.get_absolute_url()).text
        pending = PendingChange.objects.get(point=point)
        assert pending.form_data["summary"] == [NEW_SUMMARY]
        assert "csrfmiddlewaretoken" not in pending.form_data

    def test_the_form_then_shows_the_draft(self, editor_client, point):
        save_draft(editor_client, point, summary=[NEW_SUMMARY])

        data, html = change_form_and_html(editor_client, point)

        assert data["summary"] == [NEW_SUMMARY]
        assert "Unpublished changes saved by edith on" in html
        assert 'value="Publish changes"' in html
        assert 'value="Update draft"' in html
        assert reverse("admin:points_point_discard_draft", args=[point.pk]) in html

    def test_a_draft_is_checked_as_publishing_would_check_it(self, editor_client, point):
        response = save_draft(
            editor_client, point, duration_min_seconds=["120"], duration_max_seconds=["60"]
        )

        assert response.status_code == 200
        assert "The longest duration must be at least the shortest duration." in response.text
        assert 'name="_save_draft"' in response.text  # the buttons are still there
        assert not PendingChange.objects.exists()

    def test_a_draft_keeps_no_picture_file_sent_with_it_and_says_so(self, editor_client, point):
        """The point form takes pictures from the library; a file sent all the same (a form
        from before the library, left open in a tab) is not kept in a draft."""
        data, _ = change_form_and_html(editor_client, point)
        data |= {"summary": [NEW_SUMMARY], "pictures-1-image": upload()}

        response = editor_client.post(change_url(point), data | {"_save_draft": "Save"})

        assert response.status_code == 200
        assert "not new picture files. Add the picture to the picture library first" in (
            response.text
        )
        assert NEW_SUMMARY in response.text  # what was typed is still there
        assert not PendingChange.objects.exists()
        assert point.pictures.count() == 1
        assert Picture.objects.count() == 1

    def test_nothing_is_recorded_or_left_behind(self, editor_client, point):
        response = save_draft(editor_client, point, slug=["bl23-renamed"])

        said = [str(message) for message in get_messages(response.wsgi_request)]
        assert said == [
            "Draft saved. Readers still see the published page. "
            '<a href="/points/bl23-shenshu/?draft=1">Preview it</a>'
        ]
        assert not LogEntry.objects.exists()
        assert not PageRedirect.objects.exists()
        assert Point.objects.get().slug == "bl23-shenshu"
        # The history lists the publications only.
        history = editor_client.get(reverse("admin:points_point_history", args=[point.pk]))
        assert "bl23-renamed" not in history.text

    def test_the_notice_says_when_and_the_save_button_stays(self, editor_client, point):
        save_draft(editor_client, point, summary=[NEW_SUMMARY])

        messages = editor_client.get(change_url(point)).text

        assert 'name="_save"' in messages
        assert "Preview the draft on the site" in messages


class TestPublishingADraft:
    def test_publishes_the_page_with_its_inlines(self, editor_client, reader, point):
        use = point.pictures.get()
        side = make_picture(alt_text="BL23, two finger-widths from the spine")
        data, _ = change_form_and_html(editor_client, point)
        data |= {
            "summary": [NEW_SUMMARY],
            "aliases-TOTAL_FORMS": ["1"],
            "aliases-0-name": ["Sea of Vitality"],
            "aliases-0-kind": [PointAlias._meta.get_field("kind").choices[0][0]],
            "pictures-0-picture": [str(side.pk)],
        }
        assert editor_client.post(change_url(point), data | {"_save_draft": "x"}).status_code == 302
        assert not point.aliases.exists()

        data, _ = change_form_and_html(editor_client, point)  # the form as the draft fills it
        response = editor_client.post(change_url(point), data | {"_save": "Publish changes"})

        assert response.status_code == 302
        point.refresh_from_db()
        assert point.summary == NEW_SUMMARY
        assert list(point.aliases.values_list("name", flat=True)) == ["Sea of Vitality"]
        use.refresh_from_db()
        assert use.picture == side
        assert not PendingChange.objects.exists()
        assert NEW_SUMMARY in reader.get(point.get_absolute_url()).text

    def test_an_article_draft_with_its_sections(self, editor_client, reader):
        article = make_article(title="Acupressure for back pain")
        section = make_section(article, heading="Urinary Bladder 23")
        data, _ = change_form_and_html(editor_client, article)
        data |= {"sections-0-heading": ["Urinary Bladder 23 (Shenshu)"]}
        editor_client.post(change_url(article), data | {"_save_draft": "x"})
        section.refresh_from_db()
        assert section.heading == "Urinary Bladder 23"
        assert "Urinary Bladder 23 (Shenshu)" not in reader.get(article.get_absolute_url()).text
        preview = editor_client.get(f"{article.get_absolute_url()}?draft=1")
        assert "Urinary Bladder 23 (Shenshu)" in preview.text

        data, _ = change_form_and_html(editor_client, article)
        editor_client.post(change_url(article), data | {"_save": "Publish changes"})

        section.refresh_from_db()
        assert section.heading == "Urinary Bladder 23 (Shenshu)"
        assert not PendingChange.objects.exists()


def test_a_draft_that_would_take_the_live_page_off_the_site_asks_as_publishing_does(
    editor_client, point
):
    """A future publication date in a draft of a live page: "Draft saved" came with the
    form's own error, and every later opening of the form showed that error again."""
    response = save_draft(editor_client, point, published_at_0=["2099-12-03"])

    assert response.status_code == 200
    assert "Yes, take this page off the site" in response.text
    assert "Published later, this draft would take the page off the site" in response.text
    assert not PendingChange.objects.exists()

    kept = save_draft(editor_client, point, published_at_0=["2099-12-03"], take_off_site=["on"])

    assert kept.status_code == 302
    assert PendingChange.objects.count() == 1


class TestTwoEditorsAtOnce:
    @pytest.fixture
    def colleague(self, django_user_model):
        from django.contrib.auth.models import Group

        user = django_user_model.objects.create_user(username="carl", is_staff=True)
        user.groups.add(Group.objects.get(name="Editors"))
        colleague = Client()
        colleague.force_login(user)
        return colleague

    def test_updating_ones_own_draft(self, editor_client, point):
        save_draft(editor_client, point, summary=[NEW_SUMMARY])

        response = save_draft(editor_client, point, summary=["Second thoughts."])

        assert response.status_code == 302
        assert PendingChange.objects.get().form_data["summary"] == ["Second thoughts."]

    def test_a_draft_never_replaces_one_its_form_did_not_show(
        self, editor_client, colleague, point
    ):
        data, _ = change_form_and_html(editor_client, point)  # opened before carl's draft
        save_draft(colleague, point, summary=["Carl's summary."])

        response = editor_client.post(
            change_url(point), data | {"summary": [NEW_SUMMARY], "_save_draft": "x"}
        )

        assert response.status_code == 200
        assert "carl saved unpublished changes on" in response.text
        assert NEW_SUMMARY in response.text  # what edith typed is still in the form
        assert PendingChange.objects.get().form_data["summary"] == ["Carl's summary."]

    def test_publishing_keeps_a_draft_its_form_did_not_show(self, editor_client, colleague, point):
        data, _ = change_form_and_html(editor_client, point)
        save_draft(colleague, point, summary=["Carl's summary."])

        response = editor_client.post(
            change_url(point), data | {"summary": [NEW_SUMMARY], "_save": "Save"}, follow=True
        )

        point.refresh_from_db()
        assert point.summary == NEW_SUMMARY
        assert PendingChange.objects.get().form_data["summary"] == ["Carl's summary."]
        assert "they were not part of what you published and are still waiting" in response.text


class TestDiscardingADraft:
    def test_asks_first_then_throws_the_draft_away(self, editor_client, point):
        save_draft(editor_client, point, summary=[NEW_SUMMARY])
        url = reverse("admin:points_point_discard_draft", args=[point.pk])

        confirmation = editor_client.get(url)
        assert confirmation.status_code == 200
        assert "This cannot be undone" in confirmation.text
        assert PendingChange.objects.exists()

        response = editor_client.post(url)

        assert response["Location"] == change_url(point)
        assert not PendingChange.objects.exists()
        data, html = change_form_and_html(editor_client, point)
        assert data["summary"] == ["Two finger-widths from the spine."]
        assert "Unpublished changes saved by" not in html


class TestPreviewOfADraft:
    def test_the_editor_sees_the_draft_at_the_real_address(self, editor_client, point):
        save_draft(editor_client, point, summary=[NEW_SUMMARY])

        response = editor_client.get(f"{point.get_absolute_url()}?draft=1")

        assert response.status_code == 200
        assert NEW_SUMMARY in response.text
        assert "Preview of unpublished changes." in response.text
        assert "Saved as a draft by edith" in response.text
        assert change_url(point) in response.text
        assert "private" in response["Cache-Control"]
        assert "no-cache" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex"
        assert '<meta name="robots" content="noindex, nofollow">' in response.text
        point.refresh_from_db()
        assert point.summary == "Two finger-widths from the spine."

    def test_readers_get_the_live_page_and_the_cache_is_untouched(
        self, editor_client, reader, point
    ):
        save_draft(editor_client, point, summary=[NEW_SUMMARY], slug=["bl23-renamed"])
        first = reader.get(point.get_absolute_url())
        assert first["X-Page-Cache"] == "miss"
        version = pages_version()

        preview = editor_client.get(f"{point.get_absolute_url()}?draft=1")
        asked = reader.get(f"{point.get_absolute_url()}?draft=1")
        again = reader.get(point.get_absolute_url())

        assert NEW_SUMMARY in preview.text
        assert pages_version() == version  # a rolled-back preview marks nothing stale
        assert asked.status_code == 200
        assert NEW_SUMMARY not in asked.text
        assert "Preview of unpublished changes" not in asked.text
        assert "X-Page-Cache" not in asked  # an address with ?draft=1 is never kept
        assert again["X-Page-Cache"] == "hit"
        assert again.content == first.content
        assert not PageRedirect.objects.exists()

    def test_without_a_draft_the_editor_sees_the_live_page(self, editor_client, point):
        response = editor_client.get(f"{point.get_absolute_url()}?draft=1")

        assert response.status_code == 200
        assert "Preview of unpublished changes" not in response.text

    def test_a_draft_that_no_longer_fits_sends_the_editor_to_the_form(self, editor_client, point):
        save_draft(editor_client, point, slug=["bl24-taken"])
        make_point(slug="bl24-taken")

        response = editor_client.get(f"{point.get_absolute_url()}?draft=1")

        assert response.status_code == 302
        assert response["Location"] == change_url(point)
        form = editor_client.get(response["Location"])
        assert "no longer pass the form" in form.text
        assert "Point with this Slug already exists." in form.text


class TestPreviewOfTheUnsavedForm:
    def preview_url(self, point):
        return reverse("admin:points_point_preview", args=[point.pk])

    def test_shows_the_page_as_the_form_would_make_it(self, editor_client, point):
        data, html = change_form_and_html(editor_client, point)
        assert f'formaction="{self.preview_url(point)}" formtarget="_blank"' in html

        response = editor_client.post(self.preview_url(point), data | {"summary": NEW_SUMMARY})

        assert response.status_code == 200
        assert NEW_SUMMARY in response.text
        assert "The change form as it is now, not saved" in response.text
        assert "no-cache" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex"
        point.refresh_from_db()
        assert point.summary == "Two finger-widths from the spine."
        assert not PendingChange.objects.exists()
        assert not LogEntry.objects.exists()
        assert "changed successfully" not in editor_client.get(change_url(point)).text

    def test_an_invalid_form_says_what_to_fix_instead_of_a_second_form(self, editor_client, point):
        data, _ = change_form_and_html(editor_client, point)
        data |= {"summary": [NEW_SUMMARY], "duration_min_seconds": ["120"]}
        data |= {"duration_max_seconds": ["60"], "pictures-0-picture": [""]}

        response = editor_client.post(self.preview_url(point), data)

        assert response.status_code == 400
        assert "This preview cannot be shown" in response.text
        assert (
            "<strong>Longest duration (seconds):</strong> The longest duration must be at least "
            "the shortest duration." in response.text
        )
        assert "<strong>Pictures, row 1: Picture:</strong> This field is required." in (
            response.text
        )
        assert "everything you typed is still there" in response.text
        # Not a saveable copy of the change form.
        assert "<form" not in response.text.split('id="content"')[1]
        assert 'name="_save"' not in response.text
        assert NEW_SUMMARY not in response.text
        point.refresh_from_db()
        assert point.summary == "Two finger-widths from the spine."

    def test_is_protected_against_forged_posts(self, editor, point):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(editor)
        data, _ = change_form_and_html(browser, point)
        data.pop("csrfmiddlewaretoken")

        response = browser.post(self.preview_url(point), data)

        assert response.status_code == 403

    def test_answers_only_posts(self, editor_client, point):
        assert editor_client.get(self.preview_url(point)).status_code == 405


class TestTheListsShowUnpublishedChanges:
    def test_column_and_filter(self, editor_client, point):
        other = make_point(code="GB30", pinyin="Huantiao")
        save_draft(editor_client, point, summary=[NEW_SUMMARY])
        url = reverse("admin:points_point_changelist")

        everything = editor_client.get(url)
        waiting = editor_client.get(f"{url}?unpublished=yes")
        not_waiting = editor_client.get(f"{url}?unpublished=no")

        assert "Published · draft waiting" in everything.text
        assert "By unpublished changes" in everything.text
        assert list(waiting.context["cl"].result_list) == [point]
        assert list(not_waiting.context["cl"].result_list) == [other]

    def test_the_article_list_too(self, editor_client):
        article = make_article()
        save_draft(editor_client, article, summary=["A new summary."])

        response = editor_client.get(
            reverse("admin:points_article_changelist") + "?unpublished=yes"
        )

        assert list(response.context["cl"].result_list) == [article]


class TestPermissions:
    def test_staff_who_cannot_change_get_no_draft_or_preview(
        self, viewer_client, editor_client, point
    ):
        viewer = viewer_client
        save_draft(editor_client, point, summary=[NEW_SUMMARY])
        data, _ = change_form_and_html(editor_client, point)

        form = viewer.get(change_url(point)).text
        saved = viewer.post(change_url(point), data | {"_save_draft": "x"})
        previewed = viewer.post(reverse("admin:points_point_preview", args=[point.pk]), data)
        discarded = viewer.post(reverse("admin:points_point_discard_draft", args=[point.pk]))
        page = viewer.get(f"{point.get_absolute_url()}?draft=1")

        assert "_save_draft" not in form
        assert NEW_SUMMARY not in form
        assert saved.status_code == 403
        assert previewed.status_code == 403
        assert discarded.status_code == 403
        assert NEW_SUMMARY not in page.text
        assert PendingChange.objects.get().form_data["summary"] == [NEW_SUMMARY]

    def test_the_draft_buttons_are_only_on_published_pages(self, editor_client):
        draft_page = make_point(status="draft")

        _, html = change_form_and_html(editor_client, draft_page)

        assert 'name="_save_draft"' not in html
        assert 'name="_preview"' in html


def test_drafts_and_previews_are_no_revisions_and_publishing_one_is(editor_client, point):
    save_draft(editor_client, point, summary=[NEW_SUMMARY])
    data, _ = change_form_and_html(editor_client, point)
    editor_client.post(reverse("admin:points_point_preview", args=[point.pk]), data)
    editor_client.get(f"{point.get_absolute_url()}?draft=1")

    assert not Version.objects.get_for_object(point).exists()

    assert editor_client.post(change_url(point), data).status_code == 302  # Publish changes

    versions = Version.objects.get_for_object(point)  # newest first
    assert [version.field_dict["summary"] for version in versions] == [
        NEW_SUMMARY,
        "Two finger-widths from the spine.",  # as it was before revisions were kept
    ]


def test_a_preview_leaves_no_trace_in_the_links_to_points_readers_get(editor_client, reader, point):
    """A preview renders inside a transaction that is rolled back: the map of point links it
    may load then (here with the previewed slug) is never kept for readers."""
    article = make_article(intro="Start with [[BL23]].")
    data, _ = change_form_and_html(editor_client, point)
    data |= {"slug": ["bl23-previewed"], "location": ["See [[BL23]]."]}

    preview = editor_client.post(reverse("admin:points_point_preview", args=[point.pk]), data)

    assert 'href="/points/bl23-previewed/"' in preview.text
    html = reader.get(article.get_absolute_url()).text
    assert 'href="/points/bl23-shenshu/">BL23 Shenshu</a>' in html


class TestADraftChoosingAPicture:
    """A point's pictures are chosen from the library: plain form data a draft can hold."""

    @pytest.fixture
    def side(self):
        return make_picture(title="BL23 from the side", alt_text="BL23 seen from the side")

    def add_picture(self, client, point, picture, **extra):
        return save_draft(
            client,
            point,
            **{
                "pictures-TOTAL_FORMS": ["2"],
                "pictures-1-picture": [str(picture.pk)],
                "pictures-1-position": ["1"],
            }
            | extra,
        )

    def test_leaves_the_live_page_without_it_until_published(
        self, editor_client, reader, point, side
    ):
        own = point.pictures.get().picture
        response = self.add_picture(editor_client, point, side)

        assert response.status_code == 302
        assert point.pictures.count() == 1
        assert side.image.url not in reader.get(point.get_absolute_url()).text
        preview = editor_client.get(f"{point.get_absolute_url()}?draft=1").text
        assert "Preview of unpublished changes." in preview
        assert side.image.url in preview
        assert "BL23 seen from the side" in preview
        data, html = change_form_and_html(editor_client, point)  # the form as the draft fills it
        assert data["pictures-1-picture"] == [str(side.pk)]
        assert "BL23 from the side" in html  # the chosen picture, by its name

        published = editor_client.post(change_url(point), data | {"_save": "Publish changes"})

        assert published.status_code == 302
        assert [use.picture for use in point.pictures.all()] == [own, side]
        assert side.image.url in reader.get(point.get_absolute_url()).text
        assert not PendingChange.objects.exists()

    def test_the_preview_of_the_unsaved_form_shows_it(self, editor_client, reader, point, side):
        data, _ = change_form_and_html(editor_client, point)
        data |= {
            "pictures-TOTAL_FORMS": ["2"],
            "pictures-1-picture": [str(side.pk)],
            "pictures-1-position": ["1"],
        }

        response = editor_client.post(reverse("admin:points_point_preview", args=[point.pk]), data)

        assert response.status_code == 200
        assert side.image.url in response.text
        assert point.pictures.count() == 1
        assert side.image.url not in reader.get(point.get_absolute_url()).text

    def test_a_picture_deleted_from_the_library_since_sends_the_editor_to_the_form(
        self, editor_client, point, side
    ):
        self.add_picture(editor_client, point, side)
        side.delete()  # no point shows it yet, so nothing keeps it

        response = editor_client.get(f"{point.get_absolute_url()}?draft=1")

        assert response.status_code == 302
        assert response["Location"] == change_url(point)
        assert "no longer pass the form" in editor_client.get(response["Location"]).text


def test_previewing_a_draft_on_the_site_leaves_no_save_warnings_for_later(editor_client, point):
    save_draft(editor_client, point, location="Beside [[ZZ99]].")
    list(get_messages(editor_client.get(reverse("admin:index")).wsgi_request))  # read them

    preview = editor_client.get(f"{point.get_absolute_url()}?draft=1")
    assert preview.status_code == 200
    later = editor_client.get(reverse("admin:points_picture_changelist"))

    assert [str(m) for m in later.context["messages"]] == []


def test_saving_a_draft_still_warns_about_a_link_readers_would_see_as_plain_words(
    editor_client, point
):
    save_draft(editor_client, point, location="Beside [[ZZ99]].")

    shown = [str(m) for m in get_messages(editor_client.get(reverse("admin:index")).wsgi_request)]

    assert any("[[ZZ99]] does not match a published point" in m for m in shown), shown


def test_staff_who_may_not_see_points_do_not_see_a_draft_point(django_user_model, client):
    draft = make_point(code="GV4", slug="gv4-mingmen", status=Status.DRAFT)
    staff = django_user_model.objects.create_user(username="moe", is_staff=True)
    browser = Client()
    browser.force_login(staff)  # staff, with no permission on points at all

    assert browser.get(draft.get_absolute_url()).status_code == 404


def test_a_draft_kept_from_a_form_opened_before_a_later_save_does_not_undo_it(editor_client, point):
    """Tab one is opened; tab two saves a new summary; tab one is kept as a draft and the draft
    published: the summary tab two saved is gone, and nobody was told."""
    url, first_tab = change_form(editor_client, point)
    _, second_tab = change_form(editor_client, point)
    editor_client.post(url, second_tab | {"summary": ["From the second tab."]})

    kept = editor_client.post(
        url, first_tab | {"english_name": ["From the first tab."], "_save_draft": ["1"]}
    )
    shown = editor_client.get(url)
    editor_client.post(url, form_data(shown.text, "point_form") | {"_save": ["1"]})

    point.refresh_from_db()
    assert point.summary == "From the second tab." or kept.status_code == 200


def test_publishing_a_draft_made_before_a_later_save_says_so_once(editor_client, point):
    """A draft is kept; a colleague's form, opened before it, saves a new summary (and is told
    the draft waits); publishing the draft then put back the old summary unannounced."""
    url, colleague = change_form(editor_client, point)
    _, mine = change_form(editor_client, point)
    editor_client.post(url, mine | {"english_name": ["Mine."], "_save_draft": ["1"]})
    editor_client.post(url, colleague | {"summary": ["The colleague's summary."]})

    shown = editor_client.get(url)
    refused = editor_client.post(url, form_data(shown.text, "point_form") | {"_save": ["1"]})
    again = editor_client.post(url, form_data(refused.text, "point_form") | {"_save": ["1"]})

    assert refused.status_code == 200
    assert "after these unpublished changes were made: publishing them replaces" in refused.text
    assert again.status_code == 302
    point.refresh_from_db()
    assert point.english_name == "Mine."

"""Whole-page caching: fast for readers, never stale after an editor saves, never shared when a
page is personal."""

import gzip
import re
import threading
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.db import connection, connections, transaction
from django.db.models import F
from django.templatetags.static import static
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone

from points.apps import COMMENTS, SHOWN_RELATIONS, SHOWN_TO_READERS
from points.models import (
    ArticleReference,
    Comment,
    CommentStatus,
    Disclaimer,
    PictureMarker,
    Point,
    PointReference,
    Reference,
    ResultReport,
    Reviewer,
    RoutineStep,
    Status,
)
from points.page_cache import pages_version
from tests.factories import (
    make_article,
    make_comment,
    make_condition,
    make_image,
    make_point,
    make_section,
)
from tests.pages import form_token, post_comment, without_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def commented_point(settings, point):
    """The point with a complaint, a second picture, and seven approved comments with their
    result reports, five comments to a page."""
    settings.COMMENTS_PER_PAGE = 5
    point.conditions.add(make_condition(name="Sciatica", slug="sciatica"))
    make_image(point, alt_text="Pressing BL23 with the thumbs")
    for number in range(7):
        make_comment(
            point,
            name=f"Reader {number}",
            text=f"Comment number {number}.",
            status=CommentStatus.APPROVED,
            report="helped-a-lot",
        )
    return point


@pytest.fixture
def article(point):
    article = make_article(title="Points for back pain")
    make_section(article, points=[point], heading="Shenshu", body="Press it gently.")
    return article


def test_a_new_release_never_serves_pages_cached_by_the_last(client, point, settings):
    """After a deploy, a page cached from the old templates must not be served until it
    expires (it was, for up to PAGE_CACHE_SECONDS)."""
    from points.page_cache import release

    settings.RELEASE = "old"
    release.cache_clear()
    client.get(point.get_absolute_url())
    settings.RELEASE = "new"
    release.cache_clear()

    assert Client().get(point.get_absolute_url())["X-Page-Cache"] == "miss"
    release.cache_clear()


def test_the_release_is_worked_out_from_the_files_unless_a_deploy_names_it(settings):
    from points.page_cache import release

    settings.RELEASE = ""
    release.cache_clear()
    digest = release()
    settings.RELEASE = "v42"
    release.cache_clear()

    assert len(digest) == 16
    assert release() == "v42"
    release.cache_clear()


def test_second_reader_gets_the_cached_page(client, point):
    first = client.get(point.get_absolute_url())
    second = Client().get(point.get_absolute_url())

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert "public" in second["Cache-Control"]
    assert "s-maxage=60" in second["Cache-Control"]
    assert "Accept-Encoding" in second["Vary"]
    assert "default-src 'none'" in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"
    assert second["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert second.content == first.content


@pytest.mark.parametrize("address", ["home", "point index", "article", "point"])
def test_a_cached_page_is_served_without_a_query(
    client, commented_point, article, address, django_assert_num_queries
):
    url = {
        "home": reverse("points:home"),
        "point index": reverse("points:point-index"),
        "article": article.get_absolute_url(),
        "point": commented_point.get_absolute_url(),
    }[address]
    first = client.get(url)

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    if address == "point":
        assert "Comment number 0." in second.text
        assert "7 readers reported" in second.text


def test_saving_a_point_shows_the_change_at_once(client, point):
    client.get(point.get_absolute_url())
    point.summary = "Now freshly edited."
    point.save()

    response = client.get(point.get_absolute_url())

    assert response["X-Page-Cache"] == "miss"
    assert "Now freshly edited." in response.text


def test_changing_a_related_row_shows_the_change_on_every_page(client, point):
    article = make_article()
    make_section(article, points=[point])
    urls = [point.get_absolute_url(), article.get_absolute_url(), reverse("points:home")]
    for url in urls:
        client.get(url)

    image = point.pictures.get().picture
    image.alt_text = "New alt text"
    image.save()
    Disclaimer.objects.create(short_notice="A brand new notice.", body="Body.")

    for url in urls:
        assert client.get(url)["X-Page-Cache"] == "miss", url
    assert 'alt="New alt text"' in client.get(point.get_absolute_url()).text
    assert "A brand new notice." in client.get(point.get_absolute_url()).text


def test_approving_a_comment_in_the_admin_shows_it(client, editor_client, point):
    comment = make_comment(point, name="Maria", text="It helped.")
    assert "It helped." not in client.get(point.get_absolute_url()).text

    editor_client.post(
        reverse("admin:points_comment_changelist"),
        {"action": "approve", "index": 0, ACTION_CHECKBOX_NAME: [comment.pk]},
    )

    assert "It helped." in client.get(point.get_absolute_url()).text


def test_a_new_comment_leaves_other_readers_cached_page_alone(client, point):
    client.get(point.get_absolute_url())
    poster = Client()

    post_comment(poster, point, name="Maria", text="Waiting for an editor.")

    own = poster.get(point.get_absolute_url())
    other = client.get(point.get_absolute_url())
    assert "X-Page-Cache" not in own  # personal page: never from or into the cache
    assert "Waiting for an editor." in own.text
    assert "private" in own["Cache-Control"]  # nor kept by a proxy or CDN
    assert other["X-Page-Cache"] == "hit"
    assert "Waiting for an editor." not in other.text
    assert "public" in other["Cache-Control"]


def test_a_form_from_a_cached_page_is_still_accepted(client, point):
    client.get(point.get_absolute_url())
    cached = Client().get(point.get_absolute_url())
    assert cached["X-Page-Cache"] == "hit"

    response = post_comment(
        client,
        point,
        name="Maria",
        text="It helped.",
        outcome="helped-a-little",
        token=form_token(cached.text),
    )

    assert response.status_code == 303
    assert Comment.objects.filter(name="Maria").exists()


def test_editors_never_get_or_fill_the_shared_cache(client, editor_client, point):
    draft = make_point(status=Status.DRAFT)

    preview = editor_client.get(draft.get_absolute_url())
    editor_view = editor_client.get(point.get_absolute_url())
    reader_view = client.get(draft.get_absolute_url())

    assert "X-Page-Cache" not in preview
    assert "X-Page-Cache" not in editor_view
    assert "private" in editor_view["Cache-Control"]
    assert reader_view.status_code == 404


def test_an_editors_preview_is_rendered_right_whatever_is_cached(
    client, editor_client, commented_point
):
    """The public page is cached; then the point is made a draft through the queryset."""
    point = commented_point
    client.get(point.get_absolute_url())
    Point.objects.filter(pk=point.pk).update(status=Status.DRAFT)

    preview = editor_client.get(point.get_absolute_url())

    assert preview.status_code == 200
    assert "no-cache" in preview["Cache-Control"]
    assert "Sciatica" in preview.text
    assert "7 readers reported" in preview.text
    assert client.get(point.get_absolute_url()).status_code == 404


def test_a_scheduled_point_appears_on_cached_lists_on_time(client, point, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    make_point(code="GB30", pinyin="Huantiao", published_at=timezone.now() + timedelta(seconds=2))
    assert "Huantiao" not in client.get(reverse("points:point-index")).text

    time_machine.shift(2)

    assert "Huantiao" in client.get(reverse("points:point-index")).text


def test_a_publication_while_a_page_renders_ends_the_life_of_what_it_stores(client, time_machine):
    """The home page reads its articles just before a scheduled article goes live and is stored
    just after: what it stored must not outlive the publication."""
    time_machine.move_to(timezone.now(), tick=False)
    make_article(title="Scheduled article", published_at=timezone.now() + timedelta(seconds=1))
    slow = {"queries": 1}

    def a_slow_query_for_the_articles(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if '"points_author"' in sql and slow["queries"]:  # the articles with their authors
            slow["queries"] -= 1
            time_machine.shift(1.02)  # ...are read a few milliseconds too early
        return result

    with connection.execute_wrapper(a_slow_query_for_the_articles):
        rendered = client.get(reverse("points:home"))
    assert slow["queries"] == 0
    assert rendered["X-Page-Cache"] == "miss"  # stored, after the publication
    assert "Scheduled article" not in rendered.text

    time_machine.shift(60)

    assert "Scheduled article" in client.get(reverse("points:home")).text


def test_browsers_revalidate_with_an_etag(client, point):
    first = client.get(point.get_absolute_url())

    again = client.get(point.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""


def test_pages_are_gzipped_for_browsers_that_accept_it(client, point):
    client.get(point.get_absolute_url())

    response = client.get(point.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, br")

    assert response["Content-Encoding"] == "gzip"
    assert b"BL23 Shenshu" in gzip.decompress(response.content)
    assert len(response.content) < len(client.get(point.get_absolute_url()).content) / 3


@pytest.mark.parametrize("kind", ["search", "uncached query string", "editor", "feed"])
def test_pages_rendered_for_one_request_are_gzipped_too(client, editor_client, point, kind):
    browser, url = {
        "search": (client, reverse("points:search") + "?q=Shenshu"),
        "uncached query string": (client, point.get_absolute_url() + "?utm_source=newsletter"),
        "editor": (editor_client, point.get_absolute_url()),
        "feed": (client, reverse("points:feed")),
    }[kind]

    response = browser.get(url, HTTP_ACCEPT_ENCODING="gzip")

    assert "X-Page-Cache" not in response
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    unzipped = gzip.decompress(response.content).decode()
    assert without_token(unzipped) == without_token(browser.get(url).text)


def test_a_range_of_a_static_file_is_sent_as_it_is(settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve static/ as it is, without collectstatic
    client = Client()  # its middleware is set up now, with that setting
    stylesheet = static("css/site.css")

    response = client.get(stylesheet, HTTP_RANGE="bytes=0-99", HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 206
    assert "Content-Encoding" not in response
    assert len(b"".join(response.streaming_content)) == 100


def test_pictures_are_not_gzipped_again(client, point):
    picture = point.pictures.get().picture.image.url

    response = client.get(picture, HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_each_address_gets_its_own_absolute_addresses(client, point):
    """Pages hold absolute addresses (og:image): one cached for a host or scheme is never
    served for another."""
    for _ in range(2):  # rendered, then served from the cache
        for scheme, host in [("http", "localhost"), ("http", "127.0.0.1"), ("https", "localhost")]:
            page = client.get(
                point.get_absolute_url(), HTTP_HOST=host, secure=scheme == "https"
            ).text
            og_image = re.search(r'<meta property="og:image" content="([^"]+)"', page)[1]
            assert og_image.startswith(f"{scheme}://{host}/"), og_image


def test_undeclared_query_strings_bypass_the_cache(client, point):
    response = client.get(point.get_absolute_url() + "?utm_source=newsletter")

    assert "X-Page-Cache" not in response
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query", ["", "?area=lower-back", "?condition=sciatica&area=lower-back", "?page=2"]
)
def test_the_point_index_keeps_each_page_readers_are_linked_to(client, commented_point, query):
    for number in range(13):  # two pages
        make_point(code=f"GB{number}", body_area="leg")
    url = reverse("points:point-index") + query

    first = client.get(url)
    second = client.get(url)

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content


@pytest.mark.parametrize("query", ["?area=nowhere", "?page=99", "?utm_source=feed"])
def test_the_point_index_keeps_only_the_pages_readers_are_linked_to(client, point, query):
    for number in range(13):  # two pages
        make_point(code=f"GB{number}", body_area="leg")
    url = reverse("points:point-index") + query

    first = client.get(url)
    second = client.get(url)

    assert "X-Page-Cache" not in first
    assert "X-Page-Cache" not in second  # rendered again, never stored
    assert second.status_code == first.status_code
    if query == "?area=nowhere":
        assert second.status_code == 400
        assert "We could not use those filters" in second.text


@pytest.mark.parametrize("address", ["point index", "point comments"])
def test_an_address_that_repeats_a_parameter_is_never_stored(client, commented_point, address):
    """?page=1&page=2 is no page readers are linked to; keeping it would let anyone fill the
    cache with copies of a page under endless addresses."""
    for number in range(13):  # two pages of points
        make_point(code=f"GB{number}", body_area="leg")
    url = {
        "point index": reverse("points:point-index") + "?page=1&page=2",
        "point comments": commented_point.get_absolute_url() + "?comments=1&comments=2",
    }[address]

    first = client.get(url)
    second = client.get(url)

    assert "X-Page-Cache" not in first
    assert "X-Page-Cache" not in second
    assert second.status_code == first.status_code


def test_comment_pages_are_kept_up_to_the_last(client, commented_point):
    url = commented_point.get_absolute_url()

    client.get(f"{url}?comments=2")
    last = client.get(f"{url}?comments=2")
    past_the_last = [client.get(f"{url}?comments=9") for _ in range(2)]

    assert last["X-Page-Cache"] == "hit"
    assert "Comment number 6." in last.text
    for response in past_the_last:
        assert response.status_code == 404
        assert "X-Page-Cache" not in response


def test_an_address_with_dot_segments_is_not_served_another_pages_copy(client, point):
    client.get(reverse("points:point-index"))  # cached

    response = client.get(reverse("points:point-index") + "nothing-here/../")

    assert response.status_code == 404
    assert "X-Page-Cache" not in response


def test_not_found_pages_are_not_cached(client):
    assert "X-Page-Cache" not in client.get("/points/nothing-here/")


class TestNeverStale:
    """Every change readers should see shows on the next page they get from the cache."""

    def test_an_editor_changes_the_point(self, client, commented_point):
        point = commented_point
        client.get(point.get_absolute_url())
        point.summary = "A corrected summary."
        point.save()
        image = point.pictures.first().picture
        image.alt_text = "A better description"
        image.save()

        page = client.get(point.get_absolute_url()).text

        assert "A corrected summary." in page
        assert 'alt="A better description"' in page

    def test_an_editor_approves_a_comment_in_the_admin(
        self, client, editor_client, commented_point
    ):
        point = commented_point
        waiting = make_comment(point, text="Worked for me.", report="no-change")
        assert "Worked for me." not in client.get(point.get_absolute_url()).text
        assert "Worked for me." not in client.get(f"{point.get_absolute_url()}?comments=2").text

        editor_client.post(
            reverse("admin:points_comment_changelist"),
            {"action": "approve", "index": 0, ACTION_CHECKBOX_NAME: [waiting.pk]},
        )

        page = client.get(point.get_absolute_url()).text
        assert "8 readers reported" in page
        assert "8 comments" in page
        last_page = client.get(f"{point.get_absolute_url()}?comments=2").text
        assert "Worked for me." in last_page

    def test_a_comment_hidden_in_code(self, client, commented_point):
        point = commented_point
        comment = Comment.objects.get(name="Reader 0")
        assert "Comment number 0." in client.get(point.get_absolute_url()).text

        comment.status = CommentStatus.SPAM
        comment.save()

        assert "Comment number 0." not in client.get(point.get_absolute_url()).text

    def test_the_article_page_shows_a_renamed_point(self, client, point, article):
        client.get(article.get_absolute_url())

        point.pinyin = "Shen Shu"
        point.save()

        assert "Shen Shu" in client.get(article.get_absolute_url()).text

    def test_a_readers_waiting_comment_is_theirs_alone(self, client, commented_point):
        point = commented_point
        other_reader = Client()
        other_reader.get(point.get_absolute_url())

        post_comment(client, point, name="Maria", text="Waiting for an editor.")

        own = client.get(point.get_absolute_url()).text
        assert "Waiting for an editor." in own
        assert "Comment number 0." in own
        assert "Waiting for an editor." not in other_reader.get(point.get_absolute_url()).text


def test_small_site_wide_data_is_read_once_and_follows_every_change(
    render_client, point, django_assert_num_queries
):
    """The disclaimer and the points' reading order, which every point page shows, are read once
    and kept under the pages version (page_cache.site_data), with the page cache off too: a
    change shows on the next page."""
    render_client.get(point.get_absolute_url())
    with django_assert_num_queries(9):  # neither is read again
        first = render_client.get(point.get_absolute_url()).text
    disclaimer = Disclaimer.current()
    disclaimer.short_notice = "A new short notice."
    disclaimer.save()
    make_point(code="BL52", pinyin="Zhishi", position=point.position + 1)

    page = render_client.get(point.get_absolute_url()).text

    assert "A new short notice." not in first
    assert "A new short notice." in page
    assert "BL52 Zhishi" not in first
    assert "BL52 Zhishi" in page


def test_saving_an_edited_report_fetches_nothing_else(commented_point, django_assert_num_queries):
    """An editor's inline edit of N reports must not cost N fetches of their comments."""
    report = ResultReport.objects.filter(point=commented_point).first()

    with django_assert_num_queries(1):  # the UPDATE
        report.save()


class QuickModeration(admin.ModelAdmin):
    """A moderation screen as a developer might add one: an action written the obvious way."""

    actions = ["publish_by_update", "publish_by_approve", "hide_by_update"]

    @admin.action(description="Publish (update)")
    def publish_by_update(self, request, queryset):
        queryset.update(status=CommentStatus.APPROVED)

    @admin.action(description="Publish (approve)")
    def publish_by_approve(self, request, queryset):
        queryset.approve()

    @admin.action(description="Hide (update)")
    def hide_by_update(self, request, queryset):
        queryset.update(status=CommentStatus.SPAM)


quick_site = admin.AdminSite(name="quick")
quick_site.register(Comment, QuickModeration)
# ROOT_URLCONF for the tests below: the site, and the throwaway admin beside it.
urlpatterns = [
    path("quick-admin/", quick_site.urls),
    path("", include("acupressure.urls")),
]


@pytest.mark.parametrize(
    ("action", "status", "shown"),
    [
        ("publish_by_update", CommentStatus.PENDING, True),
        ("publish_by_approve", CommentStatus.PENDING, True),
        ("hide_by_update", CommentStatus.APPROVED, False),
    ],
)
def test_a_new_admin_action_written_the_obvious_way_shows_at_once(
    client, editor_client, point, settings, action, status, shown
):
    settings.ROOT_URLCONF = __name__
    comment = make_comment(point, text="Pressing it helped.", status=status)
    before = client.get(point.get_absolute_url())
    assert ("Pressing it helped." in before.text) is not shown
    assert client.get(point.get_absolute_url())["X-Page-Cache"] == "hit"

    response = editor_client.post(
        reverse("quick:points_comment_changelist"),
        {"action": action, "index": 0, ACTION_CHECKBOX_NAME: [comment.pk]},
    )

    assert response.status_code == 302
    after = client.get(point.get_absolute_url())
    assert after["X-Page-Cache"] == "miss"
    assert ("Pressing it helped." in after.text) is shown


def test_adding_a_user_to_a_group_leaves_cached_pages_alone(client, point, django_user_model):
    client.get(point.get_absolute_url())
    newcomer = django_user_model.objects.create_user(username="newcomer", is_staff=True)

    newcomer.groups.add(Group.objects.get(name="Editors"))

    assert client.get(point.get_absolute_url())["X-Page-Cache"] == "hit"


# Points models that change no page. Their rows must never be shown to readers; a model that
# is belongs in points.apps.SHOWN_TO_READERS.
# PageRedirect answers only 404s, which are never cached; a PendingChange is an editor's draft.
NOT_SHOWN_TO_READERS = ["PageRedirect", "PendingChange"]


def test_every_model_is_either_shown_to_readers_or_known_not_to_be():
    models = [model.__name__ for model in apps.get_app_config("points").get_models()]

    assert sorted(models) == sorted(SHOWN_TO_READERS + COMMENTS + NOT_SHOWN_TO_READERS)


@pytest.fixture
def a_row_of_each(point):
    """A row of every model readers see, all on the point's page or beside it."""
    reference = Reference.objects.create(title="A pilot trial", year=2019)
    article = make_article()
    comment = make_comment(point, status=CommentStatus.APPROVED, report="helped-a-lot")
    point.conditions.add(make_condition())
    rows = [
        point,
        point.pictures.get(),
        point.pictures.get().picture,
        PictureMarker.objects.create(picture=point.pictures.get().picture, point=point, x=5, y=5),
        point.aliases.create(name="UB23"),
        point.conditions.get(),
        reference,
        PointReference.objects.create(point=point, reference=reference),
        article,
        article.author,
        make_section(article, points=[point]),
        ArticleReference.objects.create(article=article, reference=reference),
        RoutineStep.objects.create(article=article, point=point, position=1),
        Disclaimer.objects.create(short_notice="Not advice.", body="The whole text."),
        Reviewer.objects.create(name="Dr Ana Silva", credential="Physiotherapist"),
        comment,
        comment.reports.get(),
    ]
    return {type(row).__name__: row for row in rows}


@pytest.mark.parametrize("model_name", SHOWN_TO_READERS + COMMENTS)
def test_an_update_through_the_queryset_makes_cached_pages_stale(
    client, point, a_row_of_each, model_name
):
    row = a_row_of_each[model_name]
    model = type(row)
    field = next(f.attname for f in model._meta.concrete_fields if not f.primary_key)
    client.get(point.get_absolute_url())
    version = pages_version()

    assert model.objects.filter(pk=row.pk).update(**{field: F(field)}) == 1

    assert pages_version() != version
    assert client.get(point.get_absolute_url())["X-Page-Cache"] == "miss"


@pytest.mark.parametrize(
    ("model_name", "field"), SHOWN_RELATIONS, ids=[".".join(r) for r in SHOWN_RELATIONS]
)
def test_changing_a_relation_readers_see_makes_cached_pages_stale(
    client, point, a_row_of_each, model_name, field
):
    row = a_row_of_each[model_name]
    client.get(point.get_absolute_url())
    version = pages_version()

    getattr(row, field).clear()

    assert pages_version() != version
    assert client.get(point.get_absolute_url())["X-Page-Cache"] == "miss"


def get_in_another_worker(url):
    """A reader's request served with a database connection of its own."""
    page = {}

    def serve():
        try:
            page["text"] = Client().get(url).text
        finally:
            connections.close_all()

    worker = threading.Thread(target=serve)
    worker.start()
    worker.join()
    return page["text"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a second connection that reads the last committed rows: runs on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
class TestAReaderDuringAnEditorsSave:
    """A reader served while an editor's save is not yet committed reads the old rows; what
    that request stores must not be served once the save is committed."""

    def test_a_point(self, client):
        point = make_point(summary="Old summary.")
        client.get(point.get_absolute_url())
        with transaction.atomic():  # as the admin saves
            point.summary = "New summary."
            point.save()
            assert "Old summary." in get_in_another_worker(point.get_absolute_url())

        page = client.get(point.get_absolute_url()).text
        assert "New summary." in page.split("<main")[1]  # the body, not just the head's tags

    def test_a_reply_to_a_comment(self, client):
        point = make_point()
        comment = make_comment(
            point,
            name="Ann",
            text="It helped.",
            status=CommentStatus.APPROVED,
            report="helped-a-lot",
        )
        client.get(point.get_absolute_url())
        with transaction.atomic():
            comment.reply = "Thank you, Ann."
            comment.save()
            get_in_another_worker(point.get_absolute_url())

        assert "Thank you, Ann." in client.get(point.get_absolute_url()).text

    def test_a_point_set_back_to_draft(self, editor_client):
        point = make_point()
        point.conditions.add(make_condition(name="Sciatica"))
        with transaction.atomic():
            point.status = Status.DRAFT
            point.save()
            get_in_another_worker(point.get_absolute_url())

        assert editor_client.get(point.get_absolute_url()).status_code == 200
        assert Client().get(point.get_absolute_url()).status_code == 404


class TestFoundInReview:
    """Each failed before its fix."""

    @pytest.mark.parametrize("address", ["/?&", "/?&&", "/?comments=", "/points/?area=leg&"])
    def test_another_spelling_of_an_address_is_not_another_cached_copy(self, client, address):
        make_point(body_area="leg")

        response = client.get(address)

        assert "X-Page-Cache" not in response

    def test_a_comment_page_number_has_one_spelling(self, client, commented_point):
        assert client.get(commented_point.get_absolute_url(), {"comments": "02"}).status_code == 404

    def test_a_routine_with_unknown_or_repeated_points_is_not_kept(self, client, point):
        for query in ["points=bl23-shenshu&points=nope", "points=bl23-shenshu&points=bl23-shenshu"]:
            response = client.get(f"{reverse('points:routine')}?{query}")

            assert "X-Page-Cache" not in response, query

    def test_behind_a_site_url_every_host_spelling_shares_one_copy(self, client, point, settings):
        settings.SITE_URL = "https://example.org"
        settings.ALLOWED_HOSTS = ["example.org", "example.org:8443"]
        client.get(point.get_absolute_url(), HTTP_HOST="example.org")

        again = Client().get(point.get_absolute_url(), HTTP_HOST="example.org:8443")

        assert again["X-Page-Cache"] == "hit"

    def test_pages_are_served_when_the_cache_is_down(self, client, editor_client, settings):
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            }
        }
        point = make_point(summary="Before.")

        assert client.get(point.get_absolute_url()).status_code == 200
        point.summary = "After."
        point.save()  # the edit stands, though its pages cannot be marked stale
        assert "After." in client.get(point.get_absolute_url()).text

    def test_a_page_not_kept_in_the_cache_still_gets_a_304(self, client):
        """(A page with the comment form never does: each render has a new form token.)"""
        client.cookies["my_comments"] = "x"  # a reader whose pages are made for them alone
        first = client.get(reverse("points:disclaimer"), HTTP_ACCEPT_ENCODING="gzip")

        again = client.get(
            reverse("points:disclaimer"),
            HTTP_ACCEPT_ENCODING="gzip",
            HTTP_IF_NONE_MATCH=first["ETag"],
        )

        assert again.status_code == 304

    def test_a_cached_page_answers_revalidation_with_a_304(self, client, point):
        first = client.get(point.get_absolute_url())

        again = Client().get(point.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])

        assert (again.status_code, again["X-Page-Cache"]) == (304, "hit")

    def test_the_release_follows_the_settings_pages_show(self, settings):
        from points.page_cache import release

        settings.RELEASE = ""
        release.cache_clear()
        before = release()
        settings.SITE_NAME = "Renamed Site"
        release.cache_clear()

        assert release() != before
        release.cache_clear()

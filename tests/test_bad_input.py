"""Bad input never costs a 500: oversized requests, odd bytes, path traversal and script
injection get a 4xx or a form error, nothing is stored that should not be, and the site answers
normally right after."""

import socket
import urllib.error
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from points.forms import make_token
from points.models import Comment, CommentStatus
from tests.factories import make_article, make_point, make_section
from tests.pages import change_form, form_token, post_comment

pytestmark = pytest.mark.django_db

# From OWASP's XSS filter evasion cheat sheet: each must come out inert.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    '<SCRIPT/XSS SRC="https://xss.example/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<SCRIPT SRC=//xss.example/.j>",
    "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<svg/onload=alert('XSS')>",
    "<BGSOUND SRC=\"javascript:alert('XSS');\">",
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    "<STYLE>@import'https://xss.example/xss.css';</STYLE>",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    '<OBJECT TYPE="text/x-scriptlet" DATA="https://xss.example/scriptlet.html"></OBJECT>',
    '"><script>alert(document.domain)</script>',
    "javascript:alert(1)//https://example.org",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


def site_still_answers(client):
    assert Client().get(reverse("points:home")).status_code == 200


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_script_injection_in_every_comment_field_is_inert(
    client, editor_client, point, settings, payload
):
    settings.COMMENT_MAX_LINKS = 100
    response = post_comment(
        client,
        point,
        name=payload[:80],
        text=f"Before {payload} after",
        email=payload,
        days_tried=payload,
    )
    # The email and day fields refuse it with a form error that keeps the text...
    assert response.status_code == 400
    assert_inert(response.text, payload)
    # ...and the same payload in the free-text fields is stored as text and shown inert.
    post_comment(client, point, name=payload[:80], text=f"Before {payload} after")
    Comment.objects.update(status=CommentStatus.APPROVED)
    pages = [
        Client().get(point.get_absolute_url()).text,
        editor_client.get(reverse("admin:points_comment_changelist")).text,
        editor_client.get(
            reverse("admin:points_comment_change", args=[Comment.objects.get().pk])
        ).text,
    ]
    for html in pages:
        assert_inert(html, payload)
    site_still_answers(client)


def assert_inert(html, payload):
    """The payload appears only escaped, and nothing it contains became a live link."""
    if any(character in payload for character in "<>\"'"):
        assert payload not in html
    assert 'href="javascript:' not in html.lower()
    assert 'src="javascript:' not in html.lower()


def test_more_than_1000_form_fields_is_a_400(client, point):
    fields = "&".join(f"field{number}=x" for number in range(1001))

    response = client.post(
        reverse("points:point-comment", args=[point.slug]),
        fields,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert Comment.objects.count() == 0
    site_still_answers(client)


def test_a_3_mb_urlencoded_body_is_a_413(client, point):
    body = "name=x&text=" + "a" * (3 * 1024 * 1024)

    response = client.post(
        reverse("points:point-comment", args=[point.slug]),
        body,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    assert Comment.objects.count() == 0
    site_still_answers(client)


class EndlessBody:
    """A request body that could go on for ever, counting what the server reads of it."""

    def __init__(self):
        self.bytes_read = 0

    def read(self, size=-1):
        size = 65536 if size is None or size < 0 else size
        self.bytes_read += size
        return b"x" * size

    def readline(self, size=-1):
        return self.read(size if size and size > 0 else 1024)


DECLARED_100_MB = str(100 * 1024 * 1024)


@pytest.mark.parametrize("view", ["points:point-comment", "points:article-comment"])
def test_a_100_mb_multipart_post_is_refused_before_its_body_is_read(client, point, view):
    article = make_article()
    slug = point.slug if view == "points:point-comment" else article.slug
    body = EndlessBody()

    response = client.post(
        reverse(view, args=[slug]),
        CONTENT_TYPE="multipart/form-data; boundary=----bot",
        CONTENT_LENGTH=DECLARED_100_MB,
        **{"wsgi.input": body},
    )

    assert response.status_code == 413
    assert "the most it may be is" in response.text
    assert body.bytes_read == 0
    assert Comment.objects.count() == 0


def test_a_form_body_declared_over_the_forms_limit_is_refused_unread(client, point):
    body = EndlessBody()

    response = client.post(
        reverse("points:point-comment", args=[point.slug]),
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=DECLARED_100_MB,
        **{"wsgi.input": body},
    )

    assert response.status_code == 413
    assert body.bytes_read == 0


def test_a_small_file_part_is_refused_and_nothing_is_stored(client, point, settings):
    page = client.get(point.get_absolute_url()).text
    stored_before = set(settings.MEDIA_ROOT.rglob("*"))
    upload = SimpleUploadedFile("payload.bin", b"x" * 1000)

    response = client.post(
        reverse("points:point-comment", args=[point.slug]),
        {"name": "Bot", "text": "Hello", "token": form_token(page), "file": upload},
    )

    assert response.status_code == 400
    assert "takes no files" in response.text
    assert Comment.objects.count() == 0
    assert set(settings.MEDIA_ROOT.rglob("*")) == stored_before


def test_other_body_types_are_refused(client, point):
    response = client.post(
        reverse("points:point-comment", args=[point.slug]),
        '{"name": "x"}',
        content_type="application/json",
    )

    assert response.status_code == 415


def test_a_person_s_longest_comment_fits_the_limit(client, point):
    page = client.get(point.get_absolute_url()).text
    text = "\N{PILE OF POO}" * 3000  # 4 bytes each in UTF-8, 12 once percent-encoded

    response = client.post(
        reverse("points:point-comment", args=[point.slug]),
        {
            "name": "\N{PILE OF POO}" * 80,
            "email": "reader@example.org",
            "text": text,
            "token": form_token(page),
        },
    )

    assert response.status_code == 303


@pytest.mark.parametrize(
    "url",
    [
        "/points/%00/",
        "/points/%ff%fe/",
        "/points/bl23%00-shenshu/",
        "/search/?q=%00%00",
        "/search/?q=%ff%fe",
        "/points/?area=%00",
        "/points/?condition=%ff",
        "/routine/?points=%00",
        "/routine/?points=%ff",
        "/media/%00.png",
        "/media/points/%ff.png",
    ],
)
def test_nul_and_invalid_utf8_in_paths_and_queries_are_not_a_500(client, point, url):
    response = client.get(url)

    assert response.status_code < 500
    assert response.status_code in {200, 400, 404}
    site_still_answers(client)


@pytest.mark.parametrize("number", ["9" * 30, "-" + "9" * 30, "1e9", "99999999999999999999"])
def test_a_huge_comment_page_number_is_not_found(client, point, number):
    """It was a 500: the number overflowed the database's OFFSET."""
    response = client.get(point.get_absolute_url(), {"comments": number})

    assert response.status_code == 404


def test_nul_and_invalid_utf8_in_forms_are_not_a_500(client, point):
    body = b"name=%00&text=%ff%fe%00&token=" + make_token(point).encode()

    response = client.post(
        reverse("points:point-comment", args=[point.slug]),
        body,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert Comment.objects.count() == 0


# --- Against the real server: gunicorn's limits and whitenoise's static files ------------------


def raw_request(base, request_bytes):
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request_bytes)
        return connection.recv(200).decode("latin-1")


def get(base, path):
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_real_server_refuses_oversized_requests_and_traversal(gunicorn_site):
    base, _ = gunicorn_site
    over_limit_line = b"GET /" + b"a" * 8200 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    over_limit_header = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n"
    too_many_headers = (
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + b"".join(b"X-H%d: 1\r\n" % number for number in range(120))
        + b"\r\n"
    )

    for request in (over_limit_line, over_limit_header, too_many_headers):
        status_line = raw_request(base, request).split("\r\n")[0]
        assert status_line.split(" ")[1] in {"400", "414", "431"}, status_line
        assert get(base, "/") == 200

    traversal = [
        "/static/..%2f..%2facupressure%2fsettings.py",
        "/static/%2e%2e/%2e%2e/acupressure/settings.py",
        "/static/%252e%252e%252f%252e%252e%252fmanage.py",
        "/static/..%5c..%5cmanage.py",
        "/static/css/..%2f..%2f..%2fmanage.py",
        "/media/..%2f..%2fmanage.py",
        "/media/%252e%252e/%252e%252e/manage.py",
        "/media/..%5c..%5cmanage.py",
        "/media/points/..%2f..%2f..%2fmanage.py",
    ]
    for path in traversal:
        assert get(base, path) in {400, 404}, path
    assert get(base, "/") == 200


def test_moderating_a_comment_number_that_is_not_a_number_is_not_a_server_error(
    editor_client, point
):
    response = editor_client.post(reverse("admin:points_comment_moderate"), {"approve": "²"})

    assert response.status_code in {302, 400}


def test_a_comment_form_with_a_superscript_point_number_is_not_a_server_error(db, client):
    article = make_article(title="Back pain", slug="back-pain")
    bl23 = make_point(code="BL23", slug="bl23-shenshu")
    make_section(article, points=[bl23])

    response = post_comment(client, article, outcome="helped", points="²")

    assert response.status_code < 500


def test_an_article_form_with_a_non_number_for_a_sections_point_is_not_a_server_error(
    editor_client, point
):
    article = make_article(title="Back pain", slug="back-pain")
    make_section(article, points=[point])
    url, data = change_form(editor_client, article)

    response = editor_client.post(url, data | {"sections-0-points": ["x"]})

    assert response.status_code == 200  # the form again, saying what to fix

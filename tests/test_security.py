"""Headers, cookies, admin login throttling and the health check."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import make_article, make_point, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    point = make_point()
    article = make_article()
    make_section(article, points=[point])
    return ["/", "/points/", point.get_absolute_url(), article.get_absolute_url(), "/search/?q=bl"]


def test_public_pages_send_a_strict_content_security_policy(client, pages):
    for url in pages:
        policy = client.get(url)["Content-Security-Policy"]

        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["default-src"] == "'none'", url
        assert directives["script-src"] == "'self'", url  # no nonce needed: no inline code
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy


def test_the_admin_gets_a_nonce_for_its_own_inline_code(editor_client):
    response = editor_client.get(reverse("admin:points_point_add"))

    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'nonce="{nonce}"' in response.text


def test_public_pages_send_the_other_security_headers(client, pages):
    response = client.get(pages[2])

    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "geolocation=()" in response["Permissions-Policy"]


def test_anonymous_readers_get_no_cookies(client, pages):
    for url in pages:
        response = client.get(url)
        assert not response.cookies, (url, response.cookies)


def test_production_sends_hsts_redirects_to_https_and_secures_cookies(settings, pages):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client()

    plain = client.get(pages[0])
    secure = client.get(pages[0], HTTP_X_FORWARDED_PROTO="https")

    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    assert secure["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_templates_have_no_inline_styles_or_scripts():
    for template in (settings.BASE_DIR / "templates").rglob("*.html"):
        html = template.read_text()
        assert not re.search(r"\sstyle=", html), template
        assert not re.search(r"<script(?![^>]*\ssrc=)(?![^>]*ld\+json)", html), template
        assert not re.search(r"\son[a-z]+=", html), template


class TestAdminLoginThrottling:
    url = reverse("admin:login")

    def fail(self, client, username="edith", **headers):
        return client.post(self.url, {"username": username, "password": "wrong"}, **headers)

    def test_repeated_failures_lock_the_user_out_with_a_429(self, client, editor, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert self.fail(client).status_code == 200
        locked = self.fail(client)
        right_password = client.post(
            self.url, {"username": "edith", "password": "a-long-test-password"}
        )

        assert locked.status_code == 429
        assert "Too many failed sign-ins" in locked.text
        assert right_password.status_code == 429

    def test_failures_from_elsewhere_never_lock_the_editor_out_at_their_own_address(
        self, editor, settings
    ):
        """Anyone can guess the editor's username; five wrong passwords for it from an
        attacker's address lock out that address, not the editor."""
        attacker = Client(REMOTE_ADDR="198.51.100.66")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.fail(attacker)

        editor_at_home = Client(REMOTE_ADDR="203.0.113.50")
        signed_in = editor_at_home.post(
            self.url, {"username": "edith", "password": "a-long-test-password"}
        )

        assert self.fail(attacker).status_code == 429
        assert signed_in.status_code == 302
        assert editor_at_home.get(reverse("admin:index")).status_code == 200

    def test_one_address_trying_many_usernames_is_locked(self, client, editor, settings):
        for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
            assert self.fail(client, username=f"guess{number}").status_code == 200

        assert self.fail(client, username="someone-else").status_code == 429
        assert self.fail(Client(REMOTE_ADDR="203.0.113.9"), username="x").status_code == 200

    def test_addresses_of_one_ipv6_64_count_as_one(self, editor, settings):
        for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
            self.fail(Client(REMOTE_ADDR=f"2001:db8:7:7::{number + 1:x}"), username=f"g{number}")

        same_network = Client(REMOTE_ADDR="2001:db8:7:7:ffff::1")
        other_network = Client(REMOTE_ADDR="2001:db8:7:8::1")
        assert self.fail(same_network, username="other").status_code == 429
        assert self.fail(other_network, username="other").status_code == 200

    def test_the_address_limit_is_higher_than_the_username_limit(self, settings):
        assert settings.AXES_ADDRESS_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT

    def test_a_spoofed_forwarded_for_changes_nothing(self, client, editor, settings):
        for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
            self.fail(client, username=f"guess{number}", HTTP_X_FORWARDED_FOR=f"10.9.9.{number}")

        assert self.fail(client, username="other", HTTP_X_FORWARDED_FOR="10.1.1.1").status_code == (
            429
        )

    def test_behind_a_trusted_proxy_each_client_address_counts(self, editor, settings):
        settings.PROXY_COUNT = 1
        proxy = Client(REMOTE_ADDR="10.0.0.1")
        for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
            self.fail(proxy, username=f"guess{number}", HTTP_X_FORWARDED_FOR="198.51.100.7")

        other_reader = self.fail(proxy, username="x", HTTP_X_FORWARDED_FOR="203.0.113.8")
        same_attacker = self.fail(proxy, username="y", HTTP_X_FORWARDED_FOR="198.51.100.7")

        assert other_reader.status_code == 200
        assert same_attacker.status_code == 429


def test_health_check_answers_when_the_database_does(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_health_check_answers_plain_http_in_production(settings, pages):
    """A load balancer's plain-HTTP health check gets the answer, not a redirect."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client()

    assert client.get("/healthz").status_code == 200
    assert client.head("/healthz").status_code == 200
    assert client.get(pages[0]).status_code == 301

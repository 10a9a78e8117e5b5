import shutil

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from points.models import Article, Point

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium; Playwright's own browser download is not available here."""
    return browser_type_launch_args | {
        "executable_path": CHROMIUM,
        "args": [
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    }


@pytest.fixture
def demo_site(live_server, transactional_db):
    """The live server with the demo content loaded; returns its base URL."""
    call_command("load_demo_content", verbosity=0)
    return live_server.url


@pytest.fixture
def public_pages(demo_site):
    """{page type: absolute URL} for every public page type."""
    article = Article.objects.get()
    point = Point.objects.get(code="BL40")
    paths = {
        "home": reverse("points:home"),
        "article": article.get_absolute_url(),
        "point": point.get_absolute_url(),
        "point-index": reverse("points:point-index"),
        "author": article.author.get_absolute_url(),
        "disclaimer": reverse("points:disclaimer"),
        "not-found": "/points/no-such-point/",
        "conditions": reverse("points:condition-index"),
        "condition": reverse("points:condition-detail", args=["sciatica"]),
        "body-area": reverse("points:body-area-detail", args=["leg"]),
        "filtered-index": reverse("points:point-index") + "?area=leg&condition=sciatica",
        "search": reverse("points:search") + "?q=UB23",
        "search-nothing": reverse("points:search") + "?q=kidny",
        "routine": reverse("points:routine"),
        "article-routine": article.routine_url(),
    }
    return {name: demo_site + path for name, path in paths.items()}


@pytest.fixture
def editor_login(demo_site, editor):
    """What the `editor` (tests/conftest.py) types to sign in to the live server."""
    return {"username": editor.username, "password": "a-long-test-password"}


def sign_in(page, demo_site, login):
    page.goto(f"{demo_site}/admin/")
    page.get_by_label("Username").fill(login["username"])
    page.get_by_label("Password").fill(login["password"])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Content and comments")).to_be_visible()

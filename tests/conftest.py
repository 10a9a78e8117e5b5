import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from tests.factories import make_image, make_point

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse to
# touch the database from it (SynchronousOnlyOperation).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _commands_cache_dir(tmp_path_factory):
    """Servers and commands the tests start keep their page cache to themselves, away from a
    developer's running site, in pytest's temporary folder (removed after a passing run, see
    tmp_path_retention_policy in pyproject.toml)."""
    os.environ["CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session", autouse=True)
def _jinja2_pages_tell_the_test_client_their_context():
    """`response.context` for the public pages, as Django's test client gives it for pages in
    Django's own template language (it listens to `template_rendered`, which only Django's
    language sends)."""
    from django.template.backends.jinja2 import Template
    from django.test.signals import template_rendered

    render = Template.render

    def render_and_tell(self, context=None, request=None):
        context = {} if context is None else context
        html = render(self, context, request)
        template_rendered.send(sender=self, template=self, context=context)
        return html

    Template.render = render_and_tell
    yield
    Template.render = render


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Plain static storage (no collectstatic needed), uploads in a temporary folder, a fast
    password hasher, and comment forms accepted at machine speed (a test of the spam rule that
    a form sent back within COMMENT_MIN_SECONDS is a bot's sets it back)."""
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.COMMENT_MIN_SECONDS = 0
    cache.clear()  # cached pages must not outlive the test database rows they show


@pytest.fixture
def point():
    """A published point, BL23 Shenshu, with one picture."""
    point = make_point(
        code="BL23",
        slug="bl23-shenshu",
        pinyin="Shenshu",
        summary="Two finger-widths from the spine.",
    )
    make_image(point, alt_text="BL23 beside the spine")
    return point


@pytest.fixture
def editor(django_user_model):
    """A staff user in the Editors group, as `make run` creates one."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username="edith", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(editor):
    """A browser signed in as an editor, separate from the anonymous `client`."""
    editor_client = Client()
    editor_client.force_login(editor)
    return editor_client


@pytest.fixture
def render_client(settings, client):
    """A client whose every request renders its page in full (the page cache is off; the small
    site-wide data pages share, such as the disclaimer, stays cached after first use)."""
    settings.PAGE_CACHE_ENABLED = False
    return client


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn_site(tmp_path):
    """gunicorn with 4 workers on a fresh SQLite file holding the demo content."""
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "CACHE_DIR": str(tmp_path / "cache"),
        "ENV_FILE": "/nonexistent/.env",
        "SECRET_KEY": "concurrency-test-key-" + "x" * 40,
        "COMMENT_MIN_SECONDS": "0",
        "COMMENT_RATE_LIMIT_COUNT": "100000",
        "DJANGO_SETTINGS_MODULE": "acupressure.settings",
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "-v0"], ["load_demo_content", "-v0"], ["collectstatic", "-v0"]):
        subprocess.run(manage + command, cwd=settings.BASE_DIR, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "4",
            "--access-logfile",
            "/dev/null",
            "acupressure.wsgi",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2)  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.1)
        yield base, env
    finally:
        server.terminate()
        server.wait(timeout=20)

import os
import shutil
import tempfile

import pytest
from django.core.cache import cache
from django.test import Client

from scripts import harness

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse to
# touch the database from it (SynchronousOnlyOperation).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Servers and commands the tests start keep their page cache to themselves, away from a
# developer's running site.
os.environ["CACHE_DIR"] = tempfile.mkdtemp(prefix="acupressure-test-cache-")


def pytest_unconfigure(config):
    shutil.rmtree(os.environ["CACHE_DIR"], ignore_errors=True)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Plain static storage (no collectstatic needed), uploads in a temporary folder, and a fast
    password hasher."""
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()  # cached pages must not outlive the test database rows they show


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
    """A client whose every request renders its page in full (the whole-page cache and the page
    fragments are off; the small site-wide data pages share, such as the disclaimer, stays
    cached after first use)."""
    settings.PAGE_CACHE_ENABLED = False
    settings.FRAGMENT_CACHE_ENABLED = False
    return client


@pytest.fixture
def fragment_client(settings, client):
    """A client whose pages are not taken from the whole-page cache, but put together from the
    cached fragments where there are any (points/fragments.py)."""
    settings.PAGE_CACHE_ENABLED = False
    return client


@pytest.fixture
def gunicorn_site(tmp_path):
    """gunicorn with 4 workers on a fresh SQLite file holding the demo content; yields its base
    URL and the environment its commands run with."""
    env = harness.throwaway_env(
        tmp_path, COMMENT_MIN_SECONDS=0, COMMENT_RATE_LIMIT_COUNT=100_000, LOG_LEVEL="WARNING"
    )
    harness.set_up_demo_site(env)
    with harness.gunicorn(env, workers=4, log_path=tmp_path / "gunicorn.log") as server:
        yield server.url, env

import os

import pytest
from django.core.cache import cache
from django.test import Client

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse to
# touch the database from it (SynchronousOnlyOperation).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
    """A client whose every request renders its page afresh (the whole-page cache is off; the
    small site-wide data it shares, such as the disclaimer, stays cached after first use)."""
    settings.PAGE_CACHE_ENABLED = False
    return client

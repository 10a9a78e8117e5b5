import os

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client

from scripts import harness
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
def viewer_client(django_user_model):
    """A browser signed in as staff who may look at points but not change them."""
    user = django_user_model.objects.create_user(username="vic", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_point"))
    viewer = Client()
    viewer.force_login(user)
    return viewer


@pytest.fixture
def render_client(settings, client):
    """A client whose every request renders its page in full (the page cache is off)."""
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

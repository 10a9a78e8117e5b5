"""Settings come from the environment, fail loudly when production would be unsafe, and make
SQLite safe for several server processes."""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

PROJECT_DIR = settings.BASE_DIR


def run_python(code, **env):
    """Run code in a fresh interpreter with Django set up under the given environment."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"))
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "acupressure.settings",
        "ENV_FILE": "/nonexistent/.env",  # a developer's own .env must not change the outcome
        **env,
    }
    setup = "import django; django.setup()\n"
    return subprocess.run(
        [sys.executable, "-c", setup + code],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a-long-random-production-key-" + "k3y" * 12,
    "ALLOWED_HOSTS": "example.org",
    "MAILER_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    "SITE_URL": "https://example.org",
}


# Every setting's value (leaving out the file read, and objects shown by their memory address).
ALL_SETTINGS = (
    "from django.conf import settings\n"
    "values = {name: repr(getattr(settings, name)) for name in dir(settings) if name.isupper()}\n"
    "print({name: value for name, value in values.items()"
    " if name != 'ENV_FILE' and ' at 0x' not in value})"
)


def test_the_example_env_file_copied_as_it_is_changes_nothing(tmp_path):
    """The README and .env.example say: copy it to .env and adjust."""
    env_file = tmp_path / ".env"
    env_file.write_text((PROJECT_DIR / ".env.example").read_text())

    defaults = run_python(ALL_SETTINGS)
    copied = run_python(ALL_SETTINGS, ENV_FILE=str(env_file))

    assert copied.returncode == 0, copied.stderr
    assert copied.stdout == defaults.stdout


def deploy_check(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env={
            key: value
            for key, value in os.environ.items()
            if key != "DJANGO_ALLOW_ASYNC_UNSAFE"  # set for the browser tests only
        }
        | PRODUCTION_ENV
        | {"ENV_FILE": "/nonexistent/.env"}
        | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_passes_djangos_deploy_checks_with_zero_findings():
    result = deploy_check(PROXY_COUNT="1")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deploy_check_warns_behind_a_proxy_with_proxy_count_zero():
    """Every reader would share the proxy's address: one rate limit, one lockout."""
    behind_proxy = deploy_check(BEHIND_HTTPS_PROXY="True", PROXY_COUNT="0")
    no_proxy = deploy_check(BEHIND_HTTPS_PROXY="False", PROXY_COUNT="0")

    assert behind_proxy.returncode != 0
    assert "points.W001" in behind_proxy.stderr + behind_proxy.stdout
    assert "PROXY_COUNT" in behind_proxy.stderr + behind_proxy.stdout
    assert "points.W001" not in no_proxy.stderr + no_proxy.stdout


def test_admin_address_comes_from_the_environment():
    result = run_python(
        "from django.urls import reverse; print(reverse('admin:index'))",
        ADMIN_URL="editors-desk",
    )

    assert result.stdout.strip() == "/editors-desk/"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "example.org"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS must be set"),
        (
            {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org", "DEBUG": "True"},
            "DEBUG must be off",
        ),
        ({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"}, "MAILER_URL must be set"),
        (PRODUCTION_ENV | {"SITE_URL": ""}, "SITE_URL must be set"),
        (PRODUCTION_ENV | {"SITE_URL": "http://example.org"}, "SITE_URL must be set"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(env, message):
    result = run_python("", **env | {"DJANGO_ENV": "production"})

    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_the_required_settings():
    result = run_python(
        "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)",
        **PRODUCTION_ENV | {"ALLOWED_HOSTS": "example.org,www.example.org"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['example.org', 'www.example.org']"


def test_debug_is_off_unless_asked_for():
    result = run_python("from django.conf import settings; print(settings.DEBUG)")

    assert result.stdout.strip() == "False"


def test_database_url_switches_the_database():
    result = run_python(
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['HOST'])",
        DATABASE_URL="postgres://user:secret@db.internal:5432/acupressure",
    )

    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "acupressure",
        "db.internal",
    ]


CONCURRENT_WRITER = """
import sys
from django.db import transaction
from points.models import Condition

worker = sys.argv[1]
for number in range(40):
    # Read, then write, in one transaction: the pattern that deadlocks SQLite's default
    # deferred transactions ("database is locked") when another process writes at once.
    with transaction.atomic():
        count = Condition.objects.count()
        Condition.objects.create(name=f"{worker}-{number}-{count}", slug=f"c-{worker}-{number}")
print("ok")
"""


def test_sqlite_survives_several_processes_writing_at_once(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=PROJECT_DIR,
        env=os.environ | {"DATABASE_URL": database_url},
        check=False,
        capture_output=True,
        text=True,
    )
    assert migrate.returncode == 0, migrate.stderr
    script = tmp_path / "writer.py"
    script.write_text("import django; django.setup()\n" + CONCURRENT_WRITER)
    environment = os.environ | {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "acupressure.settings",
        "PYTHONPATH": str(PROJECT_DIR),
    }

    def write(worker):
        return subprocess.run(
            [sys.executable, str(script), str(worker)],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(write, range(4)))

    assert [result.stderr for result in results if result.returncode] == []
    journal = run_python(
        "from django.db import connection; c = connection.cursor();"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0]);"
        "from points.models import Condition; print(Condition.objects.count())",
        DATABASE_URL=database_url,
    )
    assert journal.stdout.split() == ["wal", "160"]


def test_production_logs_one_json_object_per_line():
    result = run_python(
        "import logging; logging.getLogger('points').warning('Something happened: %s', 42)",
        **PRODUCTION_ENV,
    )

    entry = json.loads(result.stdout.strip().splitlines()[-1])
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "points"
    assert entry["message"] == "Something happened: 42"

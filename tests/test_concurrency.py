"""Nothing acknowledged is lost: many readers posting at once to a real multi-worker server."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

PROJECT_DIR = settings.BASE_DIR


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def gunicorn_site(tmp_path):
    """gunicorn with 4 workers on a fresh SQLite file holding the demo content."""
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "ENV_FILE": "/nonexistent/.env",
        "SECRET_KEY": "concurrency-test-key-" + "x" * 40,
        "COMMENT_MIN_SECONDS": "0",
        "COMMENT_RATE_LIMIT_COUNT": "100000",
        "DJANGO_SETTINGS_MODULE": "acupressure.settings",
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "-v0"], ["load_demo_content", "-v0"], ["collectstatic", "-v0"]):
        subprocess.run(manage + command, cwd=PROJECT_DIR, env=env, check=True)
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
        cwd=PROJECT_DIR,
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


def test_every_acknowledged_comment_is_stored(gunicorn_site):
    base, env = gunicorn_site
    page = urllib.request.urlopen(f"{base}/points/bl23-shenshu/").read().decode()  # noqa: S310
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    opener = urllib.request.build_opener(NoRedirect)

    def send(number):
        body = urllib.parse.urlencode(
            {"name": f"Reader {number}", "text": f"Comment {number}", "token": token}
        ).encode()
        try:
            opener.open(f"{base}/points/bl23-shenshu/comments/", body, timeout=30)
        except urllib.error.HTTPError as response:
            return response.code
        return 200

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(send, range(120)))

    acknowledged = statuses.count(303)
    count = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from points.models import Comment; print(Comment.objects.count())",
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert acknowledged == 120, statuses
    assert int(count.stdout) == acknowledged

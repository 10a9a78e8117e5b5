"""The recommended front, deploy/nginx.conf, started for real on loopback in front of gunicorn:
64 slow clients (a POST's headers, then a byte a second) do not slow /healthz or a page beyond
1 s, as they do when they reach gunicorn directly; nginx serves static files and pictures
itself, refuses oversized bodies and sets the proxy headers."""

import socket
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from scripts.harness import SLOW_POST, SlowClients, nginx, timed_get, timings_under

POINT_PAGE = "/points/bl23-shenshu/"


@pytest.fixture
def nginx_site(gunicorn_site, tmp_path):
    """nginx with deploy/nginx.conf on a free loopback port, in front of `gunicorn_site`: the
    front, gunicorn's port, and the site's environment."""
    upstream, env = gunicorn_site
    upstream_port = urllib.parse.urlsplit(upstream).port
    with nginx(upstream_port, env, tmp_path / "front") as front:
        try:
            yield front, upstream_port, env
        finally:
            print(front.log_tail())  # shown when a test fails


def test_64_slow_clients_do_not_slow_the_site_behind_nginx(nginx_site):
    front, _, _ = nginx_site
    paths = ["/healthz", POINT_PAGE]
    for path in paths:
        timed_get(front.port, path)  # warm: the page cache holds the page, as on a live site

    timings = timings_under(
        SlowClients(front.port, count=64, seconds=8), front.port, paths, rounds=12
    )

    print("answers while 64 slow clients were sending:", timings)
    assert all(len(answers) >= 5 for answers in timings.values()), timings
    assert {status for answers in timings.values() for status, _ in answers} == {200}
    worst = max(seconds for answers in timings.values() for _, seconds in answers)
    assert worst < 1.0, timings


def test_without_the_front_a_few_slow_clients_starve_gunicorn(gunicorn_site):
    """Why the front is needed: the same clients sent straight to gunicorn hold all 4 workers."""
    upstream, _ = gunicorn_site
    port = urllib.parse.urlsplit(upstream).port

    with SlowClients(port, count=8, seconds=4):
        time.sleep(1)
        status, seconds = timed_get(port, "/healthz", timeout=1.5)

    assert status is None or seconds >= 1.0


def test_nginx_serves_files_itself_refuses_large_bodies_and_passes_the_host(nginx_site):
    """One site for several checks: each gunicorn_site takes seconds to build."""
    front, upstream_port, env = nginx_site
    base = front.url
    # A file collectstatic did not write: whitenoise (in gunicorn) has never heard of it.
    (Path(env["STATIC_ROOT"]) / "only-nginx.css").write_text("body{}")
    picture = next(Path(env["MEDIA_ROOT"]).rglob("*.webp")).relative_to(env["MEDIA_ROOT"])
    (Path(env["MEDIA_ROOT"]) / "pictures" / "notes.html").write_text("<script>alert(1)</script>")

    with urllib.request.urlopen(base + "/static/only-nginx.css") as static:  # noqa: S310
        assert static.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert timed_get(upstream_port, "/static/only-nginx.css")[0] == 404
    with urllib.request.urlopen(f"{base}/media/{picture.as_posix()}") as media:  # noqa: S310
        assert media.headers["Content-Type"] == "image/webp"
        assert media.headers["X-Content-Type-Options"] == "nosniff"
        assert media.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert timed_get(front.port, "/media/pictures/notes.html")[0] == 404
    assert timed_get(front.port, "/media/..%2f..%2fmanage.py")[0] in {400, 404}

    # A body over client_max_body_size is refused by nginx, before the site sees it.
    with socket.create_connection(("127.0.0.1", front.port), timeout=5) as sock:
        sock.sendall(SLOW_POST.replace(b"100000", str(100 * 1024 * 1024).encode()))
        assert b" 413 " in sock.recv(200).split(b"\r\n")[0]

    # The canonical link is built from the Host nginx passed on ($host: no port).
    with urllib.request.urlopen(base + POINT_PAGE) as response:  # noqa: S310
        page = response.read().decode()
    assert f'rel="canonical" href="http://127.0.0.1{POINT_PAGE}"' in page

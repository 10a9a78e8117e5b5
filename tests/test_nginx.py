"""The recommended front, deploy/nginx.conf, started for real on loopback in front of gunicorn:
64 slow clients (a POST's headers, then a byte a second) do not slow /healthz or a page beyond
1 s, as they do when they reach gunicorn directly; nginx serves static files and pictures
itself, refuses oversized bodies and sets the proxy headers."""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from scripts.harness import free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # Debian's nginx (make test-tools)
TEMPLATE = settings.BASE_DIR / "deploy" / "nginx.conf"
POINT_PAGE = "/points/bl23-shenshu/"
SLOW_POST = (
    b"POST /points/bl23-shenshu/comments/ HTTP/1.1\r\n"
    b"Host: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: 100000\r\n\r\n"
)


def render(template: str, values: dict) -> str:
    """What envsubst does with the named variables (nginx's own $variables are left alone)."""
    for name, value in values.items():
        template = template.replace("${" + name + "}", value)
    left = re.findall(r"\$\{ACUPRESSURE_\w+\}", template)
    assert not left, left
    return template


@pytest.fixture
def nginx_site(gunicorn_site, tmp_path):
    """nginx with deploy/nginx.conf on a free loopback port, in front of `gunicorn_site`."""
    upstream, env = gunicorn_site
    port = free_port()
    site_conf = tmp_path / "acupressure.conf"
    site_conf.write_text(
        render(
            TEMPLATE.read_text(),
            {
                "ACUPRESSURE_LISTEN": f"127.0.0.1:{port}",
                "ACUPRESSURE_SERVER_NAME": "127.0.0.1",
                "ACUPRESSURE_UPSTREAM": upstream.removeprefix("http://"),
                "ACUPRESSURE_STATIC_ROOT": env["STATIC_ROOT"],
                "ACUPRESSURE_MEDIA_ROOT": env["MEDIA_ROOT"],
            },
        )
    )
    temp = tmp_path / "nginx"
    temp.mkdir()
    # The main context a distribution's nginx.conf provides, kept in the test's folder.
    (tmp_path / "main.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # the test's files are private to it
        + f"daemon off;\nworker_processes 1;\npid {temp}/nginx.pid;\n"
        f"error_log {temp}/error.log warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "  include /etc/nginx/mime.types;\n"
        "  default_type application/octet-stream;\n"
        "  access_log off;\n"
        + "".join(
            f"  {kind}_temp_path {temp}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {site_conf};\n"
        "}\n"
    )
    command = [NGINX, "-p", str(temp), "-c", str(tmp_path / "main.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen(command, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
        yield base, upstream, env
    finally:
        server.terminate()
        server.wait(timeout=20)
        print((temp / "error.log").read_text()[-2000:])  # shown when a test fails


def timed_get(url, timeout=5.0):
    """(status, seconds) of one GET."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = None  # timed out: the site did not answer
    return status, time.monotonic() - started


class SlowClients:
    """`count` clients that each send a comment POST's headers, then one byte of the body about
    every second, for `seconds` (all from one thread: 64 threads would only load the machine)."""

    def __init__(self, base, count, seconds):
        host, port = base.removeprefix("http://").split(":")
        self.address = (host, int(port))
        self.count, self.seconds = count, seconds
        self.connected = 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 10
        while self.connected < self.count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.thread.join(timeout=self.seconds + 15)

    def run(self):
        sockets = []
        try:
            for _ in range(self.count):
                sock = socket.create_connection(self.address, timeout=5)
                sock.sendall(SLOW_POST)
                sockets.append(sock)
                self.connected += 1
            end = time.monotonic() + self.seconds
            while time.monotonic() < end:
                time.sleep(1)
                for sock in sockets:
                    with contextlib.suppress(OSError):  # the server gave up on it: fine
                        sock.send(b"x")
        finally:
            for sock in sockets:
                sock.close()


def worst_latency_under(slow_clients, urls, rounds):
    """The slowest of `rounds` GETs of each url while the slow clients are at it."""
    worst = {}
    with slow_clients:
        for _ in range(rounds):
            for url in urls:
                status, seconds = timed_get(url)
                assert status == 200, (url, status)
                worst[url] = max(worst.get(url, 0), seconds)
            time.sleep(0.5)
    return worst


def test_64_slow_clients_do_not_slow_the_site_behind_nginx(nginx_site):
    base, _, _ = nginx_site
    urls = [base + "/healthz", base + POINT_PAGE]
    for url in urls:
        timed_get(url)  # warm: the page cache holds the page, as on a live site

    worst = worst_latency_under(SlowClients(base, count=64, seconds=8), urls, rounds=12)

    print("slowest answers while 64 slow clients were sending:", worst)
    assert max(worst.values()) < 1.0, worst


def test_without_the_front_a_few_slow_clients_starve_gunicorn(gunicorn_site):
    """Why the front is needed: the same clients sent straight to gunicorn hold all 4 workers."""
    upstream, _ = gunicorn_site

    with SlowClients(upstream, count=8, seconds=4):
        time.sleep(1)
        status, seconds = timed_get(upstream + "/healthz", timeout=1.5)

    assert status is None or seconds >= 1.0


def test_nginx_serves_files_itself_refuses_large_bodies_and_passes_the_host(nginx_site):
    """One site for several checks: each gunicorn_site takes seconds to build."""
    base, upstream, env = nginx_site
    # A file collectstatic did not write: whitenoise (in gunicorn) has never heard of it.
    (Path(env["STATIC_ROOT"]) / "only-nginx.css").write_text("body{}")
    picture = next(Path(env["MEDIA_ROOT"]).rglob("*.webp")).relative_to(env["MEDIA_ROOT"])
    (Path(env["MEDIA_ROOT"]) / "points" / "notes.html").write_text("<script>alert(1)</script>")

    with urllib.request.urlopen(base + "/static/only-nginx.css") as static:  # noqa: S310
        assert static.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert timed_get(upstream + "/static/only-nginx.css")[0] == 404
    with urllib.request.urlopen(f"{base}/media/{picture.as_posix()}") as media:  # noqa: S310
        assert media.headers["Content-Type"] == "image/webp"
        assert media.headers["X-Content-Type-Options"] == "nosniff"
        assert media.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert timed_get(base + "/media/points/notes.html")[0] == 404
    assert timed_get(base + "/media/..%2f..%2fmanage.py")[0] in {400, 404}

    # A body over client_max_body_size is refused by nginx, before the site sees it.
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(SLOW_POST.replace(b"100000", str(100 * 1024 * 1024).encode()))
        assert b" 413 " in sock.recv(200).split(b"\r\n")[0]

    # The canonical link is built from the Host nginx passed on ($host: no port).
    with urllib.request.urlopen(base + POINT_PAGE) as response:  # noqa: S310
        page = response.read().decode()
    assert f'rel="canonical" href="http://127.0.0.1{POINT_PAGE}"' in page

"""With CACHE_URL=redis://..., every worker and machine shares the page cache, and an editor's
save on one makes cached pages stale on all of them."""

import os
import shutil
import socket
import subprocess
import time

import pytest

from scripts import harness


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is missing: make test installs it (apt package redis-server)")
    port = harness.free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def in_another_process(code, redis_url):
    """Run code in a separate Django process (another worker, or another machine)."""
    env = os.environ | {"CACHE_URL": redis_url, "DJANGO_SETTINGS_MODULE": "acupressure.settings"}
    command = [harness.python(), "-c", "import django; django.setup()\n" + code]
    return harness.run(command, env=env, timeout=60, what="python -c").strip()


def test_a_change_in_one_process_is_seen_by_another(redis_url):
    read_version = "from points.page_cache import pages_version; print(pages_version())"
    first = in_another_process(read_version, redis_url)
    same = in_another_process(read_version, redis_url)
    in_another_process("from points.page_cache import pages_changed; pages_changed()", redis_url)
    after_change = in_another_process(read_version, redis_url)

    assert first == same
    assert after_change != first
    backend = in_another_process(
        "from django.core.cache import caches; print(type(caches['default']).__name__)",
        redis_url,
    )
    assert backend == "RedisCache"

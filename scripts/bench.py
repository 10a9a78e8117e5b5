"""Benchmark of the public pages: throughput with and without the page cache, SQL queries per
page, render time at 100x the content, and the weight of a point page.

What it does, on a throwaway copy of the site under /tmp/bench-work/ (fresh SQLite database,
demo content, collectstatic, its own file cache and media folder; DEBUG off, DJANGO_ENV
development, so no HTTPS redirects):

  0. Set-up. One point (BL23) gets 5 pictures (saved through PointImage, as an editor's upload)
     and 200 approved comments with result reports: the heaviest page a reader meets.
  1. Queries: each page type is rendered in full with Django's test client (page cache and
     page fragments off, after one warm-up request) and its SQL queries are counted; then again
     when put together from cached fragments (--show-queries prints them).
  2. Warm: gunicorn (2 workers, 127.0.0.1 only) with the page cache on. wrk measures a static
     file served by whitenoise (the site's CSS) and each page type (home, article, point,
     point index), interleaved over several rounds.
  3. Page weight: the point page's HTML and the CSS and JS it links, gzipped as served, and
     its pictures counted apart.
  4. Cold: the same rounds on a second gunicorn started with PAGE_CACHE_ENABLED=False: every
     request misses the page cache and the page is put together from the cached fragments
     (points/fragments.py), as after a comment is approved or a cached page expires.
     Then, for information, a third gunicorn that renders every page in full (page cache and
     fragments off), as the first request after an editor's save does. Small site-wide data
     (reading order, disclaimer) stays cached in both, as it does in production.
  5. Scale (--scale only): each page type's full render time (test client, page cache and
     fragments off, median of N) with the demo content, then again after seeding 100x the
     content with bulk_create (1,000 points with their names, complaints and references, 100
     articles, 100,000 comments with result reports; no pictures for the generated points).
  6. Lighthouse (--lighthouse only): scripts/lighthouse.sh (mobile preset, as `make
     lighthouse`) against a warm server: the four scores and the largest contentful paint of
     home, the article, the heavy point page, the point index and the disclaimer. Needs
     Chromium and npm (it installs lighthouse into .cache/ on first use).
  It ends with a table of the targets: measured figure, target, PASS/FAIL.

How to run (from the project folder; `make bench` runs the first line):

  .venv/bin/python scripts/bench.py                  # about 3.5 minutes: 5 rounds of 3 s
  .venv/bin/python scripts/bench.py --quick          # about 1 minute: 2 rounds of 2 s
  .venv/bin/python scripts/bench.py --scale          # adds section 5 (about 1 more minute)
  .venv/bin/python scripts/bench.py --lighthouse     # adds section 6 (about 2 more minutes)
  .venv/bin/python scripts/bench.py --show-queries   # also print each page's SQL

What the numbers mean: absolute requests/second depend on the machine and on whatever else it
is doing, so throughput is given as a ratio to the static file measured in the same round on
the same server (a page at 0.8x serves 80% as many requests per second as whitenoise serves a
file). wrk runs on the same machine as gunicorn and takes CPU from it: on a small machine the
absolute figures are low, the ratios remain comparable. p50/p99 are wrk's latency percentiles.
Each round's figures are printed, and each target uses the median ratio over the rounds.

Exit status: 0 when every measurement was made, even if targets FAIL (this is a benchmark, not
a test); 1 when a step could not be done (the scratch folder with the server logs is kept).
Needs wrk (Debian: `apt-get install wrk`). Only 127.0.0.1 is contacted, every step has a time
limit, and every process started is stopped with its whole process group on the way out, also
on Ctrl-C and SIGTERM. It is not part of the test suite and refuses to run inside pytest.
"""

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).resolve()
VENV_PYTHON = PROJECT_DIR / ".venv" / "bin" / "python"
FIXTURE_IMAGES = PROJECT_DIR / "fixtures" / "images"
# Scratch space for the throwaway sites; each run gets its own folder inside (mkdtemp).
WORK_ROOT = Path("/tmp/bench-work")  # noqa: S108 - the agreed scratch place; runs use mkdtemp
HOST = "127.0.0.1"
RESULT_MARKER = "BENCH-RESULT "

HEAVY_POINT = "bl23-shenshu"
HEAVY_POINT_IMAGES = 5
HEAVY_POINT_COMMENTS = 200
PAGES = {
    "home": "/",
    "article": "/articles/acupressure-points-for-back-pain/",
    "point": f"/points/{HEAVY_POINT}/",
    "index": "/points/",
}
# The page types the throughput targets name; the point index is measured and shown as well.
TARGET_PAGES = ("home", "article", "point")

WARM_MIN_RATIO = 0.8
COLD_MIN_RATIO = 0.08
POINT_MAX_QUERIES = 6
SCALE_MAX_RATIO = 1.5
PAGE_WEIGHT_MAX_BYTES = 40 * 1024
LCP_MAX_MS = 1200
LIGHTHOUSE_TARGET = "100 x4, LCP < 1.2 s"
LIGHTHOUSE_SCRIPT = PROJECT_DIR / "scripts" / "lighthouse.sh"

SCALE_FACTOR = 100
SCALE_COMMENTS = 100_000
BATCH_SIZE = 2000

STEP_TIMEOUT = 180
SERVER_START_SECONDS = 60
GRACEFUL_STOP_SECONDS = 25
REQUEST_TIMEOUT = 20


class StepFailed(Exception):
    """A step could not be done: a command failed or overran, a server did not answer."""


@dataclass
class Profile:
    """How long and how hard to measure."""

    rounds: int = 5
    seconds: int = 3
    warmup_seconds: int = 2
    threads: int = 2
    connections: int = 32
    renders: int = 15


@dataclass
class Verdict:
    """One line of the summary table, under the number of the target it belongs to (1 warm,
    2 cold, 3 queries, 4 scale, 5 page weight, 6 Lighthouse). `passed` is None for figures shown for
    information only."""

    target_number: int
    name: str
    measured: str
    target: str
    passed: bool | None

    @property
    def label(self) -> str:
        return {True: "PASS", False: "FAIL", None: "info"}[self.passed]


# --- Processes -------------------------------------------------------------------------------


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL whatever is left of the process's group, and reap the process."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def run(args: list[str], *, env: dict[str, str], timeout: float, what: str) -> str:
    """Run a command to completion in its own process group; its standard output.

    StepFailed on a non-zero exit or when it overruns `timeout` (the whole group is killed)."""
    # A fixed argument list built by this script, never a shell string.
    process = subprocess.Popen(  # noqa: S603
        args,
        env=env,
        cwd=PROJECT_DIR,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise StepFailed(f"{what}: no result after {timeout:.0f} s") from exc
    finally:
        kill_group(process)
    if process.returncode != 0:
        tail = "\n".join((stderr or stdout).strip().splitlines()[-20:])
        raise StepFailed(f"{what}: exit status {process.returncode}\n{tail}")
    return stdout


def python() -> str:
    return str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))


def manage(env: dict[str, str], *args: str) -> str:
    return run([python(), "manage.py", *args], env=env, timeout=STEP_TIMEOUT, what=args[0])


def django_task(env: dict[str, str], task: str, *args: str, timeout: float = STEP_TIMEOUT):
    """Run one of this script's Django tasks (see TASKS) in a child process with `env`; the
    JSON value it printed."""
    stdout = run(
        [python(), str(SCRIPT), "--task", task, *args], env=env, timeout=timeout, what=task
    )
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            return json.loads(line.removeprefix(RESULT_MARKER))
    raise StepFailed(f"{task}: printed no result\n{stdout[-2000:]}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log_path: Path) -> Iterator[int]:
    """gunicorn with the project's config and 2 workers on a free 127.0.0.1 port, in its own
    process group; yields the port. The group gets SIGTERM, then SIGKILL, on the way out."""
    port = free_port()
    command = [python(), "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    command += ["--bind", f"{HOST}:{port}", "--workers", "2", "--access-logfile", "/dev/null"]
    command += ["acupressure.wsgi"]
    with log_path.open("wb") as log:
        # A fixed argument list; start_new_session puts gunicorn and its workers in one group.
        process = subprocess.Popen(  # noqa: S603
            command,
            env=env,
            cwd=PROJECT_DIR,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_ready(port, process, log_path)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=GRACEFUL_STOP_SECONDS)
        kill_group(process)


def wait_until_ready(port: int, process: subprocess.Popen, log_path: Path) -> None:
    end = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < end:
        if process.poll() is not None:
            raise StepFailed(f"gunicorn exited at start-up:\n{log_tail(log_path)}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if fetch(port, "/healthz", timeout=5).status == 200:
                return
        time.sleep(0.2)
    raise StepFailed(f"gunicorn did not answer within {SERVER_START_SECONDS} s")


def report_worker_restarts(log_path: Path) -> None:
    """gunicorn.conf.py recycles workers after max_requests: say how often that happened."""
    with contextlib.suppress(OSError):
        booted = log_path.read_text(errors="replace").count("Booting worker with pid")
        if booted > 2:
            print(f"  gunicorn replaced a worker {booted - 2} times (max_requests recycling)")


def log_tail(path: Path, lines: int = 30) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return "(no log)"


# --- HTTP and wrk ----------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(port: int, path: str, *, gzip: bool = True, timeout: float = REQUEST_TIMEOUT):
    """GET 127.0.0.1:port/path; the body exactly as sent (still compressed, if it was)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip"} if gzip else {})
        answer = connection.getresponse()
        headers = {name.lower(): value for name, value in answer.getheaders()}
        return Response(answer.status, headers, answer.read())
    finally:
        connection.close()


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers plus socket errors

    def line(self) -> str:
        errors = f"  ERRORS {self.errors}" if self.errors else ""
        return (
            f"{self.rps:9.0f} req/s  p50 {self.p50_ms:7.1f} ms  p99 {self.p99_ms:7.1f} ms{errors}"
        )


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> WrkResult:
    def number(pattern: str) -> re.Match:
        match = re.search(pattern, output, re.MULTILINE)
        if not match:
            raise StepFailed(f"unexpected wrk output (no {pattern!r}):\n{output}")
        return match

    def percentile(label: str) -> float:
        match = number(rf"^\s+{label}%\s+([\d.]+)(us|ms|s|m)\s*$")
        return float(match[1]) * UNITS_MS[match[2]]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx[1]) if non_2xx else 0
    errors += sum(int(n) for n in sockets.groups()) if sockets else 0
    return WrkResult(
        rps=float(number(r"^Requests/sec:\s+([\d.]+)")[1]),
        p50_ms=percentile("50"),
        p99_ms=percentile("99"),
        requests=int(number(r"^\s+(\d+) requests in")[1]),
        errors=errors,
    )


def wrk(port: int, path: str, profile: Profile, seconds: int) -> WrkResult:
    command = [wrk_path(), f"-t{profile.threads}", f"-c{profile.connections}", f"-d{seconds}s"]
    command += ["--latency", "--timeout", "10s", "-H", "Accept-Encoding: gzip"]
    command += [f"http://{HOST}:{port}{path}"]
    output = run(command, env=dict(os.environ), timeout=seconds + 30, what=f"wrk {path}")
    drain(port)
    return parse_wrk(output)


def drain(port: int) -> None:
    """Wait until gunicorn has answered the requests wrk left queued when it stopped (slow
    pages leave up to `connections` of them), so they do not weigh on the next measurement:
    a request sent now is answered only after them."""
    with contextlib.suppress(OSError, http.client.HTTPException):
        fetch(port, "/healthz", timeout=REQUEST_TIMEOUT)


def require_lighthouse_tools() -> None:
    """What scripts/lighthouse.sh needs, checked before anything is measured."""
    browsers = ("chromium", "chromium-browser", "google-chrome")
    missing = [tool for tool in ("npm", "curl") if not shutil.which(tool)]
    if not any(shutil.which(browser) for browser in browsers):
        missing.append("chromium")
    if missing:
        raise StepFailed(
            f"--lighthouse needs {', '.join(missing)}: apt-get install -y {' '.join(missing)} "
            "(Debian), then run again"
        )


def wrk_path() -> str:
    path = shutil.which("wrk")
    if not path:
        raise StepFailed("wrk is not installed: apt-get install -y wrk (Debian), then run again")
    return path


# --- The throwaway site ----------------------------------------------------------------------


def site_env(
    workdir: Path, secret_key: str, *, page_cache: bool, fragments: bool = True
) -> dict[str, str]:
    """The environment of every command and server of the run. Everything that could change
    what is measured is set explicitly: gunicorn.conf.py reads the project's .env, and values
    already in the environment win over it."""
    inherited = {k: v for k, v in os.environ.items() if k not in {"GUNICORN_CMD_ARGS"}}
    return inherited | {
        "DJANGO_SETTINGS_MODULE": "acupressure.settings",
        "ENV_FILE": "/nonexistent",
        "DJANGO_ENV": "development",
        "DEBUG": "False",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "CONN_MAX_AGE": "0",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "MEDIA_STORAGE": "filesystem",
        "SERVE_MEDIA": "True",
        "CACHE_URL": "",
        "CACHE_DIR": str(workdir / "cache"),
        "PAGE_CACHE_ENABLED": str(page_cache),
        "FRAGMENT_CACHE_ENABLED": str(fragments),
        "PAGE_CACHE_SECONDS": "600",
        "COMMENTS_PER_PAGE": "20",
        "SITE_URL": "",
        "MAILER_URL": "",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "2",
    }


def prepare_site(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo_content")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    seeded = django_task(env, "seed-heavy-point")
    print(
        f"  {HEAVY_POINT}: {seeded['images']} pictures, {seeded['approved_comments']} approved "
        f"comments with {seeded['reports']} result reports"
    )


# --- Measuring ---------------------------------------------------------------------------------


@dataclass
class ServerRun:
    """One server's interleaved rounds: results[target][round]."""

    label: str
    results: dict[str, list[WrkResult]] = field(default_factory=dict)

    def ratio(self, name: str, number: int) -> float:
        static = self.results["static"][number].rps
        return self.results[name][number].rps / static if static else 0.0

    def median_ratio(self, name: str) -> float:
        return statistics.median(self.ratio(name, n) for n in range(len(self.results[name])))

    def had_errors(self, name: str) -> bool:
        return any(r.errors for r in self.results[name] + self.results["static"])


def check_cache_state(port: int, *, warm: bool) -> None:
    """Warm: the second request of each page must be a page-cache hit. Cold: no page cache."""
    for name, path in PAGES.items():
        fetch(port, path)
        answer = fetch(port, path)
        state = answer.headers.get("x-page-cache", "none")
        expected = "hit" if warm else "none"
        note = "" if state == expected else f"  <-- expected {expected}"
        print(f"  {name:8} {path:45} status {answer.status}, X-Page-Cache {state}{note}")
        if answer.status != 200:
            raise StepFailed(f"{path} answered {answer.status}")


def measure_server(label: str, port: int, static_path: str, profile: Profile) -> ServerRun:
    """Warm up, then rounds of: static file, home, article, point, index (interleaved, so a
    slow spell of the machine hits every target alike)."""
    targets = {"static": static_path} | PAGES
    for path in targets.values():
        wrk(port, path, profile, profile.warmup_seconds)
    server = ServerRun(label, {name: [] for name in targets})
    for number in range(profile.rounds):
        for name, path in targets.items():
            server.results[name].append(wrk(port, path, profile, profile.seconds))
        print(f"  round {number + 1} (machine load average, 1 min: {os.getloadavg()[0]:.1f})")
        for name in targets:
            result = server.results[name][number]
            print(f"    {name:7} {result.line()}  ratio {server.ratio(name, number):5.2f}")
    medians = ", ".join(f"{name} {server.median_ratio(name):.2f}" for name in PAGES)
    print(f"  median ratio to static: {medians}")
    return server


def throughput_verdicts(server: ServerRun, minimum: float, target_number: int) -> list[Verdict]:
    verdicts = []
    for name in PAGES:
        ratio = server.median_ratio(name)
        passed = ratio >= minimum and not server.had_errors(name)
        if name not in TARGET_PAGES:
            passed = None
        errors = " (ERRORS)" if server.had_errors(name) else ""
        verdicts.append(
            Verdict(
                target_number,
                f"{server.label}: {name} req/s / static",
                f"{ratio:.2f}x{errors}",
                f">= {minimum:.2f}x",
                passed,
            )
        )
    return verdicts


@dataclass
class Picture:
    src: str
    candidates: list[str]


class PageLinks(HTMLParser):
    """The stylesheets, scripts and pictures an HTML page links to."""

    def __init__(self) -> None:
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.pictures: list[Picture] = []
        self.figures: list[str] = []  # <image href> inside SVG (the body map's figures)
        self._sources: list[str] | None = None  # srcset URLs of the <picture> being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "link" and "stylesheet" in a.get("rel", "").split() and a.get("href"):
            self.stylesheets.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        elif tag == "picture":
            self._sources = []
        elif tag == "source" and self._sources is not None:
            self._sources += srcset_urls(a.get("srcset", ""))
        elif tag == "img" and a.get("src"):
            candidates = (self._sources or []) + srcset_urls(a.get("srcset", ""))
            self.pictures.append(Picture(a["src"], candidates or [a["src"]]))
        elif tag == "image" and a.get("href"):
            self.figures.append(a["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "picture":
            self._sources = None


def srcset_urls(srcset: str) -> list[str]:
    return [part.split()[0] for part in srcset.split(",") if part.strip()]


def page_links(port: int, path: str) -> PageLinks:
    parser = PageLinks()
    parser.feed(fetch(port, path, gzip=False).body.decode("utf-8", "replace"))
    return parser


def local_path(port: int, url: str) -> str | None:
    """The path of a same-site URL; None for another host (never contacted)."""
    parts = urlsplit(url)
    if parts.netloc and parts.netloc not in {f"{HOST}:{port}", f"localhost:{port}"}:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def transfer_size(port: int, url: str, sizes: dict[str, int]) -> int:
    """Bytes on the wire for url, asking for gzip (whitenoise sends its precompressed copy)."""
    if url not in sizes:
        path = local_path(port, url)
        sizes[url] = len(fetch(port, path).body) if path else 0
    return sizes[url]


def measure_page_weight(port: int) -> list[Verdict]:
    path = PAGES["point"]
    html = fetch(port, path)
    links = page_links(port, path)
    sizes: dict[str, int] = {}
    css = sum(transfer_size(port, url, sizes) for url in links.stylesheets)
    js = sum(transfer_size(port, url, sizes) for url in links.scripts)
    total = len(html.body) + css + js
    encoding = html.headers.get("content-encoding", "none")
    print(
        f"  HTML {len(html.body):,} B (Content-Encoding: {encoding}) + CSS {css:,} B "
        f"({len(links.stylesheets)} file) + JS {js:,} B ({len(links.scripts)} files) "
        f"= {total:,} B = {total / 1024:.1f} KB"
    )

    def picture_bytes(choose) -> int:
        return sum(
            choose(transfer_size(port, u, sizes) for u in p.candidates) for p in links.pictures
        )

    smallest, largest = picture_bytes(min), picture_bytes(max)
    fallbacks = sum(transfer_size(port, p.src, sizes) for p in links.pictures)
    figures = sum(transfer_size(port, url, sizes) for url in set(links.figures))
    print(
        f"  pictures: {len(links.pictures)}; WebP smallest rendition each {smallest:,} B, "
        f"largest each {largest:,} B; <img> fallbacks (PNG) {fallbacks:,} B; body-map "
        f"figures (SVG, gzip) {figures:,} B"
    )
    images = f"{(smallest + figures) / 1024:.0f}-{(largest + figures) / 1024:.0f} KB"
    return [
        Verdict(
            5,
            "point page weight: HTML+CSS+JS gzipped",
            f"{total / 1024:.1f} KB",
            f"<= {PAGE_WEIGHT_MAX_BYTES / 1024:.0f} KB",
            total <= PAGE_WEIGHT_MAX_BYTES,
        ),
        Verdict(5, f"point page images ({len(links.pictures)} pictures + map)", images, "-", None),
    ]


def measure_queries(env: dict[str, str], *, show: bool, label: str = "") -> list[Verdict]:
    """The target is for the page rendered in full; with a `label` the figures are shown for
    information."""
    counts = django_task(env, "queries")
    verdicts = []
    for name, found in counts.items():
        print(f"  {name:8} {found['count']:3} queries (status {found['status']})")
        if show:
            for number, sql in enumerate(found["sql"], start=1):
                print(f"      {number}. {sql}")
        is_point = name == "point" and not label
        verdicts.append(
            Verdict(
                3,
                f"queries: {name} page{f' ({label})' if label else ''}",
                str(found["count"]),
                f"<= {POINT_MAX_QUERIES}" if is_point else "-",
                found["count"] <= POINT_MAX_QUERIES if is_point else None,
            )
        )
    return verdicts


def measure_scale(env: dict[str, str], profile: Profile) -> list[Verdict]:
    renders = str(profile.renders)
    before = django_task(env, "render-times", "--renders", renders)
    seeded = django_task(env, "seed-scale", timeout=900)
    print(
        f"  seeded in {seeded['seconds']:.0f} s: {seeded['points']:,} points, "
        f"{seeded['articles']:,} articles, {seeded['comments']:,} comments, "
        f"{seeded['reports']:,} result reports"
    )
    after = django_task(env, "render-times", "--renders", renders)
    print(f"  full render time, median of {profile.renders} (test client, no page cache):")
    verdicts = []
    for name in PAGES:
        demo, scaled = before[name]["median_ms"], after[name]["median_ms"]
        ratio = scaled / demo
        print(
            f"    {name:8} demo {demo:7.1f} ms   scaled {scaled:7.1f} ms   ratio {ratio:5.2f}x"
            f"   (status {after[name]['status']})"
        )
        verdicts.append(
            Verdict(
                4,
                f"scale: {name} render, 100x / demo",
                f"{ratio:.2f}x ({demo:.0f} -> {scaled:.0f} ms)",
                f"<= {SCALE_MAX_RATIO}x",
                ratio <= SCALE_MAX_RATIO,
            )
        )
    return verdicts


# --- The run -----------------------------------------------------------------------------------


def section(title: str) -> None:
    print(f"\n== {title}", flush=True)


def bench(args: argparse.Namespace, profile: Profile, workdir: Path, verdicts: list[Verdict]):
    secret_key = secrets.token_urlsafe(50)
    warm_env = site_env(workdir, secret_key, page_cache=True)
    cold_env = site_env(workdir, secret_key, page_cache=False)
    full_env = site_env(workdir, secret_key, page_cache=False, fragments=False)
    cpus = os.cpu_count() or 1
    print(
        f"Machine: {cpus} CPU cores. wrk ({profile.threads} threads, {profile.connections} "
        f"connections) runs beside gunicorn (2 workers) and competes with it for CPU"
        f"{' - on so few cores absolute req/s are low' if cpus <= 4 else ''}; compare ratios."
    )
    load = os.getloadavg()
    print(f"Load average now (1/5/15 min): {'/'.join(f'{n:.1f}' for n in load)}")
    if load[0] > cpus / 2:
        print(
            "  NOTE: other programs are using this machine; single rounds will be noisy. Each "
            "ratio pairs a page with the static file of the same round; read the medians."
        )
    print(f"Scratch folder: {workdir}")

    timed(prepare_site, "Set-up: fresh database, demo content, collectstatic", cold_env)
    verdicts += timed(
        measure_queries,
        "Queries per page, rendered in full (test client, page cache and fragments off)",
        full_env,
        show=args.show_queries,
    )
    verdicts += timed(
        measure_queries,
        "Queries per page, put together from fragments (test client, page cache off)",
        cold_env,
        show=args.show_queries,
        label="from fragments",
    )
    verdicts += timed(measure_warm, "Warm: page cache on", warm_env, workdir, profile)
    verdicts += timed(
        measure_cold,
        "Cold: PAGE_CACHE_ENABLED=False (pages put together from fragments)",
        cold_env,
        workdir,
        profile,
    )
    verdicts += timed(
        measure_cold,
        "Full render: PAGE_CACHE_ENABLED=False FRAGMENT_CACHE_ENABLED=False (information)",
        full_env,
        workdir,
        profile,
        label="full render",
    )
    if args.lighthouse:
        verdicts += timed(measure_lighthouse, "Lighthouse (mobile preset)", warm_env, workdir)
    else:
        section("Lighthouse: skipped (run with --lighthouse)")
        verdicts.append(Verdict(6, "lighthouse: 5 page types", "skipped", LIGHTHOUSE_TARGET, None))
    if args.scale:
        verdicts += timed(measure_scale, "Scale: 100x the demo content", full_env, profile)
    else:
        section("Scale: skipped (run with --scale to seed 100x the content and compare)")
        verdicts.append(Verdict(4, "scale: render time, 100x / demo", "skipped", "<= 1.5x", None))


def timed(step, title: str, *args, **kwargs):
    section(title)
    started = time.monotonic()
    result = step(*args, **kwargs)
    print(f"  ({time.monotonic() - started:.0f} s)", flush=True)
    return result


def measure_warm(env: dict[str, str], workdir: Path, profile: Profile) -> list[Verdict]:
    log_path = workdir / "gunicorn-warm.log"
    with gunicorn(env, log_path) as port:
        check_cache_state(port, warm=True)
        static_path = page_links(port, "/").stylesheets[0]
        print(f"  static file: {static_path}")
        print("  point page weight (gzip, as a browser gets it):")
        weight = measure_page_weight(port)
        server = measure_server("warm", port, static_path, profile)
    report_worker_restarts(log_path)
    return throughput_verdicts(server, WARM_MIN_RATIO, 1) + weight


def measure_cold(
    env: dict[str, str], workdir: Path, profile: Profile, *, label: str = "cold"
) -> list[Verdict]:
    """The page cache off; `label` "full render" has the fragments off too, and its figures
    are shown for information (the target is for a page-cache miss)."""
    log_path = workdir / f"gunicorn-{label.replace(' ', '-')}.log"
    with gunicorn(env, log_path) as port:
        check_cache_state(port, warm=False)
        static_path = page_links(port, "/").stylesheets[0]
        server = measure_server(label, port, static_path, profile)
    report_worker_restarts(log_path)
    verdicts = throughput_verdicts(server, COLD_MIN_RATIO, 2)
    if label != "cold":
        for verdict in verdicts:
            verdict.passed = None
    return verdicts


def measure_lighthouse(env: dict[str, str], workdir: Path) -> list[Verdict]:
    """scripts/lighthouse.sh (the same as `make lighthouse`) against a warm server: the scores
    and the largest contentful paint of home, the article, the heavy point page, the index and
    the disclaimer."""
    with gunicorn(env, workdir / "gunicorn-lighthouse.log") as port:
        output = run(
            ["bash", str(LIGHTHOUSE_SCRIPT), f"http://{HOST}:{port}", PAGES["point"]],
            env=dict(os.environ),
            timeout=900,
            what="lighthouse",
        )
    print("\n".join(f"  {line}" for line in output.splitlines()))
    verdicts = []
    for line in output.splitlines()[1:]:  # after the heading
        path, *scores, lcp = line.split()
        name = f"lighthouse: {path}"
        if "-" in scores:  # Chromium failed to load the page three times: no figure to judge
            verdicts.append(Verdict(6, name, "not measured", LIGHTHOUSE_TARGET, None))
            continue
        lcp_ms = float(lcp.removesuffix("ms"))
        passed = all(score == "100" for score in scores) and lcp_ms < LCP_MAX_MS
        measured = f"{'/'.join(scores)}, LCP {lcp_ms:.0f} ms"
        verdicts.append(Verdict(6, name, measured, LIGHTHOUSE_TARGET, passed))
    if not verdicts:
        raise StepFailed(f"lighthouse printed no scores:\n{output}")
    return verdicts


def print_summary(verdicts: list[Verdict]) -> None:
    section("Summary")
    verdicts = sorted(verdicts, key=lambda v: v.target_number)
    width = max(len(v.name) for v in verdicts)
    measured_width = max(len(v.measured) for v in verdicts)
    target_width = max(len(v.target) for v in verdicts)
    heading = f"{'what':{width}}  {'measured':{measured_width}}  {'target':{target_width}}"
    print(f"     {heading}  verdict")
    for v in verdicts:
        mark = "   <== FAIL" if v.passed is False else ""
        print(
            f"  {v.target_number}. {v.name:{width}}  {v.measured:{measured_width}}  "
            f"{v.target:{target_width}}  {v.label}{mark}"
        )
    failed = [v.name for v in verdicts if v.passed is False]
    passed = sum(v.passed is True for v in verdicts)
    print(f"\n  {passed} PASS, {len(failed)} FAIL" + (f": {'; '.join(failed)}" if failed else ""))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="2 rounds of 2 s (about 1 min)")
    parser.add_argument("--scale", action="store_true", help="also measure at 100x the content")
    parser.add_argument(
        "--lighthouse", action="store_true", help="also run Lighthouse on a warm server (2 min)"
    )
    parser.add_argument("--show-queries", action="store_true", help="print each page's SQL")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--rounds", type=int, help="interleaved rounds per server (5)")
    parser.add_argument("--seconds", type=int, help="wrk duration per measurement (3)")
    parser.add_argument("--threads", type=int, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, help="wrk connections (32)")
    parser.add_argument("--renders", type=int, help="renders per page for --scale (15)")
    # Internal: run one Django task in this process (the benchmark starts these itself).
    parser.add_argument("--task", choices=sorted(TASKS), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def profile_from(args: argparse.Namespace) -> Profile:
    profile = Profile(rounds=2, seconds=2, warmup_seconds=1, renders=7) if args.quick else Profile()
    for name in ("rounds", "seconds", "threads", "connections", "renders"):
        value = getattr(args, name)
        if value is not None:
            setattr(profile, name, max(1, value))
    return profile


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.task:
        return run_task(args)
    if "PYTEST_CURRENT_TEST" in os.environ:
        print("bench.py is a benchmark, not a test: not running inside pytest.")
        return 0
    # A TERM (from make, CI) unwinds through the finally blocks that stop every process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    profile = profile_from(args)
    started = time.monotonic()
    WORK_ROOT.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="run-", dir=WORK_ROOT))
    verdicts: list[Verdict] = []
    completed = False
    try:
        wrk_path()
        if args.lighthouse:
            require_lighthouse_tools()
        bench(args, profile, workdir, verdicts)
        completed = True
    except StepFailed as exc:
        print(f"\nBENCHMARK ERROR (not a target failure): {exc}")
    finally:
        if verdicts:
            print_summary(verdicts)
        if completed and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"\n  Scratch folder kept (database, server logs): {workdir}")
        print(f"\nTotal time: {time.monotonic() - started:.0f} s")
    return 0 if completed else 1


# --- Django tasks, run in a child process with the run's environment ---------------------------


def run_task(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acupressure.settings")
    import django

    django.setup()
    result = TASKS[args.task](args)
    print(RESULT_MARKER + json.dumps(result), flush=True)
    return 0


def require_page_cache_off(*, fragments_too: bool = False) -> None:
    from django.conf import settings

    if settings.PAGE_CACHE_ENABLED:
        raise StepFailed("this task must run with PAGE_CACHE_ENABLED=False")
    if fragments_too and settings.FRAGMENT_CACHE_ENABLED:
        raise StepFailed("this task must run with FRAGMENT_CACHE_ENABLED=False")


def task_seed_heavy_point(args: argparse.Namespace) -> dict:
    """Give the heavy point HEAVY_POINT_IMAGES pictures (through the model, as an upload) and
    HEAVY_POINT_COMMENTS approved comments, each with a result report."""
    from django.core.files import File
    from django.db import transaction
    from django.utils import timezone

    from points.models import Comment, CommentStatus, Outcome, Point, PointImage, ResultReport
    from points.page_cache import comments_changed, content_changed

    point = Point.objects.get(slug=HEAVY_POINT)
    others = sorted(path for path in FIXTURE_IMAGES.glob("*.png") if path.stem != point.slug)
    have = point.images.count()
    for position, source in enumerate(others[: HEAVY_POINT_IMAGES - have], start=have):
        picture = PointImage(
            point=point,
            alt_text=f"Benchmark picture {position + 1}: a diagram reused from {source.stem}",
            caption=f"Picture {position + 1} (benchmark data)",
            position=position,
        )
        with source.open("rb") as file:
            picture.image = File(file, name=source.name)
            picture.full_clean()
            picture.save()
    now = timezone.now()
    outcomes = list(Outcome)
    with transaction.atomic():
        comments = Comment.objects.bulk_create(
            Comment(
                point=point,
                name=f"Reader {i}",
                text=comment_text(i, point.code),
                status=CommentStatus.APPROVED,
                client_hash=f"{i:064x}",
                created_at=now - timezone.timedelta(hours=i),
            )
            for i in range(HEAVY_POINT_COMMENTS)
        )
        ResultReport.objects.bulk_create(
            ResultReport(
                comment=comment, point=point, outcome=outcomes[i % 4], days_tried=i % 14 + 1
            )
            for i, comment in enumerate(comments)
        )
    content_changed()
    comments_changed()
    return {
        "images": point.images.count(),
        "approved_comments": Comment.objects.on(point).approved().count(),
        "reports": ResultReport.objects.filter(point=point).count(),
    }


def comment_text(i: int, code: str) -> str:
    """A plausible reader's comment; every tenth has a web address (turned into a link)."""
    text = (
        f"I pressed {code} twice a day for {i % 14 + 1} days, about a minute each side. "
        "The ache in my lower back eased a little in the mornings, less so after sitting."
    )
    return text + (f" My notes: https://example.org/notes/{i}" if i % 10 == 0 else "")


def task_queries(args: argparse.Namespace) -> dict:
    """Each page type's SQL queries, page cache off, after one warm-up request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    require_page_cache_off()
    client = Client(HTTP_HOST=HOST)
    found = {}
    for name, path in PAGES.items():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        found[name] = {
            "status": response.status_code,
            "count": len(queries),
            "sql": [query["sql"] for query in queries.captured_queries],
        }
    return found


def task_render_times(args: argparse.Namespace) -> dict:
    """Median full render time of each page type (test client, page cache and fragments off),
    pages interleaved."""
    from django.test import Client

    require_page_cache_off(fragments_too=True)
    client = Client(HTTP_HOST=HOST)
    statuses = {name: client.get(path).status_code for name, path in PAGES.items()}
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    for _ in range(args.renders or Profile().renders):
        for name, path in PAGES.items():
            started = time.perf_counter()
            client.get(path)
            times[name].append((time.perf_counter() - started) * 1000)
    return {
        name: {"median_ms": statistics.median(times[name]), "status": statuses[name]}
        for name in PAGES
    }


def clone(instance, **changes):
    """An unsaved copy of a model instance with some fields changed."""
    fields = type(instance)._meta.concrete_fields
    values = {f.attname: getattr(instance, f.attname) for f in fields if not f.primary_key}
    return type(instance)(**values | changes)


def task_seed_scale(args: argparse.Namespace) -> dict:
    """SCALE_FACTOR x the demo points and articles (clones, bulk_create, no pictures) and
    SCALE_COMMENTS comments; then the content version changes, as after an editor's save."""
    from django.db import transaction

    from points.models import Article, Comment, Point, ResultReport
    from points.page_cache import comments_changed, content_changed

    started = time.perf_counter()
    with transaction.atomic():
        point_clones = seed_points()
        seed_articles(point_clones)
        seed_comments()
    content_changed()
    comments_changed()
    return {
        "seconds": time.perf_counter() - started,
        "points": Point.objects.count(),
        "articles": Article.objects.count(),
        "comments": Comment.objects.count(),
        "reports": ResultReport.objects.count(),
    }


def seed_points() -> dict[tuple[int, int], int]:
    """Clones 1..SCALE_FACTOR-1 of every point with its names, complaints and references;
    {(original pk, clone number): clone pk}."""
    from points.models import Point, PointAlias, PointReference

    originals = list(Point.objects.prefetch_related("aliases", "citations", "conditions"))
    plan = [(original, k) for k in range(1, SCALE_FACTOR) for original in originals]
    clones = Point.objects.bulk_create(
        [
            clone(p, code=f"{p.code}-{k:02d}", slug=f"{p.slug}-{k:02d}", pinyin=f"{p.pinyin} {k}")
            for p, k in plan
        ],
        batch_size=BATCH_SIZE,
    )
    aliases, citations, conditions = [], [], []
    for (original, _k), copy in zip(plan, clones, strict=True):
        aliases += [clone(a, point_id=copy.pk) for a in original.aliases.all()]
        citations += [clone(c, point_id=copy.pk) for c in original.citations.all()]
        conditions += [
            Point.conditions.through(point_id=copy.pk, condition_id=c.pk)
            for c in original.conditions.all()
        ]
    PointAlias.objects.bulk_create(aliases, batch_size=BATCH_SIZE)
    PointReference.objects.bulk_create(citations, batch_size=BATCH_SIZE)
    Point.conditions.through.objects.bulk_create(conditions, batch_size=BATCH_SIZE)
    return {(original.pk, k): copy.pk for (original, k), copy in zip(plan, clones, strict=True)}


def seed_articles(point_clones: dict[tuple[int, int], int]) -> None:
    """Clones of every article, older than the original, each with its sections linked to the
    same-numbered clones of the original's points."""
    from django.utils import timezone

    from points.models import Article, ArticleReference, ArticleSection

    originals = list(Article.objects.prefetch_related("sections__points", "citations"))
    plan = [(original, k) for k in range(1, SCALE_FACTOR) for original in originals]
    articles = Article.objects.bulk_create(
        [
            clone(
                a,
                slug=f"{a.slug}-{k:02d}",
                title=f"{a.title} ({k})",
                published_at=a.published_at - timezone.timedelta(days=k),
            )
            for a, k in plan
        ],
        batch_size=BATCH_SIZE,
    )
    sections, citations = [], []
    for (original, _k), copy in zip(plan, articles, strict=True):
        sections += [clone(s, article_id=copy.pk) for s in original.sections.all()]
        citations += [clone(c, article_id=copy.pk) for c in original.citations.all()]
    ArticleSection.objects.bulk_create(sections, batch_size=BATCH_SIZE)
    ArticleReference.objects.bulk_create(citations, batch_size=BATCH_SIZE)
    section_plan = [(s, k) for original, k in plan for s in original.sections.all()]
    links = [
        ArticleSection.points.through(
            articlesection_id=copy.pk, point_id=point_clones[(point.pk, k)]
        )
        for (section, k), copy in zip(section_plan, sections, strict=True)
        for point in section.points.all()
    ]
    ArticleSection.points.through.objects.bulk_create(links, batch_size=BATCH_SIZE)


def seed_comments() -> None:
    """SCALE_COMMENTS comments: 90% on points, 10% on articles, round robin; 80% approved,
    15% awaiting moderation, 5% spam; every other comment on a point has a result report."""
    from django.utils import timezone

    from points.models import Article, Comment, CommentStatus, Outcome, Point, ResultReport

    point_ids = list(Point.objects.values_list("pk", "code"))
    article_ids = list(Article.objects.values_list("pk", flat=True))
    statuses = [CommentStatus.APPROVED] * 16 + [CommentStatus.PENDING] * 3 + [CommentStatus.SPAM]
    outcomes = list(Outcome)
    now = timezone.now()
    for start in range(0, SCALE_COMMENTS, 10_000):
        comments = []
        for i in range(start, min(start + 10_000, SCALE_COMMENTS)):
            on_article = i % 10 == 9
            point_id, code = point_ids[i % len(point_ids)]
            comments.append(
                Comment(
                    point_id=None if on_article else point_id,
                    article_id=article_ids[i % len(article_ids)] if on_article else None,
                    name=f"Reader {i}",
                    text=comment_text(i, code),
                    status=statuses[i % len(statuses)],
                    client_hash=f"{i:064x}",
                    created_at=now - timezone.timedelta(minutes=i),
                )
            )
        Comment.objects.bulk_create(comments, batch_size=BATCH_SIZE)
        ResultReport.objects.bulk_create(
            [
                ResultReport(
                    comment_id=c.pk,
                    point_id=c.point_id,
                    outcome=outcomes[n % 4],
                    days_tried=n % 14 + 1,
                )
                for n, c in enumerate(comments)
                if c.point_id and n % 2 == 0
            ],
            batch_size=BATCH_SIZE,
        )


TASKS = {
    "seed-heavy-point": task_seed_heavy_point,
    "queries": task_queries,
    "render-times": task_render_times,
    "seed-scale": task_seed_scale,
}


if __name__ == "__main__":
    sys.exit(main())

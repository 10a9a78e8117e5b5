"""Benchmark of the public pages: throughput with and without the page cache, SQL queries per
page, render time at 100x the content, and the weight of a point page.

What it does, on a throwaway copy of the site under /tmp/bench-work/ (fresh SQLite database,
demo content, collectstatic, its own file cache and media folder; DEBUG off, DJANGO_ENV
development, so no HTTPS redirects), with gunicorn started by scripts/harness.py:

  0. Set-up. One point (BL23) gets 5 pictures and 200 approved comments with result reports,
     the heaviest page a reader meets (`manage.py seed_bench_content --heavy-point`).
  1. Queries: each page type is rendered in full with Django's test client (page cache off,
     after one warm-up request) and its SQL queries are counted (--show-queries prints them).
  2. Warm: gunicorn (2 workers, 127.0.0.1 only) with the page cache on. wrk measures a static
     file served by whitenoise (the site's CSS) and each page type (home, article, point,
     point index), interleaved over several rounds.
  3. Page weight: the point page's HTML and the CSS and JS it links, gzipped as served, and
     its pictures counted apart.
  4. Full render: the same rounds on a second gunicorn started with PAGE_CACHE_ENABLED=False:
     every request renders its page in full, as the first request after an editor's save or
     an approved comment does. Small site-wide data (reading order, disclaimer) stays cached,
     as it does in production.
  5. Scale (--scale only): each page type's full render time (test client, page cache off,
     median of N) with the demo content, then again after `manage.py seed_bench_content
     --scale 100` (1,000 points with their names, complaints and references, 100 articles,
     100,000 comments with result reports; no pictures for the generated points).
  6. Lighthouse (--lighthouse only): scripts/lighthouse.sh (mobile preset, as `make
     lighthouse`) against a warm server: the four scores and the largest contentful paint of
     home, the article, the heavy point page, the point index and the disclaimer. Needs
     Chromium and npm (it installs lighthouse into .cache/ on first use).
  It ends with a table of the targets: measured figure, target, PASS/FAIL.

How to run (from the project folder; `make bench` runs the first line):

  .venv/bin/python scripts/bench.py                  # about 3 minutes: 5 rounds of 3 s
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
Needs wrk (Debian: `apt-get install wrk`; `make bench` installs it). Only 127.0.0.1 is
contacted, every step has a time limit, and every process started is stopped with its whole
process group on the way out, also on Ctrl-C and SIGTERM. It is not part of the test suite and
refuses to run inside pytest.
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
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from harness import (
    HOST,
    PROJECT_DIR,
    HarnessError,
    get,
    gunicorn,
    manage,
    python,
    run,
    set_up_demo_site,
    throwaway_env,
)

SCRIPT = Path(__file__).resolve()
# Scratch space for the throwaway sites; each run gets its own folder inside (mkdtemp).
WORK_ROOT = Path("/tmp/bench-work")  # noqa: S108 - the agreed scratch place; runs use mkdtemp
RESULT_MARKER = "BENCH-RESULT "
GZIP = {"Accept-Encoding": "gzip"}

HEAVY_POINT = "bl23-shenshu"
PAGES = {
    "home": "/",
    "article": "/articles/acupressure-points-for-back-pain/",
    "point": f"/points/{HEAVY_POINT}/",
    "index": "/points/",
}
# Throughput targets, as a ratio to the static file; a page not named is shown for information.
WARM_MIN_RATIOS = {"home": 0.8, "article": 0.8, "point": 0.8}
FULL_RENDER_MIN_RATIOS = {"home": 0.1, "article": 0.05, "point": 0.08, "index": 0.1}
POINT_MAX_QUERIES = 6
SCALE_MAX_RATIO = 1.5
PAGE_WEIGHT_MAX_BYTES = 40 * 1024
LCP_MAX_MS = 1200
LIGHTHOUSE_TARGET = "100 x4, LCP < 1.2 s"
LIGHTHOUSE_SCRIPT = PROJECT_DIR / "scripts" / "lighthouse.sh"

SCALE_FACTOR = 100

STEP_TIMEOUT = 180
REQUEST_TIMEOUT = 20


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
    2 full render, 3 queries, 4 scale, 5 page weight, 6 Lighthouse). `passed` is None for
    figures shown for information only."""

    target_number: int
    name: str
    measured: str
    target: str
    passed: bool | None

    @property
    def label(self) -> str:
        return {True: "PASS", False: "FAIL", None: "info"}[self.passed]


# --- Processes ---------------------------------------------------------------------------------


def django_task(env: dict[str, str], task: str, *args: str, timeout: float = STEP_TIMEOUT):
    """Run one of this script's Django tasks (see TASKS) in a child process with `env`; the
    JSON value it printed."""
    stdout = run(
        [python(), str(SCRIPT), "--task", task, *args], env=env, timeout=timeout, what=task
    )
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            return json.loads(line.removeprefix(RESULT_MARKER))
    raise HarnessError(f"{task}: printed no result\n{stdout[-2000:]}")


def report_worker_restarts(log_path: Path) -> None:
    """gunicorn.conf.py recycles workers after max_requests: say how often that happened."""
    booted = log_path.read_text(errors="replace").count("Booting worker with pid")
    if booted > 2:
        print(f"  gunicorn replaced a worker {booted - 2} times (max_requests recycling)")


def fetch(port: int, path: str, *, gzip: bool = True):
    """GET 127.0.0.1:port/path; the body exactly as sent (still compressed, if it was)."""
    return get(port, path, headers=GZIP if gzip else None, timeout=REQUEST_TIMEOUT)


# --- HTTP and wrk ----------------------------------------------------------------------------


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
            raise HarnessError(f"unexpected wrk output (no {pattern!r}):\n{output}")
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
        fetch(port, "/healthz")


def require_lighthouse_tools() -> None:
    """What scripts/lighthouse.sh needs, checked before anything is measured."""
    browsers = ("chromium", "chromium-browser", "google-chrome")
    missing = [tool for tool in ("npm", "curl") if not shutil.which(tool)]
    if not any(shutil.which(browser) for browser in browsers):
        missing.append("chromium")
    if missing:
        raise HarnessError(
            f"--lighthouse needs {', '.join(missing)}: apt-get install -y {' '.join(missing)} "
            "(Debian), then run again"
        )


def wrk_path() -> str:
    path = shutil.which("wrk")
    if not path:
        raise HarnessError("wrk is not installed: apt-get install -y wrk (Debian), then run again")
    return path


# --- The throwaway site ----------------------------------------------------------------------


def site_env(workdir: Path, secret_key: str, *, page_cache: bool) -> dict[str, str]:
    """The environment of every command and server of the run (scripts/harness.py pins the
    rest); the servers share one SECRET_KEY."""
    return throwaway_env(
        workdir,
        SECRET_KEY=secret_key,
        PAGE_CACHE_ENABLED=page_cache,
        PAGE_CACHE_SECONDS=600,
        # As production runs (the settings' default): each worker keeps its connection. The
        # harness closes it after every request, which cost ~1.5 ms of a point page's ~13.
        CONN_MAX_AGE=600,
        COMMENTS_PER_PAGE=20,
        LOG_LEVEL="WARNING",
    )


def prepare_site(env: dict[str, str]) -> None:
    set_up_demo_site(env, timeout=STEP_TIMEOUT)
    seeded = manage(env, "seed_bench_content", "--disposable", "--heavy-point", HEAVY_POINT)
    print(f"  {seeded.strip()}")


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
    """Warm: the second request of each page must be a page-cache hit. Else: no page cache."""
    for name, path in PAGES.items():
        fetch(port, path)
        answer = fetch(port, path)
        state = answer.headers.get("x-page-cache", "none")
        expected = "hit" if warm else "none"
        note = "" if state == expected else f"  <-- expected {expected}"
        print(f"  {name:8} {path:45} status {answer.status}, X-Page-Cache {state}{note}")
        if answer.status != 200:
            raise HarnessError(f"{path} answered {answer.status}")


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


def throughput_verdicts(
    server: ServerRun, minimums: dict[str, float], target_number: int
) -> list[Verdict]:
    verdicts = []
    for name in PAGES:
        ratio = server.median_ratio(name)
        minimum = minimums.get(name)
        errors = " (ERRORS)" if server.had_errors(name) else ""
        verdicts.append(
            Verdict(
                target_number,
                f"{server.label}: {name} req/s / static",
                f"{ratio:.2f}x{errors}",
                f">= {minimum:.2f}x" if minimum else "-",
                ratio >= minimum and not server.had_errors(name) if minimum else None,
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


def measure_queries(env: dict[str, str], *, show: bool) -> list[Verdict]:
    counts = django_task(env, "queries")
    verdicts = []
    for name, found in counts.items():
        print(f"  {name:8} {found['count']:3} queries (status {found['status']})")
        if show:
            for number, sql in enumerate(found["sql"], start=1):
                print(f"      {number}. {sql}")
        is_point = name == "point"
        verdicts.append(
            Verdict(
                3,
                f"queries: {name} page",
                str(found["count"]),
                f"<= {POINT_MAX_QUERIES}" if is_point else "-",
                found["count"] <= POINT_MAX_QUERIES if is_point else None,
            )
        )
    return verdicts


def measure_scale(env: dict[str, str], profile: Profile) -> list[Verdict]:
    renders = str(profile.renders)
    before = django_task(env, "render-times", "--renders", renders)
    seeded = manage(
        env, "seed_bench_content", "--disposable", "--scale", str(SCALE_FACTOR), timeout=900
    )
    print(f"  {seeded.strip()}")
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
    full_env = site_env(workdir, secret_key, page_cache=False)
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

    timed(prepare_site, "Set-up: fresh database, demo content, collectstatic", full_env)
    verdicts += timed(
        measure_queries,
        "Queries per page, rendered in full (test client, page cache off)",
        full_env,
        show=args.show_queries,
    )
    verdicts += timed(measure_throughput, "Warm: page cache on", "warm", warm_env, workdir, profile)
    verdicts += timed(
        measure_throughput,
        "Full render: PAGE_CACHE_ENABLED=False (every request renders its page)",
        "full render",
        full_env,
        workdir,
        profile,
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


def measure_throughput(label: str, env: dict[str, str], workdir: Path, profile: Profile):
    """One server's rounds; the warm one also weighs the point page."""
    warm = label == "warm"
    log_path = workdir / f"gunicorn-{label.replace(' ', '-')}.log"
    weight = []
    with gunicorn(env, log_path=log_path) as server:
        check_cache_state(server.port, warm=warm)
        static_path = page_links(server.port, "/").stylesheets[0]
        if warm:
            print(f"  static file: {static_path}")
            print("  point page weight (gzip, as a browser gets it):")
            weight = measure_page_weight(server.port)
        measured = measure_server(label, server.port, static_path, profile)
    report_worker_restarts(log_path)
    minimums, number = (WARM_MIN_RATIOS, 1) if warm else (FULL_RENDER_MIN_RATIOS, 2)
    return throughput_verdicts(measured, minimums, number) + weight


def measure_lighthouse(env: dict[str, str], workdir: Path) -> list[Verdict]:
    """scripts/lighthouse.sh (the same as `make lighthouse`) against a warm server: the scores
    and the largest contentful paint of home, the article, the heavy point page, the index and
    the disclaimer."""
    with gunicorn(env, log_path=workdir / "gunicorn-lighthouse.log") as server:
        output = run(
            ["bash", str(LIGHTHOUSE_SCRIPT), server.url, PAGES["point"]],
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
        raise HarnessError(f"lighthouse printed no scores:\n{output}")
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
    except HarnessError as exc:
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


def require_page_cache_off() -> None:
    from django.conf import settings

    if settings.PAGE_CACHE_ENABLED:
        raise HarnessError("this task must run with PAGE_CACHE_ENABLED=False")


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
    """Median full render time of each page type (test client, page cache off), pages
    interleaved."""
    from django.test import Client

    require_page_cache_off()
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


TASKS = {"queries": task_queries, "render-times": task_render_times}


if __name__ == "__main__":
    sys.exit(main())

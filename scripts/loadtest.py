"""Load and fault test of the comment form, on SQLite and (optionally) PostgreSQL.

What it measures, for each database in turn:

A. "1000 comment POSTs at 64 concurrent": a fixed pool of 64 client threads sends 1000 comment
   forms to one point page. Pass: no 5xx, no 4xx, connection errors below 1%, none of the
   comments held as spam, and the database holds exactly as many of the comments as the site
   acknowledged with a 303.
B. "The same while two workers are killed with SIGKILL and the master gets HUP": the same load;
   after ~25% and ~50% of the requests were sent a gunicorn worker is killed with SIGKILL, after
   ~60% the master is sent SIGHUP (reload: new workers, old ones shut down gracefully). Clients
   retry nothing. Pass: no 5xx, no 4xx, no acknowledged (303) comment missing from the database,
   any extra stored comment belongs to a request whose answer was lost with a killed worker,
   and connection errors below 1% of the requests.
C. "A backup taken during the load restores to a database that passes integrity checks with the
   same counts": at ~35% of scenario B `manage.py backup` takes an online backup (SQLite: the
   sqlite3 backup API; PostgreSQL: pg_dump of one snapshot), the comments are counted just
   before and just after it, and once the server has stopped `manage.py restore --yes` puts the
   backup back (it checks integrity, and the row counts against the backup's manifest). Pass:
   the restore succeeds and the restored comment count lies between the two live counts.
D. "A spam bot gets at most 5 of 100 posts into the moderation queue; a person gets through":
   on a second server with the site's spam defaults, once A to C's comments are deleted, a bot
   fetches the point page's form once from the page cache (its token older than the reading
   time) and posts it 100 times at once from 20 addresses (X-Forwarded-For, PROXY_COUNT=1).
   Then a person fetches another page from the page cache, reads for just over
   COMMENT_MIN_SECONDS and posts once. Pass: at most 5 of the bot's comments are stored as
   pending (not spam), every post is answered without a 5xx, and the person's comment gets a
   303 and is stored as pending.
E. "64 slow clients do not push /healthz or a page above 1 s behind nginx": nginx with
   deploy/nginx.conf in front of the same server; 64 clients each send a comment post's headers
   (Content-Length 100000) and then a byte a second for 8 s, while /healthz and the point page
   (from the page cache) are fetched about every half second. Pass: every slow client stays
   connected, every GET is a 200, and none takes 1 s. The same clients are then sent straight
   to gunicorn, for comparison only (no criterion).

Each database gets a fresh set-up (migrate, demo content, collectstatic), its own cache folder
and its own gunicorn (4 workers, bound to 127.0.0.1 on a free port, in its own process group;
scripts/harness.py starts and stops it, and nginx).
The comment defences that would reject synthetic load are relaxed for A to C's server only:
COMMENT_MIN_SECONDS=0, COMMENT_RATE_LIMIT_COUNT, COMMENT_TOKEN_MAX_USES and COMMENT_BRAKE_COUNT
at 1000000 (one token is posted 1000 times). D and E's server keeps the defaults, with the
reading time COMMENT_MIN_SECONDS at 1 s instead of 3 to keep the run short, and PROXY_COUNT=1
as behind nginx. Every step has a timeout and each database has a time budget, so a hung
server fails the run instead of hanging it; every process started is stopped.

WARNING: with --postgres-url URL (or LOADTEST_POSTGRES_URL=URL) the database named in URL is
WIPED (`manage.py flush`), filled with test data and restored over from a backup. Give it a
scratch database, never one holding real data (`make loadtest` makes a throwaway server).

Run it from anywhere (it finds the project from its own path):

    .venv/bin/python scripts/loadtest.py                 # SQLite, 1000 requests, 64 at a time
    .venv/bin/python scripts/loadtest.py --quick         # SQLite, 400 requests, 16 at a time
    .venv/bin/python scripts/loadtest.py --postgres-url postgres://user@127.0.0.1:5432/scratch

The exit status is 0 only if every criterion passed on every database.
"""

import argparse
import contextlib
import html
import http.client
import json
import math
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness import (
    HOST,
    HarnessError,
    Server,
    SlowClients,
    get,
    gunicorn,
    manage,
    nginx,
    set_up_demo_site,
    throwaway_env,
    timed_get,
    timings_under,
)

POINT_PATH = "/points/bl23-shenshu/"
TOKEN_RE = re.compile(r'name="token"[^>]*?value="([^"]*)"|value="([^"]*)"[^>]*?name="token"')

# Each database must be done in about four minutes even if the server hangs: the work gets
# WORK_BUDGET_SECONDS (a request in flight may overrun it by REQUEST_TIMEOUT_SECONDS at most);
# stopping gunicorn (TERM, then KILL after its grace period) comes after.
WORK_BUDGET_SECONDS = 200
REQUEST_TIMEOUT_SECONDS = 15
SERVER_START_SECONDS = 40
MAX_CONNECTION_ERROR_RATE = 0.01
# When, as a fraction of the requests sent, scenario B acts on the server.
KILL_AT = (0.25, 0.50)
BACKUP_AT = 0.35
HUP_AT = 0.60
# Scenario D: the bot's posts and addresses, and how many of its posts may reach the queue. The
# server of D and E keeps the site's spam defaults but for COMMENT_MIN_SECONDS, the reading
# time (3 s by default), lowered so that the person of D reads for about a second.
BOT_POSTS = 100
BOT_ADDRESSES = 20
BOT_MAX_QUEUED = 5
READING_SECONDS = 1
PERSON_PAGE = "/points/bl52-zhishi/"
# Scenario E: the slow clients, how long they send, and what must answer within 1 s meanwhile.
SLOW_CLIENTS = 64
SLOW_SECONDS = 8
SLOW_ROUNDS = 12  # rounds of GETs of LATENCY_PATHS, one about every 0.5 s plus their time
LATENCY_PATHS = ["/healthz", POINT_PATH]
MAX_LATENCY_SECONDS = 1.0
# The same against gunicorn alone, for comparison: one round, each GET waiting this long at most.
ALONE_SECONDS = 6
ALONE_TIMEOUT_SECONDS = 2.0


class Deadline:
    """The time left for one database; every wait is capped by it."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def passed(self) -> bool:
        return self.remaining() <= 0

    def timeout(self, cap: float) -> float:
        """min(cap, time left); raises HarnessError when the budget is spent."""
        left = self.remaining()
        if left <= 0:
            raise HarnessError("time budget for this database is spent")
        return min(cap, left)


# --- Commands --------------------------------------------------------------------------------


def django(env: dict[str, str], deadline: Deadline, code: str):
    """Run Python `code` in a Django shell with `env`; the JSON value it printed last."""
    output = manage(env, "shell", "--no-imports", "-c", code, timeout=deadline.timeout(60))
    return json.loads(output.strip().splitlines()[-1])


def stored_texts(env: dict[str, str], deadline: Deadline, prefix: str) -> list[str]:
    """The texts of the stored comments starting with `prefix`, read through Django."""
    return django(
        env,
        deadline,
        "import json; from points.models import Comment; print(json.dumps(list("
        f"Comment.objects.filter(text__startswith={prefix!r}).values_list('text', flat=True))))",
    )


def stored_count(
    env: dict[str, str], deadline: Deadline, prefix: str = "", *, status: str | None = None
) -> int:
    """How many stored comments start with `prefix` (and have `status`), counted by Django."""
    filters = f"text__startswith={prefix!r}" + (f", status={status!r}" if status else "")
    code = f"from points.models import Comment; print(Comment.objects.filter({filters}).count())"
    return django(env, deadline, code)


# --- HTTP load ---------------------------------------------------------------------------------


def form_token(port: int, deadline: Deadline, path: str = POINT_PATH) -> tuple[str, str]:
    """The hidden `token` of the comment form on the page at `path`, and whether the page came
    from the page cache (its X-Page-Cache header: "hit" or "miss")."""
    try:
        page = get(port, path, timeout=deadline.timeout(REQUEST_TIMEOUT_SECONDS))
    except (OSError, http.client.HTTPException) as exc:
        raise HarnessError(f"GET {path}: {type(exc).__name__}: {exc}") from exc
    match = TOKEN_RE.search(page.body.decode("utf-8", "replace"))
    if page.status != 200 or not match:
        raise HarnessError(f"GET {path}: status {page.status}, form token found: {bool(match)}")
    token = html.unescape(match.group(1) or match.group(2))
    return token, page.headers.get("x-page-cache", "none")


@dataclass
class LoadResult:
    """What the clients saw: one outcome per request (a status code or an error name)."""

    planned: int
    outcomes: dict[str, int | str] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    samples: dict[int, str] = field(default_factory=dict)

    @property
    def statuses(self) -> Counter[int]:
        return Counter(o for o in self.outcomes.values() if isinstance(o, int))

    @property
    def errors(self) -> Counter[str]:
        return Counter(o for o in self.outcomes.values() if isinstance(o, str))

    @property
    def sent(self) -> int:
        return len(self.outcomes)

    def texts_with(self, predicate: Callable[[int | str], bool]) -> set[str]:
        return {text for text, outcome in self.outcomes.items() if predicate(outcome)}

    @property
    def accepted(self) -> int:
        return self.statuses[303]

    @property
    def client_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if 400 <= code < 500)

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if code >= 500)

    @property
    def connection_errors(self) -> int:
        return sum(self.errors.values())

    def percentile_ms(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] * 1000


def post_comment(
    port: int, token: str, text: str, timeout: float, *, page: str = POINT_PATH, address: str = ""
) -> tuple[int, str]:
    """Post a comment on `page`; `address` is sent as X-Forwarded-For (a server with
    PROXY_COUNT=1 takes it for the client's address)."""
    body = urllib.parse.urlencode({"name": "Load test", "text": text, "token": token})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if address:
        headers["X-Forwarded-For"] = address
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("POST", f"{page}comments/", body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(2000).decode("utf-8", "replace")
    finally:
        connection.close()


Milestone = tuple[float, Callable[[], None]]


def run_load(
    port: int,
    prefix: str,
    token: str,
    deadline: Deadline,
    *,
    requests: int,
    concurrency: int,
    milestones: Sequence[Milestone] = (),
    address: Callable[[int], str] = lambda index: "",
) -> LoadResult:
    """Send `requests` comment POSTs to the point page from a fixed pool of `concurrency`
    threads with the form `token`, no retries; request `index` has the text prefix + index and
    comes from `address(index)` (sent as X-Forwarded-For; "" for none).

    Each milestone's action runs, in order on one director thread, once that fraction of the
    requests has been sent. Latencies are those of answered requests."""
    result = LoadResult(planned=requests)
    lock = threading.Lock()
    next_index = 0
    finished = threading.Event()

    def client() -> None:
        nonlocal next_index
        while not deadline.passed():
            with lock:
                index, next_index = next_index, next_index + 1
            if index >= requests:
                return
            text = f"{prefix}{index}"
            started = time.monotonic()
            try:
                timeout = min(REQUEST_TIMEOUT_SECONDS, max(deadline.remaining(), 1))
                status, body = post_comment(port, token, text, timeout, address=address(index))
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    result.outcomes[text] = type(exc).__name__
                continue
            with lock:
                result.outcomes[text] = status
                result.latencies.append(time.monotonic() - started)
                if status != 303:
                    result.samples.setdefault(status, body[:300])

    def director() -> None:
        for fraction, action in sorted(milestones, key=lambda m: m[0]):
            while next_index < fraction * requests:
                if finished.wait(0.002):
                    return
            action()

    started = time.monotonic()
    clients = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    acting = threading.Thread(target=director, daemon=True)
    acting.start()
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(timeout=max(deadline.remaining(), 0) + REQUEST_TIMEOUT_SECONDS + 5)
    result.elapsed = time.monotonic() - started
    finished.set()
    acting.join(timeout=30)
    return result


def comment_load(
    port: int,
    prefix: str,
    args: argparse.Namespace,
    deadline: Deadline,
    milestones: Sequence[Milestone] = (),
) -> LoadResult:
    """A and B's load: `args.requests` POSTs at `args.concurrency`, all with the one form token
    of the point page, from one address."""
    token, _ = form_token(port, deadline)
    return run_load(
        port,
        prefix,
        token,
        deadline,
        requests=args.requests,
        concurrency=args.concurrency,
        milestones=milestones,
    )


# --- Databases ---------------------------------------------------------------------------------


@dataclass
class Target:
    """A database to test: a new SQLite file, or the PostgreSQL database named in `url`."""

    label: str
    url: str
    workdir: Path

    @property
    def display_url(self) -> str:
        """The URL without its password."""
        parts = urllib.parse.urlsplit(self.url)
        if not parts.password:
            return self.url
        return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()


def database_name(url: str) -> str:
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path.lstrip("/"))


@dataclass
class RestoreCheck:
    before: int
    after: int
    seconds: float
    restored: int | None = None
    integrity: str = "not checked"
    integrity_ok: bool = False


# The synthetic load of A and B posts at once, one form from one address: A to C's server
# relaxes the spam defences that would hold it.
RELAXED_SPAM_DEFENCES = {
    "COMMENT_MIN_SECONDS": 0,
    "COMMENT_RATE_LIMIT_COUNT": 1_000_000,
    "COMMENT_TOKEN_MAX_USES": 1_000_000,
    "COMMENT_BRAKE_COUNT": 1_000_000,
}


def site_env(target: Target, **settings: object) -> dict[str, str]:
    """The environment of manage.py runs and of gunicorn, with `settings` (scripts/harness.py
    keeps a developer's .env out, so the test server is the same everywhere)."""
    return throwaway_env(
        target.workdir,
        DATABASE_URL=target.url,
        LOG_LEVEL="INFO",
        LOG_FORMAT="plain",
        SECURE_SSL_REDIRECT=False,
        BEHIND_HTTPS_PROXY=False,
        PYTHONUNBUFFERED=1,
        **settings,
    )


def defaults_env(target: Target) -> dict[str, str]:
    """The environment of the server of D and E: the site as deployed behind one proxy (nginx,
    or the bot's own X-Forwarded-For), its spam defences at their defaults but for the reading
    time, and a page cache of its own (A and B's filled the other)."""
    return site_env(
        target,
        PROXY_COUNT=1,
        COMMENT_MIN_SECONDS=READING_SECONDS,
        CACHE_DIR=target.workdir / "cache-defaults",
    )


# --- Scenarios and report ------------------------------------------------------------------


@dataclass
class Criterion:
    name: str
    passed: bool
    detail: str = ""


@dataclass
class ScenarioReport:
    title: str
    load: LoadResult | None = None
    stored: int | None = None
    figures: list[str] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.criteria) and all(c.passed for c in self.criteria)


@dataclass
class DatabaseReport:
    label: str
    scenarios: list[ScenarioReport] = field(default_factory=list)
    failure: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return (
            not self.failure and len(self.scenarios) == 5 and all(s.passed for s in self.scenarios)
        )


def load_criteria(load: LoadResult, spam: int) -> list[Criterion]:
    error_rate = load.connection_errors / load.planned
    return [
        Criterion("none held as spam (form token accepted)", spam == 0, f"{spam} stored as spam"),
        Criterion("all requests sent in time", load.sent == load.planned, f"{load.sent} sent"),
        Criterion("zero 5xx", load.server_errors == 0, f"{load.server_errors} 5xx"),
        Criterion("zero 4xx (the load is valid)", load.client_errors == 0, f"{load.client_errors}"),
        Criterion(
            f"connection errors < {MAX_CONNECTION_ERROR_RATE:.0%}",
            error_rate < MAX_CONNECTION_ERROR_RATE,
            f"{load.connection_errors} ({error_rate:.2%})",
        ),
    ]


def scenario_a(
    server: Server, env: dict[str, str], args: argparse.Namespace, deadline: Deadline
) -> ScenarioReport:
    report = ScenarioReport(f"A: {args.requests} comment POSTs at {args.concurrency} concurrent")
    load = comment_load(server.port, "load-A-", args, deadline)
    report.load = load
    report.stored = stored_count(env, deadline, "load-A-")
    spam = stored_count(env, deadline, "load-A-", status="spam")
    report.criteria = [
        *load_criteria(load, spam),
        Criterion(
            "stored == accepted",
            report.stored == load.accepted,
            f"{report.stored} stored, {load.accepted} accepted",
        ),
    ]
    return report


@dataclass
class Faults:
    """Scenario B's actions on the server and the backup of scenario C, and what they did."""

    server: Server
    env: dict[str, str]
    workdir: Path
    deadline: Deadline
    killed: list[int] = field(default_factory=list)
    hup_sent: bool = False
    notes: list[str] = field(default_factory=list)
    backup_path: Path | None = None
    backup_check: RestoreCheck | None = None
    backup_error: str = ""
    backup_thread: threading.Thread | None = None

    def kill_a_worker(self) -> None:
        candidates = [pid for pid in self.server.worker_pids() if pid not in self.killed]
        if not candidates:
            self.notes.append("no worker to kill")
            return
        victim = candidates[0]
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
            self.killed.append(victim)

    def hup_master(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.server.master_pid, signal.SIGHUP)
            self.hup_sent = True

    def start_backup(self) -> None:
        self.backup_thread = threading.Thread(target=self.take_backup, daemon=True)
        self.backup_thread.start()

    def take_backup(self) -> None:
        try:
            before = stored_count(self.env, self.deadline)
            started = time.monotonic()
            output = self.workdir / "backups"
            manage(self.env, "backup", "--output", str(output), timeout=self.deadline.timeout(90))
            seconds = time.monotonic() - started
            (self.backup_path,) = output.glob("backup-*")
            after = stored_count(self.env, self.deadline)
            self.backup_check = RestoreCheck(before, after, seconds=seconds)
        except (HarnessError, OSError, ValueError) as exc:
            self.backup_error = f"{type(exc).__name__}: {exc}"

    def wait_for_backup(self) -> None:
        if self.backup_thread:
            self.backup_thread.join(timeout=max(self.deadline.remaining(), 1))
            if self.backup_thread.is_alive():
                self.backup_error = "the backup did not finish in time"


def scenario_b(
    server: Server,
    target: Target,
    env: dict[str, str],
    args: argparse.Namespace,
    deadline: Deadline,
) -> tuple[ScenarioReport, Faults]:
    report = ScenarioReport(
        f"B: {args.requests} POSTs at {args.concurrency} concurrent, 2 workers SIGKILLed, "
        "master SIGHUPed"
    )
    faults = Faults(server, env, target.workdir, deadline)
    milestones: list[Milestone] = [
        (KILL_AT[0], faults.kill_a_worker),
        (BACKUP_AT, faults.start_backup),
        (KILL_AT[1], faults.kill_a_worker),
        (HUP_AT, faults.hup_master),
    ]
    load = comment_load(server.port, "load-B-", args, deadline, milestones)
    faults.wait_for_backup()
    report.load = load
    texts = set(stored_texts(env, deadline, "load-B-"))
    report.stored = len(texts)
    spam = stored_count(env, deadline, "load-B-", status="spam")
    acknowledged = load.texts_with(lambda outcome: outcome == 303)
    unanswered = load.texts_with(lambda outcome: isinstance(outcome, str))
    missing = acknowledged - texts
    extra = texts - acknowledged
    unexplained = extra - unanswered
    report.figures = [
        f"worker kills done: {len(faults.killed)} (pids {faults.killed}), "
        f"master SIGHUP sent: {'yes' if faults.hup_sent else 'no'}"
        + (f", notes: {'; '.join(faults.notes)}" if faults.notes else ""),
        f"stored without a 303 (answer lost with a killed worker): {len(extra - unexplained)}",
    ]
    report.criteria = [
        *load_criteria(load, spam),
        Criterion(
            "stored == accepted (no acknowledged comment missing, no unexplained extra)",
            not missing and not unexplained,
            f"{report.stored} stored, {load.accepted} accepted, {len(missing)} acknowledged "
            f"missing, {len(unexplained)} stored for a request that got a 4xx/5xx",
        ),
        Criterion("2 workers killed", len(faults.killed) == 2, f"{len(faults.killed)} killed"),
        Criterion("master got SIGHUP", faults.hup_sent),
    ]
    return report, faults


def scenario_c(env: dict[str, str], faults: Faults, deadline: Deadline) -> ScenarioReport:
    report = ScenarioReport("C: backup taken during B restores with integrity and the same counts")
    check = faults.backup_check
    if check is None or faults.backup_path is None:
        report.criteria = [Criterion("backup taken", False, faults.backup_error or "not taken")]
        return report
    started = time.monotonic()
    try:
        restored = manage(
            env, "restore", str(faults.backup_path), "--yes", timeout=deadline.timeout(120)
        )
        check.integrity_ok = "Everything matches the backup's manifest" in restored
        check.integrity = "manage.py restore: integrity checked, counts match the manifest"
        check.restored = stored_count(env, deadline)
    except HarnessError as exc:
        check.integrity = f"manage.py restore failed: {exc}"
    manifest = json.loads((faults.backup_path / "manifest.json").read_text())
    size = (faults.backup_path / manifest["database_file"]).stat().st_size
    report.figures = [
        f"backup: {size / 1024:.0f} KiB in {check.seconds * 1000:.0f} ms; restore and checks "
        f"{(time.monotonic() - started) * 1000:.0f} ms",
        f"comments in the live database just before the backup: {check.before}, "
        f"just after: {check.after}, in the restored copy: {check.restored}",
    ]
    in_range = check.restored is not None and check.before <= check.restored <= check.after
    report.criteria = [
        Criterion("backup taken during the load", True),
        Criterion("restored database passes integrity checks", check.integrity_ok, check.integrity),
        Criterion(
            "before <= restored <= after",
            in_range,
            f"{check.before} <= {check.restored} <= {check.after}",
        ),
    ]
    return report


# --- D and E: the site's own defences, on a server with their defaults ----------------------


def stored_by_outcome(env: dict[str, str], deadline: Deadline, prefix: str) -> Counter[str]:
    """How many stored comments starting with `prefix` have each status ("spam: its reason",
    with any number in the reason as N)."""
    code = (
        "import json; from points.models import Comment; print(json.dumps(list("
        f"Comment.objects.filter(text__startswith={prefix!r})"
        ".values_list('status', 'spam_reason'))))"
    )
    rows = django(env, deadline, code)
    return Counter(
        f"{status}: {re.sub(r'[0-9]+', 'N', reason)}" if reason else status
        for status, reason in rows
    )


def scenario_d(server: Server, env: dict[str, str], deadline: Deadline) -> ScenarioReport:
    report = ScenarioReport(
        f"D: a spam bot posts one form {BOT_POSTS} times at once from {BOT_ADDRESSES} addresses; "
        "a person reads a page and posts once (the site's spam defaults)"
    )
    # The queue as a bot finds it, empty: A and B's comments would trip the site-wide brake.
    cleared = django(
        env, deadline, "from points.models import Comment; print(Comment.objects.all().delete()[0])"
    )
    # Readers open both pages first, so the bot and the person get copies from the page cache
    # whose token is older than the reading time: the bot is not stopped for posting too fast.
    for page in (POINT_PATH, PERSON_PAGE):
        form_token(server.port, deadline, page)
    time.sleep(READING_SECONDS + 0.2)
    token, bot_copy = form_token(server.port, deadline)
    bot = run_load(
        server.port,
        "spam-bot-",
        token,
        deadline,
        requests=BOT_POSTS,
        concurrency=BOT_ADDRESSES,
        address=lambda index: f"198.51.100.{index % BOT_ADDRESSES + 1}",
    )
    token, person_copy = form_token(server.port, deadline, PERSON_PAGE)
    time.sleep(READING_SECONDS + 0.2)
    person_status, _ = post_comment(
        server.port,
        token,
        "spam-person: pressing BL52 eased my back.",
        deadline.timeout(REQUEST_TIMEOUT_SECONDS),
        page=PERSON_PAGE,
        address="192.0.2.8",
    )
    outcomes = stored_by_outcome(env, deadline, "spam-bot-")
    queued = outcomes["pending"]
    person = stored_by_outcome(env, deadline, "spam-person:")
    report.load = bot
    report.stored = outcomes.total()
    report.figures = [
        f"rows deleted first (A and B's comments and their reports): {cleared}",
        f"the bot's page came from the page cache: {bot_copy}; the person's: {person_copy}",
        f"bot: {queued} of {BOT_POSTS} in the moderation queue as non-spam (pending), "
        f"{outcomes.total() - queued} held as spam",
        *(f"  {n} {outcome}" for outcome, n in outcomes.most_common() if outcome != "pending"),
        f"person: answered {person_status}, stored as {', '.join(person) or 'nothing'}",
    ]
    report.criteria = [
        Criterion(
            f"bot: at most {BOT_MAX_QUEUED} of {BOT_POSTS} queued as non-spam",
            queued <= BOT_MAX_QUEUED,
            f"{queued} pending",
        ),
        Criterion(
            "bot: every post answered without a 5xx",
            bot.sent == BOT_POSTS and not bot.server_errors and not bot.connection_errors,
            f"{bot.sent} sent, {bot.server_errors} 5xx, {bot.connection_errors} connection errors",
        ),
        Criterion(
            "person: accepted (303) and queued as pending",
            person_status == 303 and person == Counter(pending=1),
            f"{person_status}, {dict(person)}",
        ),
    ]
    return report


def latency_figure(label: str, timings: dict[str, list[tuple[int | None, float]]]) -> str:
    """One line: for each path, how many GETs got a 200 in time, and the slowest."""
    parts = []
    for path, answers in timings.items():
        worst = max((seconds for _, seconds in answers), default=float("nan"))
        answered = sum(status == 200 for status, _ in answers)
        parts.append(f"{path} {answered} of {len(answers)} answered 200, slowest {worst:.3f} s")
    return f"{label}: {'; '.join(parts)}"


def scenario_e(
    server: Server, env: dict[str, str], folder: Path, deadline: Deadline
) -> ScenarioReport:
    report = ScenarioReport(
        f"E: {SLOW_CLIENTS} slow clients (a POST's headers with Content-Length 100000, then a "
        f"byte a second for {SLOW_SECONDS} s) against nginx (deploy/nginx.conf) and gunicorn"
    )
    if deadline.remaining() < SLOW_SECONDS + ALONE_SECONDS + 30:
        raise HarnessError("too little of the time budget left for the slow clients")
    with nginx(server.port, env, folder) as front:
        for path in LATENCY_PATHS:
            timed_get(front.port, path)  # the page cache holds the page, as on a live site
        slow = SlowClients(front.port, SLOW_CLIENTS, SLOW_SECONDS)
        behind_nginx = timings_under(slow, front.port, LATENCY_PATHS, rounds=SLOW_ROUNDS)
    # For comparison only: the same clients sent straight to gunicorn's 4 workers.
    alone = timings_under(
        SlowClients(server.port, SLOW_CLIENTS, ALONE_SECONDS),
        server.port,
        LATENCY_PATHS,
        rounds=1,
        timeout=ALONE_TIMEOUT_SECONDS,
    )
    answers = [answer for timings in behind_nginx.values() for answer in timings]
    worst = max((seconds for _, seconds in answers), default=float("inf"))
    rounds = min(len(timings) for timings in behind_nginx.values())
    report.figures = [
        f"slow clients connected to nginx: {slow.connected} of {SLOW_CLIENTS}",
        latency_figure("behind nginx", behind_nginx),
        latency_figure(
            f"gunicorn alone, for comparison (waiting {ALONE_TIMEOUT_SECONDS:.0f} s at most)", alone
        ),
    ]
    report.criteria = [
        Criterion(
            f"all {SLOW_CLIENTS} slow clients kept sending",
            slow.connected == SLOW_CLIENTS,
            f"{slow.connected} connected",
        ),
        Criterion("every GET answered 200", all(status == 200 for status, _ in answers)),
        Criterion(
            f"/healthz and the page answer within {MAX_LATENCY_SECONDS:.0f} s "
            f"(at least {SLOW_ROUNDS // 2} rounds)",
            worst < MAX_LATENCY_SECONDS and rounds >= SLOW_ROUNDS // 2,
            f"slowest {worst * 1000:.0f} ms over {rounds} rounds",
        ),
    ]
    return report


def prepare_database(target: Target, env: dict[str, str], deadline: Deadline) -> None:
    if target.label == "PostgreSQL":  # an existing database: wipe it (SQLite gets a new file)
        manage(env, "flush", "--noinput", timeout=deadline.timeout(120))
    set_up_demo_site(env, timeout=deadline.timeout(120))


def server_errors_from_log(log_path: Path, limit: int = 60) -> str:
    """The first logged error with its traceback, for a report with 5xx."""
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError as exc:
        return f"(server log unreadable: {exc})"
    for number, line in enumerate(lines):
        if " ERROR " in line or "Traceback" in line:
            return "\n".join(lines[number : number + limit])
    return "(no error in the server log)"


def test_database(target: Target, args: argparse.Namespace) -> DatabaseReport:
    report = DatabaseReport(target.label)
    deadline = Deadline(WORK_BUDGET_SECONDS)
    started = time.monotonic()
    env = site_env(target, **RELAXED_SPAM_DEFENCES)
    log_path = target.workdir / "gunicorn.log"
    defaults_log = target.workdir / "gunicorn-defaults.log"
    print(f"\n== {target.label}: preparing a fresh database ({target.display_url})", flush=True)
    try:
        prepare_database(target, env, deadline)
        start_seconds = deadline.timeout(SERVER_START_SECONDS)
        with gunicorn(
            env, log_path=log_path, workers=4, access_log=True, start_seconds=start_seconds
        ) as server:
            print(f"   gunicorn (master pid {server.master_pid}) on {HOST}:{server.port}")
            print("   scenario A ...", flush=True)
            report.scenarios.append(scenario_a(server, env, args, deadline))
            print("   scenario B (+ backup for C) ...", flush=True)
            scenario, faults = scenario_b(server, target, env, args, deadline)
            report.scenarios.append(scenario)
        print("   scenario C: restoring the backup ...", flush=True)
        report.scenarios.append(scenario_c(env, faults, deadline))
        with gunicorn(
            defaults_env(target),
            log_path=defaults_log,
            workers=4,
            start_seconds=deadline.timeout(SERVER_START_SECONDS),
        ) as server:
            print(f"   gunicorn with the site's defaults on {HOST}:{server.port}")
            print("   scenario D: a spam bot and a person ...", flush=True)
            report.scenarios.append(scenario_d(server, env, deadline))
            print("   scenario E: slow clients against nginx, then gunicorn alone ...", flush=True)
            report.scenarios.append(scenario_e(server, env, target.workdir / "nginx", deadline))
    except HarnessError as exc:
        report.failure = str(exc)
    except Exception:
        # A bug or an unforeseen answer: report it, and still test the next database.
        report.failure = f"unexpected error:\n{traceback.format_exc()}"
    finally:
        report.seconds = time.monotonic() - started
    if any(s.load and s.load.server_errors for s in report.scenarios):
        for log in (log_path, defaults_log):
            report.failure += f"\n5xx answers; first error in {log.name}:\n"
            report.failure += server_errors_from_log(log)
    return report


def print_scenario(scenario: ScenarioReport) -> None:
    print(f"\n  {scenario.title}")
    load = scenario.load
    if load:
        errors = ", ".join(f"{n} {name}" for name, n in load.errors.most_common()) or "none"
        other = {code: n for code, n in sorted(load.statuses.items()) if code != 303}
        print(f"    requests {load.planned}, sent {load.sent}, accepted (303) {load.accepted}")
        print(
            f"    other 4xx {load.client_errors}, 5xx {load.server_errors}, other statuses "
            f"{other or 'none'}"
        )
        print(
            f"    connection errors {load.connection_errors} "
            f"({load.connection_errors / load.planned:.2%}): {errors}"
        )
        print(f"    stored rows {scenario.stored}")
        rate = load.sent / load.elapsed if load.elapsed else 0.0
        print(
            f"    latency p50 {load.percentile_ms(0.50):.0f} ms, p99 {load.percentile_ms(0.99):.0f}"
            f" ms, {rate:.0f} req/s over {load.elapsed:.1f} s"
        )
        for status, sample in sorted(load.samples.items()):
            print(f"    first {status} body: {' '.join(sample.split())[:200]}")
    for line in scenario.figures:
        print(f"    {line}")
    for criterion in scenario.criteria:
        verdict = "PASS" if criterion.passed else "FAIL"
        detail = f" ({criterion.detail})" if criterion.detail else ""
        print(f"    [{verdict}] {criterion.name}{detail}")


def print_report(report: DatabaseReport) -> None:
    print(f"\n=== {report.label}: {'PASS' if report.passed else 'FAIL'} in {report.seconds:.0f} s")
    for scenario in report.scenarios:
        print_scenario(scenario)
    if report.failure:
        print(f"\n  FAILED: {report.failure}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "WARNING: --postgres-url (or LOADTEST_POSTGRES_URL) WIPES THAT DATABASE and restores\n"
            "over it. Use a scratch database only."
        ),
    )
    parser.add_argument("--requests", type=int, default=1000, help="POSTs per scenario (1000)")
    parser.add_argument("--concurrency", type=int, default=64, help="client threads (64)")
    parser.add_argument("--quick", action="store_true", help="400 requests, 16 concurrent")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("LOADTEST_POSTGRES_URL", ""),
        help="also test PostgreSQL on this database, WHICH IS WIPED "
        "(default: $LOADTEST_POSTGRES_URL)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch folder (logs, backups) afterwards"
    )
    args = parser.parse_args(argv)
    if args.quick:
        # 400, not fewer: each killed busy worker loses one request, and two must stay < 1%.
        args.requests, args.concurrency = 400, 16
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be positive")
    if args.postgres_url and not database_name(args.postgres_url):
        parser.error("--postgres-url must name a database: postgres://USER@HOST:PORT/DBNAME")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A TERM (from make, CI) unwinds through the finally blocks that stop gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="loadtest-"))
    print(
        f"Load test: {args.requests} POSTs per scenario, {args.concurrency} concurrent, "
        f"scratch folder {workdir}\nA to C's server runs with COMMENT_MIN_SECONDS=0 and the "
        "rate limit, token reuse and site-wide brake at 1000000, so the spam defences do not "
        "reject the synthetic load; D and E's keeps the defaults (COMMENT_MIN_SECONDS=1, "
        "PROXY_COUNT=1)."
    )
    reports: list[DatabaseReport] = []
    try:
        sqlite = workdir / "sqlite"
        targets = [Target("SQLite", f"sqlite:///{sqlite / 'load.sqlite3'}", sqlite)]
        if args.postgres_url:
            targets.append(Target("PostgreSQL", args.postgres_url, workdir / "postgres"))
        for target in targets:
            target.workdir.mkdir(parents=True, exist_ok=True)
            reports.append(test_database(target, args))
            print_report(reports[-1])
    finally:
        passed = bool(reports) and all(report.passed for report in reports)
        if passed and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"\nScratch folder kept (logs, backups): {workdir}")
    summary = ", ".join(f"{r.label} {'PASS' if r.passed else 'FAIL'}" for r in reports)
    verdict = "PASS" if passed else "FAIL"
    print(f"\nOverall: {verdict} ({summary}) in {time.monotonic() - started:.0f} s")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())

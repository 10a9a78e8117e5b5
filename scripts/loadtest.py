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

Each database gets a fresh set-up (migrate, demo content, collectstatic), its own cache folder
and its own gunicorn (4 workers, bound to 127.0.0.1 on a free port, in its own process group;
scripts/harness.py starts and stops it).
The comment defences that would reject synthetic load are relaxed for the test server only:
COMMENT_MIN_SECONDS=0, COMMENT_RATE_LIMIT_COUNT, COMMENT_TOKEN_MAX_USES and COMMENT_BRAKE_COUNT
at 1000000 (one token is posted 1000 times). Every step has a timeout and each
database has a time budget, so a hung server fails the run instead of hanging it; every process
started is stopped.

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
    get,
    gunicorn,
    manage,
    set_up_demo_site,
    throwaway_env,
)

POINT_PATH = "/points/bl23-shenshu/"
COMMENT_PATH = "/points/bl23-shenshu/comments/"
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


def form_token(port: int, deadline: Deadline) -> str:
    """The hidden `token` of the comment form on the point page."""
    try:
        page = get(port, POINT_PATH, timeout=deadline.timeout(REQUEST_TIMEOUT_SECONDS))
    except (OSError, http.client.HTTPException) as exc:
        raise HarnessError(f"GET {POINT_PATH}: {type(exc).__name__}: {exc}") from exc
    match = TOKEN_RE.search(page.body.decode("utf-8", "replace"))
    if page.status != 200 or not match:
        raise HarnessError(
            f"GET {POINT_PATH}: status {page.status}, form token found: {bool(match)}"
        )
    return html.unescape(match.group(1) or match.group(2))


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


def post_comment(port: int, token: str, text: str, timeout: float) -> tuple[int, str]:
    body = urllib.parse.urlencode({"name": "Load test", "text": text, "token": token})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("POST", COMMENT_PATH, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(2000).decode("utf-8", "replace")
    finally:
        connection.close()


Milestone = tuple[float, Callable[[], None]]


def run_load(
    port: int,
    prefix: str,
    args: argparse.Namespace,
    deadline: Deadline,
    milestones: Sequence[Milestone] = (),
) -> LoadResult:
    """Send `args.requests` comment POSTs from a fixed pool of `args.concurrency` threads with
    the form token of the point page, no retries.

    Each milestone's action runs, in order on one director thread, once that fraction of the
    requests has been sent. Latencies are those of answered requests."""
    token = form_token(port, deadline)
    requests, concurrency = args.requests, args.concurrency
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
                status, body = post_comment(port, token, text, timeout)
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


def site_env(target: Target) -> dict[str, str]:
    """The environment of every manage.py run and of gunicorn (scripts/harness.py keeps a
    developer's .env out, so the test server is the same everywhere)."""
    return throwaway_env(
        target.workdir,
        DATABASE_URL=target.url,
        LOG_LEVEL="INFO",
        LOG_FORMAT="plain",
        SECURE_SSL_REDIRECT=False,
        BEHIND_HTTPS_PROXY=False,
        PYTHONUNBUFFERED=1,
        # The synthetic load posts at once and from one address: relax the spam defences.
        COMMENT_MIN_SECONDS=0,
        COMMENT_RATE_LIMIT_COUNT=1_000_000,
        COMMENT_TOKEN_MAX_USES=1_000_000,
        COMMENT_BRAKE_COUNT=1_000_000,
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
            not self.failure and len(self.scenarios) == 3 and all(s.passed for s in self.scenarios)
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
    load = run_load(server.port, "load-A-", args, deadline)
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
    load = run_load(server.port, "load-B-", args, deadline, milestones)
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
    env = site_env(target)
    log_path = target.workdir / "gunicorn.log"
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
    except HarnessError as exc:
        report.failure = str(exc)
    except Exception:
        # A bug or an unforeseen answer: report it, and still test the next database.
        report.failure = f"unexpected error:\n{traceback.format_exc()}"
    finally:
        report.seconds = time.monotonic() - started
    if any(s.load and s.load.server_errors for s in report.scenarios):
        report.failure += "\n5xx answers; first error in the server log:\n"
        report.failure += server_errors_from_log(log_path)
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
        f"scratch folder {workdir}\nThe test server runs with COMMENT_MIN_SECONDS=0 and the "
        "rate limit, token reuse and site-wide brake at 1000000, so the spam defences do not "
        "reject the synthetic load."
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

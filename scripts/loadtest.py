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
   same counts": at ~35% of scenario B an online backup is taken (SQLite: the sqlite3 backup
   API; PostgreSQL: pg_dump -Fc), the comments are counted just before and just after it, and
   the backup is restored into a new database (SQLite: the backup file; PostgreSQL: a database
   named <db>_restore_check, dropped afterwards). Pass: integrity checks clean and the restored
   comment count between the two live counts, inclusive.

Each database gets a fresh set-up (migrate, demo content, collectstatic), its own cache folder
and its own gunicorn (4 workers, bound to 127.0.0.1 on a free port, in its own process group).
The comment defences that would reject synthetic load are relaxed for the test server only:
COMMENT_MIN_SECONDS=0 and COMMENT_RATE_LIMIT_COUNT=1000000. Every step has a timeout and each
database has a time budget, so a hung server fails the run instead of hanging it; every process
started is stopped.

WARNING: with --postgres-url URL (or LOADTEST_POSTGRES_URL=URL) the database named in URL is
WIPED (`manage.py flush`) and filled with test data, and a database <db>_restore_check is created
and dropped on the same server. Give it a scratch database, never one holding real data.

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
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
VENV_PYTHON = PROJECT_DIR / ".venv" / "bin" / "python"
HOST = "127.0.0.1"
POINT_PATH = "/points/bl23-shenshu/"
COMMENT_PATH = "/points/bl23-shenshu/comments/"
COUNT_COMMENTS = "SELECT count(*) FROM points_comment"
TOKEN_RE = re.compile(r'name="token"[^>]*?value="([^"]*)"|value="([^"]*)"[^>]*?name="token"')

# Each database must be done in about four minutes even if the server hangs: the work gets
# WORK_BUDGET_SECONDS (a request in flight may overrun it by REQUEST_TIMEOUT_SECONDS at most);
# stopping gunicorn (GRACEFUL_STOP_SECONDS, then SIGKILL) and dropping scratch databases come after.
WORK_BUDGET_SECONDS = 200
REQUEST_TIMEOUT_SECONDS = 15
SERVER_START_SECONDS = 40
GRACEFUL_STOP_SECONDS = 25
MAX_CONNECTION_ERROR_RATE = 0.01
# When, as a fraction of the requests sent, scenario B acts on the server.
KILL_AT = (0.25, 0.50)
BACKUP_AT = 0.35
HUP_AT = 0.60


class StepFailed(Exception):
    """A set-up or measuring step could not be done (timeout, non-zero exit, no answer)."""


class Deadline:
    """The time left for one database; every wait is capped by it."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def passed(self) -> bool:
        return self.remaining() <= 0

    def timeout(self, cap: float) -> float:
        """min(cap, time left); raises StepFailed when the budget is spent."""
        left = self.remaining()
        if left <= 0:
            raise StepFailed("time budget for this database is spent")
        return min(cap, left)


# --- Processes -------------------------------------------------------------------------------


def run_command(
    args: list[str], *, env: dict[str, str], timeout: float, what: str
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion; StepFailed on timeout or a non-zero exit."""
    try:
        # Arguments are built by this script from its own options, never from a shell string.
        result = subprocess.run(  # noqa: S603
            args,
            env=env,
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise StepFailed(f"{what}: no result after {timeout:.0f} s") from exc
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise StepFailed(f"{what}: exit status {result.returncode}\n{tail}")
    return result


def manage(env: dict[str, str], deadline: Deadline, *args: str, cap: float = 120) -> str:
    """Run `manage.py ARGS` with the venv's python; returns its standard output."""
    python = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
    command = [python, "manage.py", *args]
    result = run_command(
        command, env=env, timeout=deadline.timeout(cap), what=f"manage.py {' '.join(args[:1])}"
    )
    return result.stdout


def stored_texts(env: dict[str, str], deadline: Deadline, prefix: str) -> list[str]:
    """The texts of the stored comments starting with `prefix`, read through Django."""
    code = (
        "import json; from points.models import Comment; print(json.dumps(list("
        f"Comment.objects.filter(text__startswith={prefix!r}).values_list('text', flat=True))))"
    )
    output = manage(env, deadline, "shell", "--no-imports", "-c", code, cap=60)
    return json.loads(output.strip().splitlines()[-1])


def stored_count(
    env: dict[str, str], deadline: Deadline, prefix: str, *, status: str | None = None
) -> int:
    """How many stored comments start with `prefix` (and have `status`), counted by Django."""
    filters = f"text__startswith={prefix!r}" + (f", status={status!r}" if status else "")
    code = f"from points.models import Comment; print(Comment.objects.filter({filters}).count())"
    output = manage(env, deadline, "shell", "--no-imports", "-c", code, cap=60)
    return int(output.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def worker_pids(master_pid: int) -> list[int]:
    """The gunicorn master's child processes (its workers)."""
    children: list[int] = []
    for task in Path(f"/proc/{master_pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            children.extend(int(pid) for pid in task.read_text().split())
    return sorted(set(children))


def signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def master_pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def gunicorn_server(env: dict[str, str], log_path: Path, deadline: Deadline) -> Iterator[Server]:
    """gunicorn with the project's config, 4 workers, on a free 127.0.0.1 port, in its own
    process group; the whole group is stopped (TERM, then KILL) on the way out."""
    port = free_port()
    python = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
    command = [
        python,
        "-m",
        "gunicorn",
        "--config",
        "gunicorn.conf.py",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        "4",
        "acupressure.wsgi",
    ]
    with log_path.open("wb") as log:
        # A fixed argument list built here; start_new_session gives gunicorn its own group.
        process = subprocess.Popen(  # noqa: S603
            command,
            env=env | {"BIND": f"{HOST}:{port}"},
            cwd=PROJECT_DIR,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(port, process, log_path)
    try:
        wait_until_ready(server, deadline)
        yield server
    finally:
        stop_server(server)


def wait_until_ready(server: Server, deadline: Deadline) -> None:
    """Poll `/` until it answers 200."""
    end = time.monotonic() + deadline.timeout(SERVER_START_SECONDS)
    while time.monotonic() < end:
        if server.process.poll() is not None:
            raise StepFailed(f"gunicorn exited at start-up:\n{server.log_tail()}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if http_get(server.port, "/", timeout=5)[0] == 200:
                return
        time.sleep(0.2)
    raise StepFailed(f"gunicorn did not answer / within {SERVER_START_SECONDS} s")


def stop_server(server: Server) -> None:
    """SIGTERM to the process group, SIGKILL to what is left after the graceful timeout."""
    pgid = server.process.pid
    signal_group(pgid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.process.wait(timeout=GRACEFUL_STOP_SECONDS)
    signal_group(pgid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.process.wait(timeout=5)


# --- HTTP load ---------------------------------------------------------------------------------


def http_get(port: int, path: str, *, timeout: float) -> tuple[int, str]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def form_token(port: int, deadline: Deadline) -> str:
    """The hidden `token` of the comment form on the point page."""
    try:
        status, body = http_get(port, POINT_PATH, timeout=deadline.timeout(REQUEST_TIMEOUT_SECONDS))
    except (OSError, http.client.HTTPException) as exc:
        raise StepFailed(f"GET {POINT_PATH}: {type(exc).__name__}: {exc}") from exc
    match = TOKEN_RE.search(body)
    if status != 200 or not match:
        raise StepFailed(f"GET {POINT_PATH}: status {status}, form token found: {bool(match)}")
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
    token: str,
    prefix: str,
    *,
    requests: int,
    concurrency: int,
    deadline: Deadline,
    milestones: Sequence[Milestone] = (),
) -> LoadResult:
    """Send `requests` comment POSTs from a fixed pool of `concurrency` threads, no retries.

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
class RestoreCheck:
    before: int
    after: int
    restored: int | None = None
    integrity: str = "not checked"
    integrity_ok: bool = False
    seconds: float = 0.0


class SqliteTarget:
    """A new SQLite file in the scratch folder."""

    label = "SQLite"

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.path = workdir / "load.sqlite3"
        self.url = f"sqlite:///{self.path}"
        self.display_url = self.url

    def reset(self, env: dict[str, str], deadline: Deadline) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def count_comments(self) -> int:
        with contextlib.closing(sqlite3.connect(self.path, timeout=20)) as db:
            return db.execute(COUNT_COMMENTS).fetchone()[0]

    def backup(self, deadline: Deadline) -> Path:
        """An online, consistent copy through SQLite's backup API (one step, one snapshot)."""
        target = self.workdir / "backup.sqlite3"
        with (
            contextlib.closing(sqlite3.connect(self.path, timeout=20)) as source,
            contextlib.closing(sqlite3.connect(target)) as dest,
        ):
            source.backup(dest)
        return target

    def restore_and_check(self, backup: Path, check: RestoreCheck, deadline: Deadline) -> None:
        restored = self.workdir / "restored.sqlite3"
        shutil.copyfile(backup, restored)
        with contextlib.closing(sqlite3.connect(restored, timeout=20)) as db:
            integrity = [row[0] for row in db.execute("PRAGMA integrity_check")]
            foreign = db.execute("PRAGMA foreign_key_check").fetchall()
            check.restored = db.execute(COUNT_COMMENTS).fetchone()[0]
        check.integrity_ok = integrity == ["ok"] and not foreign
        check.integrity = (
            f"integrity_check={'/'.join(integrity)[:200]}, "
            f"foreign_key_check={len(foreign)} problem(s)"
        )

    def cleanup(self) -> None:
        pass


def database_name(url: str) -> str:
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path.lstrip("/"))


class PostgresTarget:
    """The database named in the URL, flushed first; restores go to <db>_restore_check."""

    label = "PostgreSQL"

    def __init__(self, url: str, workdir: Path) -> None:
        self.url = url
        self.workdir = workdir
        parts = urllib.parse.urlsplit(url)
        self.name = database_name(url)
        self.restore_name = f"{self.name}_restore_check"
        # The command-line tools get the URL without its password (other users can read command
        # lines) and the password in PGPASSWORD. libpq knows only postgres(ql)://.
        userinfo, _, hostport = parts.netloc.rpartition("@")
        user = userinfo.partition(":")[0]
        netloc = f"{user}@{hostport}" if user else hostport
        self.display_url = urllib.parse.urlunsplit(
            parts._replace(netloc=f"{user}:***@{hostport}" if parts.password else parts.netloc)
        )
        tool_parts = parts._replace(scheme="postgresql", netloc=netloc)
        self.libpq_url = urllib.parse.urlunsplit(tool_parts)
        self.libpq_restore_url = urllib.parse.urlunsplit(
            tool_parts._replace(path="/" + urllib.parse.quote(self.restore_name))
        )
        self.env = os.environ | {"PGCONNECT_TIMEOUT": "10"}
        if parts.password:
            self.env["PGPASSWORD"] = urllib.parse.unquote(parts.password)

    def tool(self, name: str) -> str:
        found = shutil.which(name) or max(
            (str(p) for p in Path("/usr/lib/postgresql").glob(f"*/bin/{name}")), default=None
        )
        if not found:
            raise StepFailed(f"{name} not found (install the PostgreSQL client tools)")
        return found

    def psql(self, url: str, sql: str, timeout: float = 30) -> str:
        command = [self.tool("psql"), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", url]
        result = run_command(
            [*command, "-c", sql], env=self.env, timeout=timeout, what=f"psql {sql[:40]}"
        )
        return result.stdout.strip()

    def reset(self, env: dict[str, str], deadline: Deadline) -> None:
        manage(env, deadline, "flush", "--noinput")

    def count_comments(self) -> int:
        return int(self.psql(self.libpq_url, COUNT_COMMENTS))

    def backup(self, deadline: Deadline) -> Path:
        """pg_dump -Fc: one consistent snapshot taken when the dump starts."""
        target = self.workdir / "backup.pgdump"
        command = [self.tool("pg_dump"), "-Fc", "-f", str(target), "-d", self.libpq_url]
        run_command(command, env=self.env, timeout=deadline.timeout(90), what="pg_dump")
        return target

    def drop_restore_database(self) -> None:
        self.psql(self.libpq_url, f'DROP DATABASE IF EXISTS "{self.restore_name}"')

    def restore_and_check(self, backup: Path, check: RestoreCheck, deadline: Deadline) -> None:
        self.drop_restore_database()
        self.psql(self.libpq_url, f'CREATE DATABASE "{self.restore_name}"')
        command = [
            self.tool("pg_restore"),
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "-d",
            self.libpq_restore_url,
            str(backup),
        ]
        try:
            run_command(command, env=self.env, timeout=deadline.timeout(90), what="pg_restore")
        except StepFailed as exc:
            check.integrity = f"pg_restore failed: {exc}"
            return
        check.restored = int(self.psql(self.libpq_restore_url, COUNT_COMMENTS))
        check.integrity_ok = True
        check.integrity = "pg_restore exit 0 (constraints re-created and checked), count query ok"

    def cleanup(self) -> None:
        with contextlib.suppress(StepFailed):
            self.drop_restore_database()


Target = SqliteTarget | PostgresTarget


def site_env(target: Target, workdir: Path) -> dict[str, str]:
    """The environment of every manage.py run and of gunicorn. Settings a developer's .env could
    set (gunicorn.conf.py reads it) are pinned so the test server is the same everywhere."""
    env = {k: v for k, v in os.environ.items() if k != "GUNICORN_CMD_ARGS"}
    return env | {
        "DATABASE_URL": target.url,
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "ENV_FILE": "/nonexistent",
        # The page cache is shared by default (.cache/ in the project, or CACHE_URL): give the
        # test server its own, so it neither reads nor pollutes a developer's server's pages.
        "CACHE_DIR": str(workdir / "cache"),
        "CACHE_URL": "",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SETTINGS_MODULE": "acupressure.settings",
        "DEBUG": "False",
        "DJANGO_ENV": "development",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CONN_MAX_AGE": "0",
        "MAILER_URL": "",
        "SITE_URL": "",
        "PROXY_COUNT": "0",
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "plain",
        "SECURE_SSL_REDIRECT": "False",
        "BEHIND_HTTPS_PROXY": "False",
        "MEDIA_STORAGE": "filesystem",
        "PYTHONUNBUFFERED": "1",
        # The synthetic load posts at once and from one address: relax the spam defences.
        "COMMENT_MIN_SECONDS": "0",
        "COMMENT_RATE_LIMIT_COUNT": "1000000",
    }


def unpinned_dotenv_names(env: dict[str, str]) -> list[str]:
    """Names set in the project's .env that this script does not pin: gunicorn.conf.py loads
    .env into the test server's environment (ENV_FILE only keeps it from settings.py)."""
    try:
        lines = (PROJECT_DIR / ".env").read_text().splitlines()
    except OSError:
        return []
    names = {
        line.removeprefix("export ").split("=", 1)[0].strip()
        for line in lines
        if "=" in line and not line.lstrip().startswith("#")
    }
    return sorted(names - set(env))


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
    token = form_token(server.port, deadline)
    load = run_load(
        server.port,
        token,
        "load-A-",
        requests=args.requests,
        concurrency=args.concurrency,
        deadline=deadline,
    )
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
    target: Target
    deadline: Deadline
    killed: list[int] = field(default_factory=list)
    hup_sent: bool = False
    notes: list[str] = field(default_factory=list)
    backup_path: Path | None = None
    backup_check: RestoreCheck | None = None
    backup_error: str = ""
    backup_thread: threading.Thread | None = None

    def kill_a_worker(self) -> None:
        candidates = [pid for pid in worker_pids(self.server.master_pid) if pid not in self.killed]
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
            before = self.target.count_comments()
            started = time.monotonic()
            self.backup_path = self.target.backup(self.deadline)
            seconds = time.monotonic() - started
            self.backup_check = RestoreCheck(before, self.target.count_comments(), seconds=seconds)
        except (StepFailed, OSError, sqlite3.Error, ValueError) as exc:
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
    faults = Faults(server, target, deadline)
    milestones: list[Milestone] = [
        (KILL_AT[0], faults.kill_a_worker),
        (BACKUP_AT, faults.start_backup),
        (KILL_AT[1], faults.kill_a_worker),
        (HUP_AT, faults.hup_master),
    ]
    token = form_token(server.port, deadline)
    load = run_load(
        server.port,
        token,
        "load-B-",
        requests=args.requests,
        concurrency=args.concurrency,
        deadline=deadline,
        milestones=milestones,
    )
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


def scenario_c(target: Target, faults: Faults, deadline: Deadline) -> ScenarioReport:
    report = ScenarioReport("C: backup taken during B restores with integrity and the same counts")
    check = faults.backup_check
    if check is None or faults.backup_path is None:
        report.criteria = [Criterion("backup taken", False, faults.backup_error or "not taken")]
        return report
    started = time.monotonic()
    target.restore_and_check(faults.backup_path, check, deadline)
    size = faults.backup_path.stat().st_size
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
    target.reset(env, deadline)
    manage(env, deadline, "migrate", "--noinput")
    manage(env, deadline, "load_demo_content")
    manage(env, deadline, "collectstatic", "--noinput")


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


def test_database(target: Target, args: argparse.Namespace, workdir: Path) -> DatabaseReport:
    report = DatabaseReport(target.label)
    deadline = Deadline(WORK_BUDGET_SECONDS)
    started = time.monotonic()
    env = site_env(target, workdir)
    log_path = workdir / "gunicorn.log"
    print(f"\n== {target.label}: preparing a fresh database ({target.display_url})", flush=True)
    if leaked := unpinned_dotenv_names(env):
        print(f"   note: the test server also gets these settings from .env: {', '.join(leaked)}")
    try:
        prepare_database(target, env, deadline)
        with gunicorn_server(env, log_path, deadline) as server:
            print(f"   gunicorn (master pid {server.master_pid}) on {HOST}:{server.port}")
            print("   scenario A ...", flush=True)
            report.scenarios.append(scenario_a(server, env, args, deadline))
            print("   scenario B (+ backup for C) ...", flush=True)
            scenario, faults = scenario_b(server, target, env, args, deadline)
            report.scenarios.append(scenario)
        print("   scenario C: restoring the backup ...", flush=True)
        report.scenarios.append(scenario_c(target, faults, deadline))
    except StepFailed as exc:
        report.failure = str(exc)
    except Exception:
        # A bug or an unforeseen answer: report it, and still test the next database.
        report.failure = f"unexpected error:\n{traceback.format_exc()}"
    finally:
        target.cleanup()
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
            "WARNING: --postgres-url (or LOADTEST_POSTGRES_URL) WIPES THAT DATABASE and creates\n"
            "and drops <db>_restore_check next to it. Use a scratch database only."
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
        f"scratch folder {workdir}\nThe test server runs with COMMENT_MIN_SECONDS=0 and "
        "COMMENT_RATE_LIMIT_COUNT=1000000 so the spam and rate-limit defences do not reject "
        "the synthetic load."
    )
    reports: list[DatabaseReport] = []
    try:
        targets: list[Callable[[], Target]] = [lambda: SqliteTarget(workdir / "sqlite")]
        if args.postgres_url:
            targets.append(lambda: PostgresTarget(args.postgres_url, workdir / "postgres"))
        for make_target in targets:
            target = make_target()
            target.workdir.mkdir(parents=True, exist_ok=True)
            reports.append(test_database(target, args, target.workdir))
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

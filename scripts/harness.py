"""A throwaway copy of the site behind gunicorn on loopback, for the benchmark, the load test
and the tests that need real worker processes; and the recommended front, nginx with
deploy/nginx.conf, in front of it, with the slow clients it is there to absorb.

    from harness import HarnessError, gunicorn, manage, throwaway_env   # scripts/ beside it
    from scripts.harness import gunicorn, manage, throwaway_env         # tests (pythonpath ".")

    env = throwaway_env(workdir, WEB_CONCURRENCY="4")
    manage(env, "migrate", "--noinput")
    with gunicorn(env, workers=4, log_path=workdir / "gunicorn.log") as server:
        get(server.port, "/")          # server.port, .url, .master_pid, .worker_pids()
        server.log_tail()
        with nginx(server.port, env, workdir / "front") as front:
            timings = timings_under(SlowClients(front.port, 64, seconds=8), front.port,
                                    ["/healthz"], rounds=10)   # {path: [(status, seconds)]}

gunicorn runs with the project's gunicorn.conf.py and acupressure.wsgi on a free 127.0.0.1
port, in its own process group (its master's pid is the group id), so a fault test can kill a
worker or send the master HUP, and stopping it (TERM, then KILL after a grace period) leaves no
process behind. nginx gets its own process group and folder the same way. Every wait has a
time limit; a failure raises HarnessError with the log's tail.
"""

import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
VENV_PYTHON = PROJECT_DIR / ".venv" / "bin" / "python"
HOST = "127.0.0.1"
START_SECONDS = 60
GRACEFUL_STOP_SECONDS = 25
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # Debian's nginx (make nginx)
NGINX_SITE = PROJECT_DIR / "deploy" / "nginx.conf"
NGINX_START_SECONDS = 15
# What a slow client sends first: a comment post's headers, announcing a body it then trickles.
SLOW_POST = (
    b"POST /points/bl23-shenshu/comments/ HTTP/1.1\r\n"
    b"Host: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: 100000\r\n\r\n"
)


class HarnessError(Exception):
    """A command failed or overran, or a server did not start."""


def python() -> str:
    """The project's interpreter (the scripts themselves may run with any Python 3)."""
    return str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def throwaway_env(workdir: Path, **settings: object) -> dict[str, str]:
    """The environment for every command and server of a site kept in `workdir`: its own SQLite
    file, static, media and cache folders, a random SECRET_KEY, DEBUG off, local hosts, and no
    developer's .env (settings.py and gunicorn.conf.py skip it). `settings` override or add
    variables (values are turned into strings)."""
    inherited = {k: v for k, v in os.environ.items() if k != "GUNICORN_CMD_ARGS"}
    return (
        inherited
        | {
            "DJANGO_SETTINGS_MODULE": "acupressure.settings",
            "ENV_FILE": "/nonexistent/.env",
            "DJANGO_ENV": "development",
            "DEBUG": "False",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
            "CONN_MAX_AGE": "0",
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "MEDIA_STORAGE": "filesystem",
            "SERVE_MEDIA": "True",
            # The page cache is shared by default (.cache/ or CACHE_URL): this site gets its own.
            "CACHE_URL": "",
            "CACHE_DIR": str(workdir / "cache"),
            "SITE_URL": "",
            "MAILER_URL": "",
            "PROXY_COUNT": "0",
        }
        | {name: str(value) for name, value in settings.items()}
    )


def run(args: list[str], *, env: dict[str, str], timeout: float, what: str) -> str:
    """Run a command to completion in its own process group; its standard output.

    HarnessError on a non-zero exit or when it overruns `timeout` (the whole group is killed)."""
    # A fixed argument list built by the caller, never a shell string.
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
        raise HarnessError(f"{what}: no result after {timeout:.0f} s") from exc
    finally:
        kill_group(process)
    if process.returncode != 0:
        tail = "\n".join((stderr or stdout).strip().splitlines()[-20:])
        raise HarnessError(f"{what}: exit status {process.returncode}\n{tail}")
    return stdout


def manage(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    """`manage.py ARGS` with the project's interpreter; its standard output."""
    return run(
        [python(), "manage.py", *args], env=env, timeout=timeout, what=f"manage.py {args[0]}"
    )


def set_up_demo_site(env: dict[str, str], *, timeout: float = 180) -> None:
    """Migrate, load the demo content and collect the static files, as `make run` does."""
    manage(env, "migrate", "--noinput", timeout=timeout)
    manage(env, "load_demo_content", timeout=timeout)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0", timeout=timeout)


def start_group(command: list[str], *, env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """Start a server in a new process group (led by it, with the workers it forks), its output
    in `log_path`."""
    with log_path.open("wb") as log:
        # A fixed argument list built by the caller, never a shell string.
        return subprocess.Popen(  # noqa: S603
            command,
            env=env,
            cwd=PROJECT_DIR,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def kill_group(process: subprocess.Popen, sig: signal.Signals = signal.SIGKILL) -> None:
    """Send `sig` to the process's whole group (started with start_new_session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)
    if sig == signal.SIGKILL:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)


def stop_group(process: subprocess.Popen, grace: float) -> None:
    """TERM to the whole group (the server lets its workers finish), KILL to what is left."""
    kill_group(process, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace)
    kill_group(process)


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes  # exactly as sent (still compressed, if it was)


def get(port: int, path: str, *, headers: dict[str, str] | None = None, timeout: float = 20):
    """GET http://127.0.0.1:port/path."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        answer = connection.getresponse()
        found = {name.lower(): value for name, value in answer.getheaders()}
        return Response(answer.status, found, answer.read())
    finally:
        connection.close()


def timed_get(port: int, path: str, timeout: float = 5.0) -> tuple[int | None, float]:
    """(status, seconds) of one GET; the status is None when no answer came within `timeout`."""
    started = time.monotonic()
    try:
        status = get(port, path, timeout=timeout).status
    except (OSError, http.client.HTTPException):
        status = None
    return status, time.monotonic() - started


def wait_until_answering(
    process: subprocess.Popen, port: int, path: str, seconds: float, what: str, log_tail
) -> None:
    """Wait until `process` answers GET `path` on `port` with a 200; HarnessError with
    `log_tail()` when it exits or `seconds` pass first."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if process.poll() is not None:
            raise HarnessError(f"{what} exited at start-up:\n{log_tail()}")
        if timed_get(port, path)[0] == 200:
            return
        time.sleep(0.2)
    raise HarnessError(f"{what} did not answer {path} within {seconds:.0f} s:\n{log_tail()}")


@dataclass
class Server:
    """A running gunicorn; its master leads the process group."""

    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def master_pid(self) -> int:
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def worker_pids(self) -> list[int]:
        """The master's child processes (its workers)."""
        children: set[int] = set()
        for task in Path(f"/proc/{self.master_pid}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                children.update(int(pid) for pid in task.read_text().split())
        return sorted(children)

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"

    def wait_until_ready(self, path: str, seconds: float) -> None:
        wait_until_answering(self.process, self.port, path, seconds, "gunicorn", self.log_tail)

    def stop(self, grace: float = GRACEFUL_STOP_SECONDS) -> None:
        stop_group(self.process, grace)


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str],
    *,
    log_path: Path,
    workers: int = 2,
    access_log: bool = False,
    ready_path: str = "/healthz",
    start_seconds: float = START_SECONDS,
) -> Iterator[Server]:
    """gunicorn (gunicorn.conf.py, acupressure.wsgi) with `env` on a free 127.0.0.1 port, ready
    to answer; stopped with its whole process group on the way out."""
    port = free_port()
    command = [python(), "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    command += ["--bind", f"{HOST}:{port}", "--workers", str(workers)]
    command += [] if access_log else ["--access-logfile", "/dev/null"]
    command += ["acupressure.wsgi"]
    env = env | {"BIND": f"{HOST}:{port}", "WEB_CONCURRENCY": str(workers)}
    process = start_group(command, env=env, log_path=log_path)
    server = Server(process, port, log_path)
    try:
        server.wait_until_ready(ready_path, start_seconds)
        yield server
    finally:
        server.stop()


# --- The recommended front: nginx with deploy/nginx.conf ---------------------------------------


def nginx_site_conf(values: dict[str, str]) -> str:
    """deploy/nginx.conf with its ${ACUPRESSURE_...} values filled in, as envsubst does with the
    names it is given (nginx's own $variables are left alone)."""
    text = NGINX_SITE.read_text()
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    left = sorted(set(re.findall(r"\$\{ACUPRESSURE_\w+\}", text)))
    if left:
        raise HarnessError(f"deploy/nginx.conf: no value for {', '.join(left)}")
    return text


@dataclass
class Front:
    """A running nginx; its master leads the process group."""

    process: subprocess.Popen
    port: int
    folder: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self, chars: int = 2000) -> str:
        logs = [self.folder / "error.log", self.folder / "stderr.log"]
        return "\n".join(
            path.read_text(errors="replace")[-chars:] for path in logs if path.exists()
        )


@contextlib.contextmanager
def nginx(
    upstream_port: int,
    env: dict[str, str],
    folder: Path,
    start_seconds: float = NGINX_START_SECONDS,
) -> Iterator[Front]:
    """nginx with deploy/nginx.conf on a free 127.0.0.1 port, in front of the gunicorn on
    `upstream_port`, serving /static/ and /media/ from `env`'s STATIC_ROOT and MEDIA_ROOT; ready
    to answer /healthz through it, and stopped with its whole process group on the way out.
    `folder` keeps the main context a distribution's nginx.conf would provide, its temporary
    files and its error log."""
    if not Path(NGINX).exists():
        raise HarnessError(f"{NGINX} not found: install Debian's nginx (make nginx)")
    port = free_port()
    temp = folder / "nginx"
    temp.mkdir(parents=True, exist_ok=True)
    site = folder / "acupressure.conf"
    site.write_text(
        nginx_site_conf(
            {
                "ACUPRESSURE_LISTEN": f"{HOST}:{port}",
                "ACUPRESSURE_SERVER_NAME": HOST,
                "ACUPRESSURE_UPSTREAM": f"{HOST}:{upstream_port}",
                "ACUPRESSURE_STATIC_ROOT": env["STATIC_ROOT"],
                "ACUPRESSURE_MEDIA_ROOT": env["MEDIA_ROOT"],
            }
        )
    )
    main = folder / "main.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # the files are private to their owner
        + f"daemon off;\nworker_processes 1;\npid {temp}/nginx.pid;\n"
        f"error_log {folder}/error.log warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "  include /etc/nginx/mime.types;\n"
        "  default_type application/octet-stream;\n"
        "  access_log off;\n"
        + "".join(
            f"  {kind}_temp_path {temp}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {site};\n"
        "}\n"
    )
    command = [NGINX, "-p", str(temp), "-c", str(main)]
    run([*command, "-t"], env=dict(os.environ), timeout=30, what="nginx -t")
    process = start_group(command, env=dict(os.environ), log_path=folder / "stderr.log")
    front = Front(process, port, folder)
    try:
        wait_until_answering(process, port, "/healthz", start_seconds, "nginx", front.log_tail)
        yield front
    finally:
        stop_group(process, grace=10)


class SlowClients:
    """`count` clients that each send SLOW_POST's headers to 127.0.0.1:`port`, then one byte of
    the body about every second, for `seconds` (all from one thread: 64 threads would only load
    the machine). Entering connects them (waiting 10 s at most); leaving waits for them to stop
    and closes their connections. A server that gives up on one is fine."""

    def __init__(self, port: int, count: int, seconds: float) -> None:
        self.port, self.count, self.seconds = port, count, seconds
        self.connected = 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def __enter__(self) -> "SlowClients":
        self.thread.start()
        deadline = time.monotonic() + 10
        while self.connected < self.count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.thread.join(timeout=self.seconds + 15)

    @property
    def sending(self) -> bool:
        return self.thread.is_alive()

    def run(self) -> None:
        sockets = []
        try:
            for _ in range(self.count):
                sock = socket.create_connection((HOST, self.port), timeout=5)
                sock.sendall(SLOW_POST)
                sockets.append(sock)
                self.connected += 1
            end = time.monotonic() + self.seconds
            while time.monotonic() < end:
                time.sleep(1)
                for sock in sockets:
                    with contextlib.suppress(OSError):
                        sock.send(b"x")
        finally:
            for sock in sockets:
                sock.close()


def timings_under(
    slow_clients: SlowClients, port: int, paths: list[str], *, rounds: int, timeout: float = 5.0
) -> dict[str, list[tuple[int | None, float]]]:
    """(status, seconds) of a GET of each path, about every half second for up to `rounds`
    rounds while `slow_clients` are sending (`timed_get`: None for no answer in `timeout`)."""
    timings: dict[str, list[tuple[int | None, float]]] = {path: [] for path in paths}
    with slow_clients:
        for _ in range(rounds):
            if not slow_clients.sending:
                break
            for path in paths:
                timings[path].append(timed_get(port, path, timeout))
            time.sleep(0.5)
    return timings

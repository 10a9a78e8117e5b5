"""A throwaway copy of the site behind gunicorn on loopback, for the benchmark, the load test
and the tests that need real worker processes.

    from harness import HarnessError, gunicorn, manage, throwaway_env   # scripts/ beside it
    from scripts.harness import gunicorn, manage, throwaway_env         # tests (pythonpath ".")

    env = throwaway_env(workdir, WEB_CONCURRENCY="4")
    manage(env, "migrate", "--noinput")
    with gunicorn(env, workers=4, log_path=workdir / "gunicorn.log") as server:
        get(server.port, "/")          # server.port, .url, .master_pid, .worker_pids()
        server.log_tail()

gunicorn runs with the project's gunicorn.conf.py and acupressure.wsgi on a free 127.0.0.1
port, in its own process group (its master's pid is the group id), so a fault test can kill a
worker or send the master HUP, and stopping it (TERM, then KILL after a grace period) leaves no
process behind. Every wait has a time limit; a failure raises HarnessError with the log's tail.
"""

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
VENV_PYTHON = PROJECT_DIR / ".venv" / "bin" / "python"
HOST = "127.0.0.1"
START_SECONDS = 60
GRACEFUL_STOP_SECONDS = 25


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


def kill_group(process: subprocess.Popen, sig: signal.Signals = signal.SIGKILL) -> None:
    """Send `sig` to the process's whole group (started with start_new_session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)
    if sig == signal.SIGKILL:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)


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
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise HarnessError(f"gunicorn exited at start-up:\n{self.log_tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if get(self.port, path, timeout=5).status == 200:
                    return
            time.sleep(0.2)
        raise HarnessError(
            f"gunicorn did not answer {path} within {seconds:.0f} s:\n{self.log_tail()}"
        )

    def stop(self, grace: float = GRACEFUL_STOP_SECONDS) -> None:
        """TERM to the whole group (gunicorn lets workers finish), KILL to what is left."""
        kill_group(self.process, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=grace)
        kill_group(self.process)


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
    with log_path.open("wb") as log:
        # A fixed argument list; start_new_session puts gunicorn and its workers in one group.
        process = subprocess.Popen(  # noqa: S603
            command,
            env=env | {"BIND": f"{HOST}:{port}", "WEB_CONCURRENCY": str(workers)},
            cwd=PROJECT_DIR,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, port, log_path)
    try:
        server.wait_until_ready(ready_path, start_seconds)
        yield server
    finally:
        server.stop()

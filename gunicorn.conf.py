"""gunicorn settings for `make run`. BIND and WEB_CONCURRENCY come from the environment or .env;
anything else can be overridden with GUNICORN_CMD_ARGS."""

from pathlib import Path

import environ

env = environ.Env()
environ.Env.read_env(Path(__file__).resolve().parent / ".env")

bind = env.str("BIND", default="127.0.0.1:8000")
workers = env.int("WEB_CONCURRENCY", default=2)
timeout = 30
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
# gunicorn's control socket lives at one path per user; a second server on the same machine
# (another checkout, the benchmark) would take it over. Nothing here uses it.
control_socket_disable = True


def when_ready(server):
    host, port = bind.rsplit(":", 1)
    server.log.info(
        "Serving on http://%s:%s/ (editors: http://%s:%s/admin/)", host, port, host, port
    )

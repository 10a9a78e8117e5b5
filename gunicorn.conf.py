"""gunicorn settings for `make run`. BIND and WEB_CONCURRENCY come from the environment or .env
(or the file ENV_FILE names); anything else can be overridden with GUNICORN_CMD_ARGS."""

from pathlib import Path

import environ

env = environ.Env()
# As in settings.py: ENV_FILE points elsewhere (the scripts' throwaway sites use a missing file).
ENV_FILE = Path(env.str("ENV_FILE", default=str(Path(__file__).resolve().parent / ".env")))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE)

bind = env.str("BIND", default="127.0.0.1:8000")
workers = env.int("WEB_CONCURRENCY", default=2)
# A worker stuck for 30 s is replaced; on HUP or TERM, workers get 20 s to finish requests.
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 5000
max_requests_jitter = 500
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

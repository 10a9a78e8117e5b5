# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_VERSION := $(shell cat .python-version)
# pyenv's shim honours .python-version; a system python3.12/3.13 works as well.
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) || command -v python3.13 || command -v python3.12)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Debian packages are installed as root; use sudo when not root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := $(SUDO) apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends

.PHONY: help secret-key run test test-fast test-tools nginx lint format demo reset-demo backup loadtest bench lighthouse

help:
	@echo "make run          set up and serve the site with demo content on http://127.0.0.1:8000"
	@echo "make test         set up and run every test"
	@echo "make test-fast    run the tests that need no browser or HTML checker (SQLite only)"
	@echo "make lint         ruff check and format check, and the migrations check"
	@echo "make format       fix what ruff can fix, and format"
	@echo "make demo         load the demo content again (puts back demo pages editors changed)"
	@echo "make reset-demo   delete all content, its history, the trash and uploaded pictures, and load"
	@echo "                  the demo content again (nothing deleted can be recovered)"
	@echo "make backup       back up the database and uploads into backups/ (safe while serving)"
	@echo "make loadtest     load, fault, spam-bot and slow-client test on loopback (SQLite, PostgreSQL)"
	@echo "make bench        benchmark pages against a static file (prints figures;"
	@echo "                  make bench ARGS=--scale adds 100x the content, ARGS=--quick is shorter)"
	@echo "make lighthouse   Lighthouse scores of the site make run serves on port 8000 (start it first;"
	@echo "                  another address: make lighthouse URL=http://127.0.0.1:8001)"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python $(PYTHON_VERSION) not found (pyenv install $(PYTHON_VERSION))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

# A random SECRET_KEY in the git-ignored .env, written once: also when .env was copied from
# .env.example, whose SECRET_KEY is empty.
secret-key:
	@touch .env && chmod 600 .env
	@grep -qE '^SECRET_KEY=.+' .env || { echo "Writing a new random SECRET_KEY into .env"; \
		sed -i '/^SECRET_KEY=/d' .env; \
		printf 'SECRET_KEY=%s\n' "$$(openssl rand -base64 48 | tr -d '\n/+=')" >> .env; }

run: $(VENV)/.installed secret-key
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_content --if-empty
	$(MANAGE) ensure_editor
	$(MANAGE) collectstatic --noinput --verbosity 0
	@echo "Starting gunicorn; Ctrl-C stops it."
	$(BIN)/gunicorn --config gunicorn.conf.py acupressure.wsgi

# Everything on SQLite, then everything but the browser tests on a throwaway PostgreSQL server.
test: $(VENV)/.installed-dev test-tools
	$(BIN)/pytest
	scripts/with-postgres.sh $(BIN)/pytest -m "not browser"

test-fast: $(VENV)/.installed-dev
	$(BIN)/pytest -m "not browser"

# What the tests need beyond Python: Debian's Chromium (Playwright's own browser download is
# not available here), Java and the Nu Html Checker from npm, redis-server for the shared
# cache test, and nginx for the buffering front's test (deploy/nginx.conf). PostgreSQL is
# installed by scripts/with-postgres.sh.
test-tools: node_modules/.installed nginx
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(APT_INSTALL) chromium fonts-dejavu-core; }
	@command -v java >/dev/null || { $(SUDO) apt-get update -qq && $(APT_INSTALL) default-jre-headless; }
	@command -v redis-server >/dev/null || { $(SUDO) apt-get update -qq && $(APT_INSTALL) redis-server; }

# Debian's nginx, for the buffering front's test and the load test's slow clients.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { $(SUDO) apt-get update -qq && $(APT_INSTALL) nginx; }

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(APT_INSTALL) npm; }
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: $(VENV)/.installed
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_content

reset-demo: $(VENV)/.installed
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_content --reset

backup: $(VENV)/.installed
	$(MANAGE) backup

# Both use a throwaway database of their own; the load test also on a throwaway PostgreSQL,
# and nginx (deploy/nginx.conf) in front for the slow clients.
loadtest: $(VENV)/.installed-dev nginx
	scripts/with-postgres.sh sh -c '$(BIN)/python scripts/loadtest.py --postgres-url "$$DATABASE_URL"'

bench: $(VENV)/.installed-dev
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(APT_INSTALL) wrk; }
	$(BIN)/python scripts/bench.py $(ARGS)

# Lighthouse on a site already running (make run in another terminal).
# The site to measure; `make lighthouse URL=...` overrides it (the environment does not).
URL = http://127.0.0.1:8000
lighthouse:
	scripts/lighthouse.sh $(URL)

# The two commands: `make run` and `make test`. Both set everything up.
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SHARED_DATA ?= ../shared/data/alms2004
SHARED_SEASON ?= 2004

# The first interpreter on PATH that is Python 3.12 or newer.
PYTHON ?= $(shell for candidate in python3.13 python3.12 python3 python; do \
	if $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; \
	then echo $$candidate; break; fi; done)

# Python may keep what it compiles (a shell's PYTHONDONTWRITEBYTECODE=1 would
# have every process compile the site's modules again, and pytest rewrite
# the tests' asserts again in each worker). __pycache__ is ignored by git.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help install lock setup run test lint format check typecheck static data bench bench-pdf soak crawl \
	backup clean lighthouse

help:
	@echo "make run    set up and serve the site at http://127.0.0.1:$(PORT)"
	@echo "make test   set up and run the whole test suite"
	@echo "make lint   pre-commit's hooks (ruff, django-upgrade, djhtml) and the type check"
	@echo "make typecheck  mypy with django-stubs on the typed modules"
	@echo "make format apply ruff's fixes and formatting"
	@echo "make check  Django system check and missing migrations"
	@echo "make lock   compile requirements*.txt (pinned, hashed) from requirements*.in"
	@echo "make data   merge the facts and sources of $(SHARED_DATA) into fixtures/"
	@echo "make bench  load-test production serving on 127.0.0.1 (about 2 minutes)"
	@echo "make bench-pdf  time the Mid-Ohio results PDF"
	@echo "make lighthouse Lighthouse's mobile performance score of the main pages"
	@echo "make soak   a minute of mixed load and editing on 127.0.0.1 (scratch site)"
	@echo "make crawl  save every page, export, PDF and API answer to var/crawl/$(CRAWL_LABEL)"
	@echo "make backup write the database and var/media to var/backups/ (restore: manage.py restore)"

# The locked requirements (requirements*.txt, every package pinned and
# hashed), installed with uv: the machine's own, or else the locked one from
# requirements-uv.txt; pip installs them if uv cannot be had. Compiled to
# bytecode once, as pip does: a process would otherwise compile every module
# it imports again, a second or two for each manage.py, server and test
# worker.
$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-uv.txt
	@if [ -z "$(PYTHON)" ]; then \
		echo "Python 3.12 or newer is needed (3.13 preferred)." >&2; \
		echo "Install it (e.g. 'pyenv install 3.13') or set PYTHON=/path/to/python3.13." >&2; \
		exit 1; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@uv=$$(command -v uv || true); \
	if [ -z "$$uv" ] && $(PY) -m pip install --quiet --disable-pip-version-check \
		--require-hashes --requirement requirements-uv.txt; then uv=$(VENV)/bin/uv; fi; \
	if [ -n "$$uv" ] && "$$uv" pip install --quiet --python $(PY) --require-hashes \
		--compile-bytecode --requirement requirements-dev.txt; then echo "Installed with $$uv."; \
	else $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes \
		--requirement requirements-dev.txt; fi
	@touch $@

install: $(VENV)/.installed

# Compile requirements.txt and requirements-dev.txt from the direct
# dependencies in requirements*.in, pinned and hashed. Today's pins are
# kept; `make lock UPGRADE=--upgrade` moves each to its newest allowed release.
LOCK := pip compile --quiet --generate-hashes --universal --python-version 3.12 $(UPGRADE)
lock: install
	$$(command -v uv || echo $(VENV)/bin/uv) $(LOCK) requirements.in -o requirements.txt
	$$(command -v uv || echo $(VENV)/bin/uv) $(LOCK) requirements-dev.in -o requirements-dev.txt

setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_fixtures
	$(PY) manage.py collectstatic --noinput --verbosity 0

static: install
	$(PY) manage.py collectstatic --noinput

run: setup
	PORT=$(PORT) $(VENV)/bin/gunicorn --config gunicorn.conf.py

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "npm is missing: the accessibility and HTML checks will be skipped." >&2; fi

# The browser tests run in parallel too, at most four processes, each with
# a database, a live server and a browser of its own: past four, the longest
# test (axe over the sitemap) is all that is left to wait for.
test: setup node_modules/.installed
	$(PY) -m pytest
	$(PY) -m pytest tests/browser --run-browser-tests --maxprocesses=4

# The hooks of .pre-commit-config.yaml on every file (ruff, django-upgrade,
# djhtml), then the type check.
lint: install
	PRE_COMMIT_HOME=var/pre-commit $(VENV)/bin/pre-commit run --all-files --show-diff-on-failure
	$(MAKE) --no-print-directory typecheck

# The modules whose every function must be annotated (pyproject.toml's
# [tool.mypy]).
TYPED_MODULES := races/results.py races/checks.py races/standings.py \
	races/classification.py races/importing.py races/uploads.py races/coverage.py
typecheck: install
	$(VENV)/bin/mypy $(TYPED_MODULES)

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# How long the Mid-Ohio results PDF takes (budget: under one second).
bench-pdf: setup
	$(PY) bench/pdf_timing.py

# Merge the shared data folder into fixtures/, in a scratch database: facts the
# site lacks are filled in, nothing it holds is overwritten (races/merging.py).
# Never the site's database or cache, even with DATABASE_URL or REDIS_URL set.
BUILD := env -u DATABASE_URL -u REDIS_URL DJANGO_SQLITE_PATH=var/build.sqlite3 \
	$(PY) manage.py
data: install
	rm -f var/build.sqlite3
	$(BUILD) migrate --noinput --verbosity 0
	$(BUILD) load_fixtures --verbosity 0
	$(BUILD) merge_season_data --season $(SHARED_SEASON) $(SHARED_DATA)
	$(BUILD) export_fixtures
	rm -f var/build.sqlite3

# Production serving under load, then render times at 1x and 10x data.
bench: setup
	@command -v wrk >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/run.py

# Lighthouse's mobile performance score of the main pages (bench/lighthouse.py);
# Lighthouse itself (about 180 MB) goes to var/lighthouse on first use.
LIGHTHOUSE_VERSION := 13.5.0
lighthouse: setup
	@test -x var/lighthouse/node_modules/.bin/lighthouse || npm install --silent --no-audit \
		--no-fund --prefix var/lighthouse lighthouse@$(LIGHTHOUSE_VERSION)
	$(PY) bench/lighthouse.py

# A minute of cached pages, uncacheable sheet requests and an editor saving
# every second, against a scratch site in var/soak: p99, errors, lost edits.
soak: install
	$(PY) bench/soak.py

# Every public answer saved to var/crawl/$(CRAWL_LABEL), from a scratch site;
# compare two crawls with `bench/crawl.py --compare var/crawl/before var/crawl/after`.
CRAWL_LABEL ?= after
crawl: install
	$(PY) bench/crawl.py --label $(CRAWL_LABEL)

# The database (SQLite) and uploaded media in one archive under var/backups/;
# `$(PY) manage.py restore var/backups/<archive>` reads it back.
backup: install
	$(PY) manage.py backup

clean:
	rm -rf $(VENV) var

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

.PHONY: help install setup run test lint format check typecheck static data bench bench-pdf soak crawl \
	backup clean

help:
	@echo "make run    set up and serve the site at http://127.0.0.1:$(PORT)"
	@echo "make test   set up and run the whole test suite"
	@echo "make lint   pre-commit's hooks (ruff, django-upgrade, djhtml) and the type check"
	@echo "make typecheck  mypy with django-stubs on the typed modules"
	@echo "make format apply ruff's fixes and formatting"
	@echo "make check  Django system check and missing migrations"
	@echo "make data   merge the facts and sources of $(SHARED_DATA) into fixtures/"
	@echo "make bench  load-test production serving on 127.0.0.1 (about 2 minutes)"
	@echo "make bench-pdf  time the Mid-Ohio results PDF"
	@echo "make soak   a minute of mixed load and editing on 127.0.0.1 (scratch site)"
	@echo "make crawl  save every page, export, PDF and API answer to var/crawl/$(CRAWL_LABEL)"
	@echo "make backup write the database and var/media to var/backups/ (restore: manage.py restore)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON)" ]; then \
		echo "Python 3.12 or newer is needed (3.13 preferred)." >&2; \
		echo "Install it (e.g. 'pyenv install 3.13') or set PYTHON=/path/to/python3.13." >&2; \
		exit 1; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --requirement requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

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

test: setup node_modules/.installed
	$(PY) -m pytest
	$(PY) -m pytest tests/browser --run-browser-tests --numprocesses=0

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

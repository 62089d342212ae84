# The two commands of the README: `make run` and `make test`. Each installs what it
# needs (uv, the locked environment, Airflow's metadata, the dbt manifest) and skips
# what is already there.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
RUN := $(UV) run --frozen
export EDUWH_HOME ?= $(CURDIR)/.eduwh

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench up setup clean browser office redis cluster

run: setup
	$(RUN) eduwh run --as-of 2019-12-06

# Two pytest-xdist workers; tests/conftest.py keeps a module, and the 2019 night, on one.
# The 30 slowest tests are listed at the end: where the suite's time goes (issue 11).
test: setup lint browser office redis
	$(RUN) pytest -n 2 --durations=30

# Headless Chromium for the report's HTML test, from Debian's packages.
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# LibreOffice (DOCX -> PDF for `eduwh report --format pdf`), from Debian's packages.
office:
	@command -v soffice >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	  libreoffice-writer-nogui fonts-liberation >/dev/null; }

# Redis, the Celery broker of `eduwh cluster`, from Debian's packages (not started here).
redis:
	@command -v redis-server >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server >/dev/null; }

cluster: setup redis
	$(RUN) eduwh cluster up

lint: .venv/.synced
	$(RUN) ruff check include dags plugins tests bench
	$(RUN) ruff format --check include dags plugins tests bench
	$(RUN) eduwh lint-sql dbt_project/models dbt_project/snapshots dbt_project/tests

bench: setup
	@for b in bench/*/run.py; do echo "== $$b"; $(RUN) python $$b || exit 1; done

up: setup
	$(RUN) eduwh up

setup: .venv/.synced
	$(RUN) eduwh setup

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen
	touch $@

clean:
	-$(RUN) eduwh warehouse stop
	rm -rf .eduwh .venv .tools

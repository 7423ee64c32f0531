# Two commands on a fresh machine with Python 3.11 and make: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Processes Dagster starts (code servers, dbt) find the venv's tools without activating it.
export PATH := $(CURDIR)/$(BIN):$(PATH)
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export CDP_LANDING_DIR ?= $(CURDIR)/data/landing
export CDP_WAREHOUSE ?= $(CURDIR)/data/warehouse.duckdb
export CDP_CONFIG_DIR ?= $(CURDIR)/config
# dbt runs from dbt_project/; its DuckDB plugin imports from the project root.
export CDP_PROJECT_ROOT := $(CURDIR)
DEMO_PROFILES ?= 3000
SCALE ?= 100k

.PHONY: install demo test lint dev bench dbt-manifest lock clean

$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(BIN)/.installed

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

# dagster-dbt loads the dbt manifest; it is built from the project, never committed.
dbt-manifest: install
	mkdir -p data
	$(BIN)/dbt parse --project-dir dbt_project --profiles-dir dbt_project --quiet

demo: install $(DAGSTER_HOME)/dagster.yaml dbt-manifest
	rm -rf data/landing data/ground_truth $(CDP_WAREHOUSE)
	$(BIN)/python -m demo_store --out data --profiles $(DEMO_PROFILES) --seed 7
	$(BIN)/dagster asset materialize -m orchestration.definitions --select '*'
	$(BIN)/python -m orchestration.demo_summary

test: install $(DAGSTER_HOME)/dagster.yaml dbt-manifest lint
	$(BIN)/python -m pytest

# SQLFluff's dbt templater compiles the models, with config/ as vars, against a scratch warehouse.
lint: install dbt-manifest
	$(BIN)/ruff check .
	mkdir -p .dagster_home
	CDP_WAREHOUSE=$(CURDIR)/.dagster_home/lint.duckdb $(BIN)/python -m orchestration.lint_sql

dev: install $(DAGSTER_HOME)/dagster.yaml dbt-manifest
	$(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

bench: install dbt-manifest
	$(BIN)/python -m bench.run --scale $(SCALE)

# After changing dependencies in pyproject.toml: rebuild the lock from a clean venv.
lock:
	rm -rf /tmp/cdp-lock-venv && $(PYTHON) -m venv /tmp/cdp-lock-venv
	/tmp/cdp-lock-venv/bin/pip install --quiet '.[test]'
	(echo '# Whole dependency tree, pinned. Regenerate with `make lock` after changing pyproject.toml.'; \
	 /tmp/cdp-lock-venv/bin/pip freeze --exclude warehouse-cdp) > requirements.lock

clean:
	rm -rf $(VENV) .dagster_home dbt_project/target data

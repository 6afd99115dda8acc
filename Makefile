# jointcheck — the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP     := $(VENV)/.dev-installed
# The suite runs on SQLite always and on PostgreSQL whenever this is set (CI always sets it).
JOINTCHECK_TEST_POSTGRES_URL ?= postgresql+asyncpg://$(shell id -un)@127.0.0.1:5432/test
export JOINTCHECK_TEST_POSTGRES_URL

.PHONY: demo run test lint install install-dev bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $@ $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP)
install-dev: $(DEV_STAMP)

## demo: migrate, load demo data, run the whole flow on SQLite with the sandbox
demo: install
	$(BIN)/jointcheck demo

## run: the bot against real Telegram (JOINTCHECK_BOT_TOKEN) or the configured Bot API server
run: install
	$(BIN)/jointcheck db upgrade
	$(BIN)/jointcheck run

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy bot cli demo handlers services storage web sandbox verifier
	$(BIN)/lint-imports

## test: lint, type-check, then the whole suite on SQLite and PostgreSQL
test: install-dev lint
	$(BIN)/pytest

bench: install-dev
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/draw_bench.py

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache

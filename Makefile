# Linli: `make run` (the whole product on an embedded default) and `make test` (everything,
# against real PostgreSQL and Redis). Both install what they need first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MP := miniprogram

.PHONY: run test lint pytest jest services browser bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

$(MP)/node_modules/.installed: $(MP)/package.json $(MP)/package-lock.json
	cd $(MP) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: $(BIN)/.installed $(MP)/node_modules/.installed
	-bash config/ensure-fonts.sh  # without it everything but the PDF export still runs
	$(BIN)/python -m backend.devserver

services:
	bash config/ensure-services.sh

browser:
	bash config/ensure-browser.sh

lint: $(BIN)/.installed
	$(BIN)/ruff check backend bot config tests bench
	$(BIN)/ruff format --check backend bot config tests bench
	$(BIN)/lint-imports  # the import contracts in pyproject.toml: no cycles, no wrong-way imports

# ARGS: pytest's own arguments (a folder, -k, …): `make test ARGS=tests/ledger` runs that folder
# alone, with the same services and isolation, and skips the mini-program's suite.
# SHUFFLE=1: run the tests in a random order (pytest-randomly). The seed is in the pytest
# command make prints; SHUFFLE=1 SEED=<it> repeats that order.
# WORKERS: pytest-xdist workers, one per core by default.
WORKERS ?= auto
SEED ?= $(shell od -An -N2 -tu2 /dev/urandom | tr -d ' ')
PYTEST_ORDER := $(if $(SHUFFLE),-p randomly --randomly-seed=$(SEED),)

# The browser tests read axe-core from the mini-program's npm packages.
pytest: $(BIN)/.installed $(MP)/node_modules/.installed services browser
	$(BIN)/pytest -n $(WORKERS) --durations=15 $(PYTEST_ORDER) $(ARGS)

jest: $(MP)/node_modules/.installed
	cd $(MP) && npx jest --ci --maxWorkers=100%

test: lint pytest $(if $(ARGS),,jest)

bench: $(BIN)/.installed services
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(MP)/node_modules $(MP)/miniprogram_npm var

# One entry point for newcomers and CI: `make demo` runs the product, `make test` checks it.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: install test lint types unit browser vendor demo bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

## test: install everything, then lint, type-check and run the whole suite (SQLite and PostgreSQL)
test: install lint types unit

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

types: install
	$(PY) -m mypy

unit: install browser
	$(PY) -m pytest

## browser: Debian's chromium for the console's browser tests, installed with apt when missing
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

## vendor: rebuild the console's vendored MapLibre and basemap from web/package-lock.json
vendor:
	cd web && npm ci --no-audit --no-fund && npm run build

## demo: install, then play the fictional scenario on a fresh SQLite file
demo: install
	$(VENV)/bin/deconflict demo

## bench: the conflict-search benchmark at its quick size
bench: install
	$(PY) bench/conflicts.py --quick

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

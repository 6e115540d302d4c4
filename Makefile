# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# 2 cores in CI: one pytest worker per core.
PYTEST_WORKERS ?= 2

.PHONY: venv demo test lint types layers unit bench screens clean serve

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: venv
	$(BIN)/sambat-tui demo

serve: venv
	$(BIN)/sambat-central serve

lint: venv
	$(BIN)/ruff check sambat_tui tests bench
	$(BIN)/ruff format --check sambat_tui tests bench

types: venv
	$(BIN)/mypy

layers: venv
	$(BIN)/lint-imports

unit: venv
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

test: lint types layers unit

bench: venv
	$(BIN)/python -m bench

screens: venv
	$(BIN)/python -m tests.ui.render_screens screens

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

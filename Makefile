# Huanwei — two commands for a newcomer: `make demo` and `make test`.
# Everything is installed into .venv inside the work tree; a stamp keyed on
# pyproject.toml re-installs only when the dependencies change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
DEMO_OUT ?= out/demo

.PHONY: demo test lint typecheck unit venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

demo: venv
	$(BIN)/huanwei demo --out $(DEMO_OUT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

unit: venv
	$(BIN)/pytest -q

test: lint typecheck unit

clean:
	rm -rf $(VENV) .cache out .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Huanwei — two commands for a newcomer: `make demo` and `make test`.
# Everything is installed into .venv inside the work tree; a stamp keyed on
# pyproject.toml re-installs only when the dependencies change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
DEMO_OUT ?= out/demo
# `make demo` ends by serving the API on localhost with the demo plan; DEMO_SERVE=0 skips serving.
DEMO_SERVE ?= 1
DEMO_PORT ?= 8000
# Test processes (pytest-xdist): the machine's two cores; each has its own PostGIS database,
# SpatiaLite file and Chromium.
TEST_WORKERS ?= 2

.PHONY: demo test lint typecheck unit venv clean db browser spatialite

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

demo: venv spatialite
	$(BIN)/huanwei demo --out $(DEMO_OUT)
	$(BIN)/huanwei demo-serve --out $(DEMO_OUT) --host 127.0.0.1 --port $(DEMO_PORT) \
		$(if $(filter 0,$(DEMO_SERVE)),--no-serve)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

unit: venv db browser
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist worksteal --durations=15

# Debian packages, installed when missing (one step for both commands, whichever comes first).
# SUDO is empty as root (CI) and `sudo` for a user who is not.
SUDO := $(shell test "$$(id -u)" = 0 || echo sudo)
APT_INSTALL = dpkg -s $(1) >/dev/null 2>&1 || \
	($(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $(1))

# The embedded database of `make demo` and of the API by default: SQLite with SpatiaLite.
SPATIALITE_PACKAGES := libsqlite3-mod-spatialite
spatialite:
	@$(call APT_INSTALL,$(SPATIALITE_PACKAGES))

# The API's tests need a real PostGIS (and SpatiaLite): install the Debian packages when missing
# and start the PostgreSQL 15 cluster through Debian's wrapper (it switches to the postgres user,
# as PostgreSQL refuses to run as root). The tests make their own database for each run
# (tests/api/database.py). Idempotent.
DB_PACKAGES := postgresql-15-postgis-3 $(SPATIALITE_PACKAGES)
db: spatialite
	@$(call APT_INSTALL,$(DB_PACKAGES))
	@pg_lsclusters -h | grep -q '^15 *main ' || pg_createcluster 15 main
	@pg_lsclusters -h | grep -q '^15 *main .*online' || \
		pg_ctlcluster --skip-systemctl-redirect 15 main start

# The web pages' tests (tests/web) drive Debian's headless Chromium through selenium: install it
# with its driver (and a CJK font, so the Chinese pages render in screenshots) when missing.
BROWSER_PACKAGES := chromium chromium-driver fonts-wqy-zenhei
browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || \
		($(SUDO) apt-get update && \
		 $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $(BROWSER_PACKAGES))

test: lint typecheck unit

clean:
	rm -rf $(VENV) .cache out .pytest_cache .mypy_cache .ruff_cache .hypothesis

# DX Assess — two commands on a fresh Debian machine: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
export FLASK_APP := portal
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install sysdeps lint typecheck pytest-sqlite pytest-postgres translations translations-update bench clean worker plotly-bundle

## Install what is needed (system packages too when run as root), migrate, seed demo data, serve.
run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) bureau seed-demo
	$(FLASK) review seed-demo
	@echo "Serving on http://$(HOST):$(PORT)/ — demo accounts are listed in README.md"
	$(FLASK) run --host $(HOST) --port $(PORT)

## Lint, type-check, then the whole suite on SQLite and (when TEST_DATABASE_URL is set) on PostgreSQL.
test: install lint typecheck pytest-sqlite pytest-postgres

install: sysdeps $(STAMP) translations

sysdeps:
	@bash scripts/system-packages.sh

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

translations: $(STAMP)
	$(VENV)/bin/pybabel compile -d portal/translations --use-fuzzy 2>&1 | grep -v "^compiling" || true
	@test -f portal/translations/en/LC_MESSAGES/messages.mo || { echo "translations did not compile"; exit 1; }

## Refresh the message catalogs after changing user-facing strings (then translate the new entries).
translations-update: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		-o portal/translations/messages.pot .
	$(VENV)/bin/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

# The two-node test needs the machine's PostgreSQL and Redis: it runs in the PostgreSQL pass.
pytest-sqlite: $(STAMP)
	env -u TEST_DATABASE_URL $(PY) -m pytest -q -p no:cacheprovider -m "not multinode"

pytest-postgres: $(STAMP)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL run against $$TEST_DATABASE_URL"; \
		$(PY) -m pytest -q -p no:cacheprovider; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

## Render PDF reports from the RQ queue (needs REDIS_URL; BURST=1 exits when the queue is empty).
worker: install
	$(FLASK) report worker $(if $(BURST),--burst,)

## Rebuild the vendored partial plotly.js (static/vendor/plotly-dx.min.js) from the npm registry and
## check its checksum; `make plotly-bundle UPDATE=1` replaces it (after changing scripts/plotly/).
plotly-bundle:
	bash scripts/plotly/build.sh $(if $(UPDATE),--update,)

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) instance/*.sqlite3 .mypy_cache .ruff_cache

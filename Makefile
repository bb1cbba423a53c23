# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes in parallel (pytest-xdist): one per core, at most four.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)

.PHONY: install system-deps run test test-fast bench lint format messages backup restore check-files clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The demo key that seals survey answers on this machine (berakhlak/keyring.py), made once and kept:
# deleting it makes every draft and waiting submission of this database unreadable.
KEYS := var/survey.keys
$(KEYS): | $(STAMP)
	mkdir -p var
	umask 077 && $(PY) -m berakhlak.keyring new demo > $(KEYS)

install: $(STAMP) $(KEYS)

## Migrate, load the demo province (idempotent), print a login per role and serve.
run: export DEBUG ?= 1
run: export HOST := $(HOST)
run: export PORT := $(PORT)
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## Chromium, Pango and gettext from Debian when missing (root or sudo), else the command to run.
system-deps:
	@sh scripts/system-deps

## Lint, Django checks, migrations up to date, every test (unit and browser).
test: system-deps install lint
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)
	@# The insider's attacks run on both databases: again on SQLite when CI gave PostgreSQL.
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "insider and release tests on SQLite:"; \
		env -u DATABASE_URL $(PY) -m pytest -q tests/surveys/test_insider.py tests/surveys/test_release.py tests/surveys/test_sealing.py; \
	fi

## Tests without the browser ones, for a quick loop.
test-fast: install
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Speed and memory benchmarks; each prints ratios against a baseline measured in the same run.
bench: install
	$(PY) -m bench.run

## Rebuild the translation catalogues (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

## Database and MEDIA_ROOT, consistent, with a manifest and checksums, into var/backups/<stamp>/.
backup: install
	$(PY) manage.py backup

## Restore BACKUP=var/backups/<stamp> into a NEW database and a NEW media folder (never the live ones);
## optional TARGET_DB (database name, or SQLite file) and TARGET_MEDIA (folder).
restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<stamp> [TARGET_DB=...] [TARGET_MEDIA=...]"; exit 2; }
	$(PY) manage.py restore "$(BACKUP)" $(if $(TARGET_DB),--target-db "$(TARGET_DB)") $(if $(TARGET_MEDIA),--target-media "$(TARGET_MEDIA)")

## Every row whose file is missing from MEDIA_ROOT (the full check behind /health/'s sample).
check-files: install
	$(PY) manage.py check_files

clean:
	rm -rf $(VENV) var/db.sqlite3 var/media

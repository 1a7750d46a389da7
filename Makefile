# make run:   set up the virtualenv, migrate, load the demo data, serve on 127.0.0.1:8000
# make test:  lint, migration check, and the test suite on SQLite and on PostgreSQL

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-sqlite

# One virtualenv for running and testing, reinstalled when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=techmarket.settings.test
	@echo "== pytest on SQLite =="
	$(BIN)/pytest
	@echo "== pytest on PostgreSQL =="
	scripts/with-postgres $(BIN)/pytest

# The quick local run: SQLite only.
test-sqlite: $(VENV)/.installed
	$(BIN)/pytest

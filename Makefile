# make run:   set up the virtualenv, migrate, load the demo data and index it, serve on 127.0.0.1:8000
# make test:  lint, migration check, the test suite on SQLite, and again on PostgreSQL without the tests
#             marked one_database (tests/README.md says which and why)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two pytest workers (pytest-xdist): on a 2-CPU machine the suite takes about two thirds of the time of one
# process (tests/README.md has the figures); WORKERS=0 runs in one process. Each run's log ends with its 25
# slowest tests, to show where the time goes.
WORKERS ?= 2
PYTEST := $(BIN)/pytest --durations=25 -n $(WORKERS)

# localstripe, the Stripe-compatible server of the Stripe gateway's tests, in its own virtualenv.
LOCALSTRIPE := var/localstripe

.PHONY: run test test-sqlite messages requirements localstripe

# One virtualenv: the runtime requirements for `make run`, the test tools on top
# for `make test`; each reinstalled when its requirements file changes.
$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install -r requirements-dev.txt
	touch $@

$(LOCALSTRIPE)/.installed: requirements-localstripe.txt
	test -x $(LOCALSTRIPE)/bin/python || $(PYTHON) -m venv $(LOCALSTRIPE)
	$(LOCALSTRIPE)/bin/python -m pip install --quiet -r requirements-localstripe.txt
	touch $@

localstripe: $(LOCALSTRIPE)/.installed

run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(VENV)/.dev $(LOCALSTRIPE)/.installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=techmarket.settings.test
	@echo "== pytest on SQLite =="
	$(PYTEST)
	@echo "== pytest on PostgreSQL (not one_database) =="
	scripts/with-postgres $(PYTEST) -m "not one_database"

# The quick local run: SQLite only.
test-sqlite: $(VENV)/.dev $(LOCALSTRIPE)/.installed
	$(PYTEST)

# Extract translatable strings into locale/zh_Hans (translate them there), then compile.
messages: $(VENV)/.dev
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Re-pin requirements*.txt from the .in files.
requirements: $(VENV)/.dev
	$(BIN)/pip-compile --quiet --no-header --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --no-header --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

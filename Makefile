# `make run` serves the demo site with a worker; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The compiled PubMed record reader (references/_pubmed_fast.c), built in place.
BUILT := $(VENV)/.built
PORT ?= 8000

.PHONY: run up test lint format bench load install clean

install: $(BUILT)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

$(BUILT): $(STAMP) setup.py references/_pubmed_fast.c
	$(BIN)/python setup.py -q build_ext --inplace
	touch $(BUILT)

run: export DEBUG = 1
run: $(BUILT)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py demo_accounts
	@echo "Serving http://127.0.0.1:$(PORT)/ (admin at /admin/) with a Celery worker beside it. Ctrl-C stops both."
	@$(BIN)/celery -A curation worker -Q celery,ncbi --loglevel=INFO --concurrency=1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production stack on this machine: gunicorn, a worker, an NCBI worker and beat (the
# Procfile) with DEBUG off, against PostgreSQL and Redis. Ctrl-C stops them all.
up: export DEBUG = 0
up: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/curation
up: export REDIS_URL ?= redis://127.0.0.1:6379/0
up: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
up: export SECURE_SSL_REDIRECT ?= 0
up: export PATH := $(abspath $(BIN)):$(PATH)
up: $(BUILT)
	@mkdir -p var
	@test -s var/secret_key || python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key
	python manage.py create_database
	python manage.py migrate --noinput
	python manage.py collectstatic --noinput -v 0
	@echo "Serving http://127.0.0.1:8000/ with DEBUG off. Ctrl-C stops every process."
	SECRET_KEY=$${SECRET_KEY:-$$(cat var/secret_key)} honcho start

test: $(BUILT)
	$(BIN)/pytest

bench: $(BUILT)
	$(BIN)/python -m bench

# The load test: the production stack (as `make up`) on a database of its own, under locust
# readers, curators and reviewers; fails on any 5xx or lost approval. Report in test-output/load/.
load: $(BUILT)
	$(BIN)/python -m loadtest.run --seconds $${LOAD_SECONDS:-60} --users $${LOAD_USERS:-20}

lint: $(BUILT)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var db.sqlite3 staticfiles .pytest_cache .ruff_cache build references/_pubmed_fast*.so

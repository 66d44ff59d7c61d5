# Klyngekart: the commands a developer and CI use. `make run` and `make test` are the two that matter.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run install migrate demo test test-postgres schemathesis soak lint e2e vendor messages check-deploy collectstatic-check clean bench bench-quick

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Compiled catalogues are build output: always rebuilt from the committed .po files.
compilemessages: $(STAMP)
	$(PY) scripts/compile_translations.py

run: $(STAMP) compilemessages
	$(PY) manage.py migrate --noinput --verbosity 0
	$(PY) manage.py demo --if-empty
	SITE_URL=$${SITE_URL:-http://localhost:$(PORT)} $(PY) manage.py runserver $(HOST):$(PORT)

demo: $(STAMP)
	$(PY) manage.py demo

# The suite runs in one pytest-xdist worker per core (TEST_WORKERS=1 for one process), each test
# file in one worker, each worker with its own database.
TEST_WORKERS ?= auto
PYTEST_PARALLEL := $(if $(filter 1,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)

test: $(STAMP) compilemessages
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -q -m "not schemathesis" $(PYTEST_PARALLEL)

# The same suite against PostgreSQL (DATABASE_URL defaults to the local server, trust auth).
test-postgres: $(STAMP) compilemessages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/klyngekart} \
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -q -m "not schemathesis" $(PYTEST_PARALLEL)

# Every API operation fuzzed from /api/v1/openapi.json with a token per role (schemathesis): no 5xx,
# no answer outside the document. Minutes long, so a stage of its own in .ci/run, on PostgreSQL there.
schemathesis: $(STAMP) compilemessages
	DJANGO_SETTINGS_MODULE=config.settings.test SCHEMATHESIS_EXAMPLES=$${SCHEMATHESIS_EXAMPLES:-4} \
	$(BIN)/pytest -q -m schemathesis klyngekart/api/tests/test_schemathesis.py

e2e: $(STAMP) compilemessages
	DJANGO_SETTINGS_MODULE=config.settings.test DJANGO_ALLOW_ASYNC_UNSAFE=true \
	$(BIN)/pytest -q e2e -p no:randomly

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy klyngekart config bench

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP)
	cd klyngekart && ../$(PY) ../manage.py makemessages -l nb -l en --no-obsolete --no-location \
		--ignore 'static/*' --ignore '*/tests/*'
	cd klyngekart && ../$(PY) ../manage.py makemessages -d djangojs -l nb -l en --no-obsolete \
		--no-location --ignore 'static/vendor/*'

# The checks read settings only and never connect, so a placeholder PostgreSQL address will do.
check-deploy: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	DATABASE_URL=$${DATABASE_URL:-postgres://klyngekart@db.invalid:5432/klyngekart} \
	ALLOWED_HOSTS=klyngekart.example.no SITE_URL=$${SITE_URL:-https://klyngekart.example.no} \
	$(PY) manage.py check --deploy --fail-level WARNING

# The production collectstatic (whitenoise's compressed manifest) into a temporary directory. It
# stops on any reference a static file makes to a file that is not there, and production then
# has no manifest and answers 500 on every page; afterwards one page's static URLs must resolve.
collectstatic-check: $(STAMP)
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	export DJANGO_SETTINGS_MODULE=config.settings.production STATIC_ROOT="$$tmp" \
		SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=klyngekart.example.no \
		DATABASE_URL=$${DATABASE_URL:-postgres://klyngekart@db.invalid:5432/klyngekart} && \
	$(PY) manage.py collectstatic --noinput --verbosity 0 && \
	$(PY) -c 'import django; django.setup(); from django.templatetags.static import static; \
		names = ["vendor/vega/vega-embed.min.js", "vendor/htmx/htmx.min.js", "vendor/designsystemet/designsystemet.css"]; \
		print("collectstatic-check:", *[static(name) for name in names], sep="\n  ")'

# The benchmark (docs/performance.md): scale data, gunicorn, every scenario against its baseline.
# A measurement, not a test. With DATABASE_URL=postgres://... it runs on that PostgreSQL server.
bench: $(STAMP) compilemessages
	DJANGO_SETTINGS_MODULE=config.settings.bench $(PY) -m bench --scale cluster --scale national

# The fault test (bench/soak.py, docs/performance.md): the deployment recipe in deploy/ under 200
# clients while an app server and the task consumer are killed; PostgreSQL with two app servers
# behind nginx, then SQLite with one. Needs nginx (apt-get install nginx-light) and Redis.
soak: $(STAMP) compilemessages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/klyngekart} $(PY) -m bench.soak
	$(PY) -m bench.soak --sqlite

bench-quick: $(STAMP) compilemessages
	DJANGO_SETTINGS_MODULE=config.settings.bench $(PY) -m bench --scale cluster --quick

vendor:
	bash scripts/vendor.sh

clean:
	rm -rf $(VENV) var/*.sqlite3*

constraints: $(STAMP)
	{ sed -n '1,2p' constraints.txt; $(BIN)/pip freeze --exclude-editable; } > constraints.tmp && mv constraints.tmp constraints.txt

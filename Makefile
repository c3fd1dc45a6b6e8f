# The README's commands. Needs only python3 on a fresh machine: uv is installed with pip if missing.
SHELL := /bin/bash
PORT ?= 8000
# pytest-xdist processes for `make test` (each has its own test database); 0 runs in one.
TEST_WORKERS ?= 2
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := python3 -m uv
endif
RUN := $(UV) run --frozen
export UV_LINK_MODE ?= copy
# Python keeps the bytecode it compiles (in the git-ignored __pycache__ folders) even where the
# environment says not to: every process the tests start (each test process, each server and
# worker, each manage.py) would compile some 900 modules again, about a second each.
unexport PYTHONDONTWRITEBYTECODE
# The web server's command line, for the demo, `make serve` and production (docs/operations.md):
# a worker that dies is replaced (granian's supervisor) instead of the whole server stopping.
# Each worker runs WEB_THREADS request threads and keeps as many database connections at most
# (DATABASE_POOL_SIZE on PostgreSQL; one per thread on SQLite): a thread never waits for a
# connection, and app servers × WEB_WORKERS × WEB_THREADS stays under PostgreSQL's limit.
WEB_WORKERS ?= 2
WEB_THREADS ?= 4
export DATABASE_POOL_SIZE ?= $(WEB_THREADS)
# The site's address for what `make demo` writes without a request (its commands and task
# worker: e-mailed links, notifications); the web server follows each request's host and
# port instead (ascn.core.site). A SITE_URL in the environment wins.
DEMO_ENV := SITE_URL="$(or $(SITE_URL),http://127.0.0.1:$(PORT))"
# glibc hands large blocks (>= 128 KiB) straight back to the system instead of raising the
# threshold after each free and keeping them in its arenas: a worker's memory after every
# page kind 248 -> 206 MB at full scale (docs/operations.md, "What a worker holds").
WEB_ENV := MALLOC_MMAP_THRESHOLD_=131072
GRANIAN := granian --interface wsgi --host 127.0.0.1 --port $(PORT) --respawn-failed-workers --respawn-interval 1 --blocking-threads $(WEB_THREADS)

.PHONY: help uv install install-dev demo serve migrate seed test test-pg browser wrk java checkers gettext messages fonts lint fmt openapi openapi-lint fuzz bench soak clean

help:
	@echo "make demo      install, migrate SQLite in var/, load the real network data, serve on :$(PORT)"
	@echo "make test      install what tests need (Chromium included) and run the whole suite"
	@echo "make test-pg   the suite on PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)"
	@echo "make fuzz      the API fuzzed as four principals at nightly size (FUZZ_EXAMPLES=60: ~33,000 requests, ~10 min)"
	@echo "make lint|fmt|openapi|openapi-lint|bench"

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

install: uv
	$(UV) sync --frozen --no-dev

install-dev: uv
	$(UV) sync --frozen

var:
	mkdir -p var

migrate: var
	$(RUN) python manage.py migrate --noinput

seed: migrate
	$(RUN) python manage.py load_network
	$(RUN) python manage.py load_partners
	$(RUN) python manage.py load_exchange_rates
	$(RUN) python manage.py load_meetings
	$(RUN) python manage.py load_agreements
	$(RUN) python manage.py load_cooperation
	$(RUN) python manage.py load_projects
	$(RUN) python manage.py load_indicators
	$(RUN) python manage.py load_indicator_values

demo: install var gettext node_modules/.package-lock.json
	$(RUN) --no-dev python manage.py build_fonts
	$(RUN) --no-dev python manage.py compilemessages --ignore .venv --ignore node_modules --verbosity 0
	$(DEMO_ENV) $(RUN) --no-dev python manage.py migrate --noinput
	$(DEMO_ENV) $(RUN) --no-dev python manage.py load_network
	$(DEMO_ENV) $(RUN) --no-dev python manage.py load_partners
	$(DEMO_ENV) $(RUN) --no-dev python manage.py load_exchange_rates
	$(DEMO_ENV) $(RUN) --no-dev python manage.py load_meetings
	$(DEMO_ENV) $(RUN) --no-dev python manage.py load_agreements
	$(DEMO_ENV) $(RUN) --no-dev python manage.py load_cooperation
	$(DEMO_ENV) $(RUN) --no-dev python manage.py load_projects
	$(DEMO_ENV) $(RUN) --no-dev python manage.py load_indicators
	$(DEMO_ENV) $(RUN) --no-dev python manage.py load_indicator_values
	$(DEMO_ENV) ASCN_DEMO=1 $(RUN) --no-dev python manage.py load_demo
	$(DEMO_ENV) ASCN_DEMO=1 EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend $(RUN) --no-dev python manage.py load_samples
	$(DEMO_ENV) ASCN_DEMO=1 $(RUN) --no-dev python manage.py load_sample_partners
	$(DEMO_ENV) ASCN_DEMO=1 EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend $(RUN) --no-dev python manage.py load_sample_deals
	$(DEMO_ENV) ASCN_DEMO=1 EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend $(RUN) --no-dev python manage.py load_sample_programmes
	$(DEMO_ENV) ASCN_DEMO=1 $(RUN) --no-dev python manage.py load_sample_indicators
	$(DEMO_ENV) ASCN_DEMO=1 EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend $(RUN) --no-dev python manage.py load_sample_meetings
	$(DEMO_ENV) ASCN_DEMO=1 $(RUN) --no-dev python manage.py load_sample_cooperation
	$(DEMO_ENV) $(RUN) --no-dev python manage.py snapshot_open_data
	$(DEMO_ENV) $(RUN) --no-dev python manage.py build_vega_bundle
	$(DEMO_ENV) $(RUN) --no-dev python manage.py collectstatic --noinput --verbosity 0
	@echo "Serving the ASCN Platform on http://127.0.0.1:$(PORT)/ (background tasks: db_worker)"
	$(DEMO_ENV) ASCN_DEMO=1 $(RUN) --no-dev python manage.py db_worker --queue-name default --no-reload > var/worker.log 2>&1 & \
	trap 'kill %1 2>/dev/null' EXIT INT TERM; \
	$(WEB_ENV) ASCN_DEMO=1 $(RUN) --no-dev $(GRANIAN) --workers 1 config.wsgi:application

serve: messages fonts
	$(WEB_ENV) $(RUN) $(GRANIAN) --workers $(WEB_WORKERS) config.wsgi:application

# The translation catalogues (src/ascn/locale/*/LC_MESSAGES/django.po) compiled to .mo with
# GNU gettext's msgfmt (Debian's gettext package), as Django's compilemessages does.
gettext:
	@command -v msgfmt >/dev/null 2>&1 || { \
	  echo "Installing Debian's gettext to compile the translation catalogues"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext >/dev/null; }

# The Noto fonts for Thai, Khmer, Lao and Burmese (npm's @fontsource packages) into the
# git-ignored static/vendor/fonts/.
fonts: node_modules/.package-lock.json
	$(RUN) python manage.py build_fonts

messages: gettext
	$(RUN) python manage.py compilemessages --ignore .venv --ignore node_modules --verbosity 0

browser:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Debian's wrk drives the real server in `make bench` (a C load generator: the Python client
# it replaced was slower than the server it measured).
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing Debian's wrk for the benchmark's real-server phase"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }

# The validators other people wrote (Redocly, Spectral, the Nu HTML Checker), from the npm
# registry with package-lock.json; reinstalled only when the lockfile changes.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Debian's Java runs the Nu HTML Checker (vnu.jar).
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing Debian's Java for the HTML checker"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; }

checkers: node_modules/.package-lock.json java

test: install-dev browser checkers messages fonts
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	PYTHONPATH=src $(RUN) lint-imports
	$(RUN) mypy
	$(RUN) python manage.py check
	$(RUN) python manage.py makemigrations --check --dry-run
	$(RUN) python manage.py build_vega_bundle
	$(RUN) pytest -n $(TEST_WORKERS) --dist worksteal --durations=25

test-pg: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
test-pg: test

lint: install-dev
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy

fmt: install-dev
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

openapi: install-dev
	$(RUN) python manage.py export_openapi > docs/api/openapi.json

# The committed OpenAPI description under Redocly's recommended rules and Spectral's
# spectral:oas (tests/core/test_openapi_standards.py runs them on the generated one).
openapi-lint: checkers
	REDOCLY_TELEMETRY=off node_modules/.bin/redocly lint --config redocly.yaml docs/api/openapi.json
	node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity=hint docs/api/openapi.json

# The API fuzz test at nightly size (make test runs it with FUZZ_EXAMPLES=4).
FUZZ_EXAMPLES ?= 60
fuzz: install-dev
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_COVERAGE=1 $(RUN) pytest tests/core/test_api_fuzz.py -p no:cacheprovider -q -rA

# The real-server phase serves the bench database as `make serve` does (WEB_WORKERS workers of
# WEB_THREADS threads each) and drives it with wrk.
bench: install-dev wrk
	WEB_WORKERS=$(WEB_WORKERS) WEB_THREADS=$(WEB_THREADS) $(RUN) python -m bench
	@echo "PostgreSQL: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench"

# 10 minutes of mixed load on PostgreSQL, a web worker killed midway (docs/operations.md).
soak: install-dev
	$(RUN) python -m bench.soak

clean:
	rm -rf var .pytest_cache .mypy_cache

# Local development entry points. Each target runs inside the project's virtualenv.

PY := .venv/bin/python
RUN_DIR ?= .run

.PHONY: .venv up infra down purge status lint test screenshots bench demo docs messages

# Reinstall only when the dependencies changed, not on every target.
.venv/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

.venv: .venv/.installed

up: .venv/.installed
	$(PY) -m infra up --run-dir $(RUN_DIR)

# Postgres, Kafka and the SMTP sink without the services: what the tests can be pointed at
# (README, Tests), as they start and kill service processes of their own.
infra: .venv/.installed
	$(PY) -m infra up --no-services --run-dir $(RUN_DIR)

down: .venv/.installed
	$(PY) -m infra down --run-dir $(RUN_DIR)

purge: .venv/.installed
	$(PY) -m infra down --purge --run-dir $(RUN_DIR)

# A whole edition on a fresh stack (the demo edition can close only once), left running
# afterwards so it can be looked at; `make down` stops it.
demo: .venv/.installed
	$(PY) -m infra down --purge --run-dir $(RUN_DIR)
	$(PY) -m infra up --run-dir $(RUN_DIR)
	$(PY) -m demo --run-dir $(RUN_DIR)

status: .venv/.installed
	$(PY) -m infra status --run-dir $(RUN_DIR)

lint: .venv/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy shared services infra tests bench demo cli

# The Compose Specification schema and linter that the deployment tests use, pinned.
COMPOSE_LINT := deploy/compose-lint
$(COMPOSE_LINT)/node_modules/.installed: $(COMPOSE_LINT)/package-lock.json
	npm ci --prefix $(COMPOSE_LINT) --no-audit --no-fund
	touch $@

# What the browser tests inject into pages (axe-core), pinned.
BROWSER_CHECKS := tests/browser
$(BROWSER_CHECKS)/node_modules/.installed: $(BROWSER_CHECKS)/package-lock.json
	npm ci --prefix $(BROWSER_CHECKS) --no-audit --no-fund
	touch $@

# Every tier; the tests start (and stop) their own Postgres, Kafka and SMTP sink unless
# explicit URLs are given (see README). Chromium is for the dashboard's page test.
test: lint $(COMPOSE_LINT)/node_modules/.installed $(BROWSER_CHECKS)/node_modules/.installed
	$(PY) -m infra prereqs --browser
	$(PY) -m pytest --durations=20

# The pictures under docs/: the page tests, leaving their screenshots there.
screenshots: $(BROWSER_CHECKS)/node_modules/.installed
	$(PY) -m infra prereqs --browser
	SCREENSHOTS_DIR=$(CURDIR)/docs $(PY) -m pytest tests/e2e/test_offer_page.py tests/e2e/test_athlete_pages.py \
		tests/e2e/test_review_panel.py

# Every path beside its raw baseline (bench/suite.py), SIZE=1k|10k|100k applications. It
# closes the demo edition, so on a fresh stack: `make purge && make up && make bench SIZE=10k`.
SIZE ?= 1k
bench: .venv/.installed
	$(PY) -m bench.suite --size $(SIZE)

# Regenerates docs/asyncapi.yaml and docs/openapi/*.json from the code; CI fails on drift.
docs: .venv/.installed
	$(PY) -m infra.contract_docs write

# The texts of the pages and e-mails into shared/pages/locales/pages.pot (babel.cfg says where
# they are), then into each language's catalog; a new text waits there for its translation.
messages: .venv/.installed
	.venv/bin/pybabel extract -F babel.cfg -k N_ --no-location --omit-header --sort-output --no-wrap \
		-o shared/pages/locales/pages.pot .
	.venv/bin/pybabel update -i shared/pages/locales/pages.pot -d shared/pages/locales -D pages \
		--no-fuzzy-matching --ignore-obsolete --no-wrap

# Local development entry points. Each target runs inside the project's virtualenv.

PY := .venv/bin/python
RUN_DIR ?= .run

.PHONY: .venv up down purge status

# Reinstall only when the dependencies changed, not on every target.
.venv/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

.venv: .venv/.installed

up: .venv/.installed
	$(PY) -m infra up --run-dir $(RUN_DIR)

down: .venv/.installed
	$(PY) -m infra down --run-dir $(RUN_DIR)

purge: .venv/.installed
	$(PY) -m infra down --purge --run-dir $(RUN_DIR)

status: .venv/.installed
	$(PY) -m infra status --run-dir $(RUN_DIR)

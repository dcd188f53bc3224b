# Every Call: two commands for everyone.
#   make lab    start JupyterLab on the course (creates .venv on first run)
#   make test   install the test tools, make sure Chromium is there, run every test
# Run `make help` for the rest.

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8888
NO_BROWSER ?=
CI ?=

BIN := $(VENV)/bin
PY := $(BIN)/python
# Re-install when the project's metadata changes (a stamp per extra).
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: help lab test install install-test chromium lint benchmarks clean handouts

help: ## list the commands
	@echo "Every Call: teaching notebooks on police responses to domestic abuse"
	@echo
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo
	@echo "Settings: PORT=$(PORT) NO_BROWSER=1 (do not open a browser) CHROMIUM=/path/to/chromium"
	@echo "Support: National Domestic Abuse Helpline 0808 2000 247 (free, 24 hours); 999 in an emergency."

$(PY):
	@bash scripts/make-venv.sh "$(PYTHON)" "$(VENV)"

$(STAMP_RUN): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@$(PY) -m toolkit.lab_settings "$(VENV)"
	@touch $@

$(STAMP_TEST): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@$(PY) -m toolkit.lab_settings "$(VENV)"
	@touch $@ $(STAMP_RUN)

install: $(STAMP_RUN) ## create .venv and install the course

install-test: $(STAMP_TEST) ## create .venv with the test tools

lab: $(STAMP_RUN) ## start JupyterLab on notebooks/00-start-here.ipynb (PORT=, NO_BROWSER=1)
	@bash scripts/lab.sh "$(BIN)" "$(PORT)" "$(NO_BROWSER)"

chromium: ## make sure a Chromium is available for browser tests and PDF handouts
	@CI="$(CI)" bash scripts/ensure-chromium.sh

test: $(STAMP_TEST) chromium ## run every test (browser tests need Chromium; CI=true makes a missing one fail)
	CI="$(CI)" $(BIN)/pytest

lint: $(STAMP_TEST) ## ruff, the import contracts (import-linter) and types (mypy)
	$(BIN)/ruff check toolkit tests benchmarks notebooks
	$(BIN)/ruff format --check toolkit tests benchmarks notebooks
	$(BIN)/lint-imports
	$(BIN)/mypy

benchmarks: $(STAMP_TEST) ## run every benchmark and print its figures
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

handouts: $(STAMP_RUN) chromium ## build the course pack (student + trainer, HTML + PDF, checked) into build/handouts/
	$(PY) -m toolkit.cli handouts --out build/handouts

clean: ## remove build output (keeps .venv and learners' answers)
	rm -rf build .pytest_cache

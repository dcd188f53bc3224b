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

# The workshop hub's own Python environment (readable by every learner's account).
HUB_PREFIX ?= /opt/everycall-hub
# make hub listens on 8000 unless PORT= is given (make lab's 8888 is for one person).
HUB_PORT := $(if $(filter file,$(origin PORT)),8000,$(PORT))
DEMO ?=

.PHONY: help lab test install install-test chromium lint benchmarks clean handouts scorm hub hub-install hub-if-possible present

help: ## list the commands
	@echo "Every Call: teaching notebooks on police responses to domestic abuse"
	@echo
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo
	@echo "Settings: PORT=$(PORT) NO_BROWSER=1 (do not open a browser) CHROMIUM=/path/to/chromium"
	@echo "Hub: PORT=8000 WORKSHOP_CODE=... TRAINER_PASSWORD=... DEMO=1 HUB_PREFIX=$(HUB_PREFIX)"
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

present: $(if $(NB),$(STAMP_RUN),) ## show notebook NB without code, safe to project (NB=04; PORT=, NO_BROWSER=1)
	@if [ -z "$(NB)" ]; then echo "make present: say which notebook, for example: make present NB=04" >&2; exit 2; fi
	@NO_BROWSER="$(NO_BROWSER)" $(BIN)/everycall present "$(NB)" $(if $(filter command line environment,$(origin PORT)),--port $(PORT),)

chromium: ## make sure a Chromium is available for browser tests and PDF handouts
	@CI="$(CI)" bash scripts/ensure-chromium.sh

hub-install: ## install the workshop hub (root, Linux): its environment in HUB_PREFIX, the proxy in node_modules/
	@bash scripts/hub-install.sh "$(HUB_PREFIX)"

hub-if-possible:
	@CI="$(CI)" bash scripts/hub-install.sh "$(HUB_PREFIX)" --if-possible

hub: $(STAMP_RUN) hub-install ## start a JupyterHub for a training room (root; PORT=, WORKSHOP_CODE=, TRAINER_PASSWORD=, DEMO=1)
	@EVERYCALL_HUB_ENV="$(HUB_PREFIX)" PORT="$(HUB_PORT)" $(BIN)/everycall hub $(if $(DEMO),--demo,)

test: $(STAMP_TEST) chromium hub-if-possible ## run every test (browser and hub tests need Chromium, hub tests root; CI=true makes a missing one fail)
	CI="$(CI)" EVERYCALL_HUB_ENV="$(HUB_PREFIX)" $(BIN)/pytest

lint: $(STAMP_TEST) ## ruff, the import contracts (import-linter) and types (mypy)
	$(BIN)/ruff check toolkit tests benchmarks deploy notebooks
	$(BIN)/ruff format --check toolkit tests benchmarks deploy notebooks
	$(BIN)/lint-imports
	$(BIN)/mypy

benchmarks: $(STAMP_TEST) hub-if-possible ## run every benchmark and print its figures (hub.py needs root)
	@for b in benchmarks/*.py; do echo "== $$b"; EVERYCALL_HUB_ENV="$(HUB_PREFIX)" $(PY) $$b || exit 1; done

handouts: $(STAMP_RUN) chromium ## build the course pack (student + trainer, HTML + PDF, checked) into build/handouts/
	$(PY) -m toolkit.cli handouts --out build/handouts

scorm: $(STAMP_RUN) chromium ## build the course as SCORM packages for a learning platform into build/scorm/ (MASTERY=80 to pass or fail; SCORM=2004)
	$(PY) -m toolkit.cli handouts --format scorm --out build/scorm $(if $(MASTERY),--mastery-score $(MASTERY),) $(if $(SCORM),--scorm-version $(SCORM),)

clean: ## remove build output (keeps .venv and learners' answers)
	rm -rf build .pytest_cache

# Schoolbrug developer commands. `make run` starts the whole embedded Schoolbrug; `make test` runs
# every test. Both create .venv on first use, with the first Python 3.12+ they find.

SHELL := /bin/sh
.DEFAULT_GOAL := help

VENV := .venv
PYTHON := $(VENV)/bin/python
# Stamps newer than pyproject.toml mean the installed dependencies are current.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
# The Nu HTML Checker for the HTML validation test, pinned in package.json/package-lock.json. Its
# install script (which would download a Java runtime) is skipped: it runs on the system's Java.
VNU_JAR := node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: help run dev test test-fast test-browser lint messages bench clean-venv

help:
	@echo "make run        start Schoolbrug (web, task worker, scheduler) with demo data"
	@echo "make dev        the same with Django's DEBUG on (detailed error pages; never for real users)"
	@echo "make test       run all tests (browser tests in Chromium when it is installed)"
	@echo "make lint       ruff, mypy and the import contracts"
	@echo "make messages   update and compile the Dutch and English translations"
	@echo "make bench      HTTP benchmarks, quick set (P1 guardian home, P7 report day); needs wrk"

# pyenv installs shims for every version it has, and a shim for a version that is not selected
# exits non-zero, so each candidate is asked for its version rather than looked up on PATH. The
# venv is made with the interpreter's full path (a bare `python3` may be any version: inside
# `pyenv exec`, a version's own bin directory comes first on PATH), and checked once made.
$(PYTHON):
	@interpreter=""; \
	for candidate in python3.13 python3.12 python3; do \
		interpreter=$$($$candidate -c 'import sys; sys.exit(1) if sys.version_info < (3, 12) else print(sys.executable)' 2>/dev/null) \
			&& [ -n "$$interpreter" ] && break; \
		interpreter=""; \
	done; \
	if [ -n "$$interpreter" ]; then \
		echo "Creating $(VENV) with $$interpreter ($$($$interpreter --version 2>&1))"; \
	else \
		version=""; \
		if command -v pyenv >/dev/null 2>&1; then \
			version=$$(pyenv versions --bare 2>/dev/null | grep -E '^3\.12(\.[0-9]+)?$$' | tail -n 1); \
			[ -n "$$version" ] || version=$$(pyenv versions --bare 2>/dev/null | grep -E '^3\.13(\.[0-9]+)?$$' | tail -n 1); \
			[ -z "$$version" ] || interpreter="$$(pyenv root)/versions/$$version/bin/python3"; \
		fi; \
		if [ -z "$$interpreter" ] || [ ! -x "$$interpreter" ]; then \
			echo "Schoolbrug needs Python 3.12 or newer, and none was found (tried python3.13, python3.12," >&2; \
			echo "python3 and pyenv). Install one, for example 'pyenv install 3.12', and run make again." >&2; \
			exit 1; \
		fi; \
		echo "Creating $(VENV) with pyenv's Python $$version ($$interpreter)"; \
	fi; \
	"$$interpreter" -m venv $(VENV) || exit 1; \
	if ! $(PYTHON) -c 'import sys; raise SystemExit(sys.version_info < (3, 12))'; then \
		echo "$(VENV) came out with $$($(PYTHON) --version 2>&1), not 3.12 or newer; removed it." >&2; \
		rm -rf $(VENV); \
		exit 1; \
	fi
	$(PYTHON) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install --quiet -e .
	@touch $@

# The dev extras include every runtime dependency, so they satisfy `make run` as well.
$(DEV_STAMP): pyproject.toml | $(PYTHON) $(VNU_JAR)
	$(PYTHON) -m pip install --quiet -e ".[dev]"
	@touch $@ $(RUN_STAMP)

$(VNU_JAR): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund && touch $@; \
	else \
		echo "No 'npm' on PATH: the HTML validation test will fail (on Debian: apt-get install npm)." >&2; \
	fi

run: $(RUN_STAMP)
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py demo
	$(PYTHON) manage.py run

# DEBUG shows tracebacks with settings and lists every URL on a 404: for a developer's machine only.
dev: export SCHOOLBRUG_DEBUG := 1
dev: run

test: test-fast test-browser

test-fast: $(DEV_STAMP)
	$(VENV)/bin/pytest -m "not browser"

# Separate process: Playwright's event loop and the async (Channels) tests clash in one.
# pytest exits 5 when it collects nothing, which only means there are no journeys yet.
test-browser: $(DEV_STAMP)
	@if command -v chromium >/dev/null 2>&1; then \
		status=0; \
		DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -m browser schoolbrug/browser_tests || status=$$?; \
		if [ $$status -eq 5 ]; then echo "No browser tests collected."; status=0; fi; \
		exit $$status; \
	else \
		echo "Skipping the browser tests: no 'chromium' on PATH (on Debian: apt-get install chromium)."; \
	fi

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy schoolbrug config
	$(VENV)/bin/lint-imports

messages: $(RUN_STAMP)
	$(PYTHON) manage.py makemessages -l nl -l en --ignore "$(VENV)" --ignore var --ignore bench --ignore node_modules
	$(PYTHON) manage.py compilemessages --ignore "$(VENV)" --ignore var --ignore node_modules

# Over HTTP with gunicorn and wrk (apt-get install -y wrk); see bench/README.md. Figures are
# printed and written to bench/results/; nothing is asserted.
bench: $(DEV_STAMP)
	$(PYTHON) bench/over_http.py --scenario quick

clean-venv:
	rm -rf $(VENV)

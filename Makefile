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
	$(WIJKSTEM) pii prepare
	touch $@

install: $(VENV)/.installed

translations: install
	$(BIN)/pybabel compile -d app/translations --statistics

db: install
	$(WIJKSTEM) db upgrade

demo: db translations
	$(WIJKSTEM) demo load-if-empty

run: demo
	WIJKSTEM_PREPARE_SCREENING=true $(WIJKSTEM) --debug run --host 127.0.0.1 --port 5000

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

# Msgids are English, so the English catalogue repeats them; Dutch is translated by hand.
define FILL_ENGLISH
from babel.messages.pofile import read_po, write_po
path = "app/translations/en/LC_MESSAGES/messages.po"
with open(path, "rb") as handle:
    catalog = read_po(handle, locale="en")
for message in catalog:
    if message.id and not any(message.string if message.pluralizable else [message.string]):
        message.string = message.id
with open(path, "wb") as handle:
    write_po(handle, catalog, width=100)
endef
export FILL_ENGLISH

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k ngettext:1,2 --no-location -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete -w 100
	$(BIN)/python -c "$$FILL_ENGLISH"

clean:
	rm -rf $(VENV) tests/browser/node_modules .pytest_cache .ruff_cache

# OneSeal — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "OneSeal needs Python 3.11 or newer: set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# `demo serve` migrates, loads the Zaoyang scenario if the database is empty, then runs the web
# server and the task worker on 127.0.0.1:8000 and prints one demo account per role.
demo: install
	$(BIN)/oneseal demo serve --port 8000

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/workcal.py
	$(BIN)/python benchmarks/catalog_search.py
	$(BIN)/python benchmarks/lifecycle.py
	$(BIN)/python benchmarks/track.py
	$(BIN)/python benchmarks/licences.py
	$(BIN)/python benchmarks/outbox.py
	$(BIN)/python benchmarks/bundle.py
	$(BIN)/python benchmarks/credit.py
	$(BIN)/python benchmarks/draw.py

clean:
	rm -rf $(VENV) var/oneseal.sqlite3* var/static var/screenshots

# Regenerate the zh_Hans catalog from the sources, then compile it (commit both django.po and django.mo).
messages: install
	cd src/oneseal && $(abspath $(BIN))/oneseal makemessages -l zh_Hans --no-obsolete --ignore "static/vendor/*"
	cd src/oneseal && $(abspath $(BIN))/oneseal compilemessages --ignore ".venv"

# storyline: `make demo` sets everything up and runs the bundled example; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= storyline.db
EXAMPLE := examples/moscow-times-2025-10-21.txt
PYTEST_ARGS ?=

.PHONY: demo test install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/storyline process $(EXAMPLE) --published 2025-10-21 --db $(DB)
	$(BIN)/storyline stories --db $(DB)
	$(BIN)/storyline story $$($(BIN)/storyline stories --actor Putin --status cancelled --limit 1 --format json --db $(DB) \
		| $(BIN)/python -c "import json, sys; print(json.loads(sys.stdin.readline())['id'])") --db $(DB)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm build src/*.egg-info

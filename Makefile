# storyline: `make demo` sets everything up and runs the bundled example; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= storyline.db
EXAMPLE := examples/moscow-times-2025-10-21.txt
PYTEST_ARGS ?=
# Exact versions with hashes, generated from pyproject.toml's bounds by `make lock`.
LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
PIP_COMPILE := pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: demo test lint install install-test lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(TEST_LOCK) $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(TEST_LOCK)
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

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# Re-resolve the lockfiles after changing pyproject.toml's dependencies (needs the index).
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/$(PIP_COMPILE) --extra test -o $(TEST_LOCK) pyproject.toml
	$(BIN)/$(PIP_COMPILE) -c $(TEST_LOCK) -o $(LOCK) pyproject.toml

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm build src/*.egg-info

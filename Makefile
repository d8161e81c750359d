# Two commands: `make run` (set up and serve) and `make test` (set up and run everything).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app contracts_app
STAMP := $(VENV)/.installed

.PHONY: install run test test-sqlite test-postgres bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The whole suite on SQLite and on a throwaway PostgreSQL, browser tests included.
test: install
	bash scripts/test.sh

bench: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) instance *.egg-info

# Two commands: `make run` (set up and serve) and `make test` (set up and run everything).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app contracts_app
STAMP := $(VENV)/.installed

.PHONY: install run test test-sqlite test-postgres bench killed-consumer clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	FLASK="$(FLASK)" PORT=$(PORT) bash scripts/run.sh  # the web server and one job consumer

# The whole suite on SQLite and on a throwaway PostgreSQL, browser tests included.
test: install
	bash scripts/test.sh

# Every figure on SQLite, then on a throwaway PostgreSQL cluster (as make test starts one).
bench: install
	PYTHON=$(BIN)/python bash scripts/pg_cluster.sh $(BIN)/python -m benchmarks

# Issue #27's "Done when": the consumer killed mid-job on 3,000 schools, on SQLite then PostgreSQL (docs/jobs.md).
killed-consumer: install
	PYTHON=$(BIN)/python bash scripts/pg_cluster.sh $(BIN)/python -m benchmarks.killed_consumer

clean:
	rm -rf $(VENV) instance *.egg-info

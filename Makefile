# Two commands: `make demo` and `make test`. Both set up everything on a fresh machine first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --disable-pip-version-check -q -c constraints.txt
EXTRAS := build,anthropic,mcp,apps,demo,dev

.PHONY: demo test setup model lint types pytest bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) --upgrade pip
	$(PIP) torch==2.13.0
	$(PIP) -e ".[$(EXTRAS)]"
	touch $@

setup: $(VENV)/.installed

model: setup
	$(BIN)/assistant-sdk build-model

demo: model
	$(BIN)/python -m demo

SOURCES := assistant_sdk embeddings app_adapters demo tests benchmarks

lint: setup
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/ruff format --check $(SOURCES)

types: setup
	$(BIN)/mypy assistant_sdk embeddings app_adapters demo

pytest: model
	$(BIN)/python -m pytest -q

test: lint types pytest

bench: model
	$(PIP) semantic-router==1.1.1
	$(BIN)/python -m benchmarks.run_all

clean:
	rm -rf $(VENV) build *.egg-info

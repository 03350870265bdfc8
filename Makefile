# Two commands: `make demo` and `make test`. Both set up everything on a fresh machine first.
# Everything is installed from requirements.lock (exact versions with hashes); `make lock`
# refreshes it on purpose. pyproject.toml keeps the ranges that library users get.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
PIP := $(BIN)/python -m pip install --disable-pip-version-check -q
EXTRAS := build,anthropic,mcp,apps,demo,dev,voice,bench,static
PIP_TOOLS := pip==25.3 pip-tools==7.6.2

.PHONY: demo test setup model lint types pytest bench lock clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(PIP) --require-hashes --no-deps -r $(LOCK)
	$(PIP) --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@

# The third-party MCP servers (and API documents) that the tests run against, from npm.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

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
	$(BIN)/python -m benchmarks.run_all

# Re-resolve every extra against today's releases (torch stays on its CPU pin from
# constraints.txt), then run `make test` and commit the new lock.
lock:
	$(PY) -m venv .lockenv
	.lockenv/bin/python -m pip install --disable-pip-version-check -q $(PIP_TOOLS)
	.lockenv/bin/pip-compile -q --upgrade --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --extra $(EXTRAS) \
		-c constraints.txt -o $(LOCK) pyproject.toml
	rm -rf .lockenv

clean:
	rm -rf $(VENV) build *.egg-info node_modules

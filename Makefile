# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BROWSER := $(VENV)/.chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install build eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The browser tests drive Debian's Chromium (Playwright's own browser download is not reachable here).
$(BROWSER):
	command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }
	touch $(BROWSER)

HOST ?= 127.0.0.1
PORT ?= 8000

## Set everything up, build (or update) the index from corpus/, then serve the API on $(HOST):$(PORT).
run: $(STAMP)
	$(BIN)/assistant build
	$(BIN)/assistant serve --host $(HOST) --port $(PORT)

## Set everything up and run the test suite (what CI runs).
test: $(STAMP) $(BROWSER)
	$(BIN)/python -m pytest

build: $(STAMP)
	$(BIN)/assistant build

eval: $(STAMP)
	$(BIN)/assistant build
	$(BIN)/assistant eval --compare bm25,dense,hybrid --name retrieval

clean:
	rm -rf index

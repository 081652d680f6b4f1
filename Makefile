# The two commands of the README: `make run` and `make test`.
# Both install from the lock files (pylock.toml: what running needs; pylock.test.toml: that plus the
# test tools), so a fresh clone gets the versions that produced the published figures. `make lock`
# re-resolves them after a change to pyproject.toml.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP_VERSION := 26.3
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
BROWSER := $(VENV)/.chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Lock from PyPI itself (portable URLs and hashes); torch's CPU build is the file on this machine's disk.
LOCK := PIP_CONFIG_FILE=/dev/null PIP_CONSTRAINT= $(BIN)/pip lock --quiet --index-url https://pypi.org/simple --find-links /opt/wheels

.PHONY: run test install lock build eval bench clean reset

$(BIN)/pip:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip==$(PIP_VERSION)

$(RUN_STAMP): pylock.toml | $(BIN)/pip
	$(BIN)/pip install --quiet -r pylock.toml
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(RUN_STAMP)

$(TEST_STAMP): pylock.test.toml | $(BIN)/pip
	$(BIN)/pip install --quiet -r pylock.test.toml
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(TEST_STAMP) $(RUN_STAMP)

install: $(RUN_STAMP)

## Re-resolve both lock files from pyproject.toml (the run lock keeps the test lock's versions).
lock: | $(BIN)/pip
	$(LOCK) -e '.[test]' -o pylock.test.toml
	$(BIN)/python -c 'import tomllib; [print(p["name"] + "==" + p["version"]) for p in tomllib.load(open("pylock.test.toml", "rb"))["packages"] if "version" in p]' > $(VENV)/lock-constraints.txt
	$(LOCK) -e . -c $(VENV)/lock-constraints.txt -o pylock.toml
	@# the project itself is installed editable on its own (pip cannot hash a folder)
	$(BIN)/python -c 'import re, sys; [(lambda text: open(f, "w").write(re.sub(r"\[\[packages\]\]\nname = \"ssr-brief-assistant\"\n\n\[packages.directory\]\n[^[]*", "", text)))(open(f).read()) for f in sys.argv[1:]]' pylock.toml pylock.test.toml

# The browser tests drive Debian's Chromium (Playwright's own browser download is not reachable here).
# apt waits up to 10 minutes for another apt or dpkg process to let go of its lock.
APT := $(SUDO) apt-get -o DPkg::Lock::Timeout=600
$(BROWSER):
	command -v chromium >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq chromium; }
	touch $(BROWSER)

# axe-core (from npm) checks the page's accessibility inside the browser tests.
AXE_VERSION := 4.14.1
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js
$(AXE):
	npm install --silent --no-audit --no-fund --prefix $(VENV)/axe axe-core@$(AXE_VERSION)

HOST ?= 127.0.0.1
PORT ?= 8000

## Set everything up, build (or update) the index from corpus/, then serve the API on $(HOST):$(PORT).
run: $(RUN_STAMP)
	$(BIN)/assistant build
	$(BIN)/assistant serve --host $(HOST) --port $(PORT)

## Set everything up and run the test suite (what CI runs).
test: $(TEST_STAMP) $(BROWSER) $(AXE)
	AXE_CORE=$(AXE) $(BIN)/python -m pytest

build: $(RUN_STAMP)
	$(BIN)/assistant build

eval: $(RUN_STAMP)
	$(BIN)/assistant build
	$(BIN)/assistant eval --compare bm25,dense,hybrid --name retrieval

clean:
	rm -rf index

## Forget every conversation, upload and index (the corpus folder is kept).
reset:
	rm -rf index data/sessions.sqlite3 data/uploads data/trash

# Two entry points do all the set-up on a fresh machine:
#   make demo   capture posts from the bundled simulator and show them
#   make test   run the test suite
# Each creates .venv in the checkout and installs what it needs first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check bench install browser postgres pdftotext replaywebpage clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP) browser pdftotext
	$(BIN)/python -m archiver.testing.demo

test: check browser postgres pdftotext replaywebpage
	$(BIN)/python -m pytest

# The quality gate, run first by `make test` (and so by CI): lint, format, types, layers.
check: $(STAMP)
	$(BIN)/ruff check archiver tests
	$(BIN)/ruff format --check archiver tests
	$(BIN)/mypy
	$(BIN)/lint-imports

# The report's browser test drives Debian's chromium; install it when we can.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; the browser test will be skipped"; \
	  else echo "warning: chromium is missing (apt-get install chromium); the browser test will be skipped"; fi; }

# The exhibit's test reads its PDF back with poppler's pdftotext; the local timestamp
# authority of the tests and the demo signs with openssl.
pdftotext:
	@{ command -v pdftotext && command -v openssl; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils openssl >/dev/null) \
	      || echo "warning: could not install poppler-utils and openssl; their tests will fail or be skipped"; \
	  else echo "warning: pdftotext or openssl is missing (apt-get install poppler-utils openssl)"; fi; }

# The PostgreSQL tests start a private server from Debian's postgresql package.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
	      || echo "warning: could not install postgresql; the PostgreSQL tests will be skipped"; \
	  else echo "warning: postgresql is missing (apt-get install postgresql); the PostgreSQL tests will be skipped"; fi; }

# ReplayWeb.page, self-hosted from its npm package (its prebuilt ui.js and sw.js; no
# dependencies are installed), for the test that opens the demo's WACZ in it.
RWP_VERSION := 2.5.3
RWP := $(VENV)/replaywebpage
replaywebpage: $(STAMP)
	@test -f $(RWP)/package/sw.js || { \
	  command -v npm >/dev/null 2>&1 || { \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null) || true; fi; }; \
	  if command -v npm >/dev/null 2>&1; then \
	    mkdir -p $(RWP) && cd $(RWP) && npm pack --silent replaywebpage@$(RWP_VERSION) >/dev/null \
	      && tar xzf replaywebpage-$(RWP_VERSION).tgz \
	      || echo "warning: could not fetch ReplayWeb.page; its test will be skipped"; \
	  else echo "warning: npm is missing (apt-get install npm); the ReplayWeb.page test will be skipped"; fi; }

bench: $(STAMP)
	$(BIN)/python tests/bench/run.py

clean:
	rm -rf $(VENV) demo-archive

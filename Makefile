# Two commands matter: `make demo` and `make test`. Both create .venv and install riskengine first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench
OUT := out
SAMPLES := $(wildcard samples/*.xlsx)
# A fixed clock makes the demo's reports reproducible byte for byte: 2026-11-24T09:00:00Z.
DEMO_EPOCH ?= 1795510800

# The tests start a PostgreSQL server of their own on 127.0.0.1 (tests/databases.py), from the server programs of
# Debian's postgresql package (or an initdb on the PATH).
POSTGRES_INSTALL := sudo apt-get install -y postgresql
POSTGRES_FOUND := $(wildcard /usr/lib/postgresql/*/bin/initdb)$(shell command -v initdb)

.PHONY: demo demo-vendor test bench lint samples schema clean chromium postgresql

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[web]'
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

# The samples' settings (inventory, org profile, offline) are samples/riskengine.toml; the demo records in a register
# of its own in $(OUT), never the user's (tests/cli/test_config.py runs this target with HOME elsewhere).
demo: $(STAMP)
	@mkdir -p $(OUT)
	@for questionnaire in $(SAMPLES); do \
		name=$$(basename $$questionnaire .xlsx); \
		SOURCE_DATE_EPOCH=$(DEMO_EPOCH) $(BIN)/riskengine assess $$questionnaire \
			--config samples/riskengine.toml --offline --db $(OUT)/riskengine.db \
			-o $(OUT)/$$name.pdf --json $(OUT)/$$name.json || exit $$?; \
	done
	@echo "reports in $(OUT)/, recorded in $(OUT)/riskengine.db"

# The vendor loop: a local mail catcher (tests/mail_server.py: aiosmtpd, a dev dependency) on 127.0.0.1 catches the
# invitation `riskengine invite` sends to a sample vendor; it is printed, kept in $(OUT)/mail/, and its link opens the
# vendor's page of `riskengine serve --db $(OUT)/riskengine.db` (docs/vendors.md).
demo-vendor: $(DEV_STAMP)
	@mkdir -p $(OUT)
	$(BIN)/python -m tests.demo_vendor --db $(OUT)/riskengine.db --mail $(OUT)/mail

# One worker per core (pytest-xdist), a test file per worker at a time so module fixtures are built once.
test: $(DEV_STAMP) chromium postgresql
	$(BIN)/python -m pytest -q -n auto --dist loadfile

# The tests need two system packages; each is installed with apt when it is missing, else make says how.
#
# Debian's chromium, which the browser tests drive (Playwright's own browser download is never used).
CHROMIUM := /usr/bin/chromium
chromium:
	@test -x $(CHROMIUM) || { command -v apt-get >/dev/null && (apt-get update -qq && apt-get install -y -qq chromium) ; } \
		|| { echo "the browser tests need Debian's chromium: run  apt-get install -y chromium  (as root)"; exit 1; }
	@test -x $(CHROMIUM) || { echo "the browser tests need Debian's chromium: run  apt-get install -y chromium  (as root)"; exit 1; }

# PostgreSQL's server programs (the register's tests run on both backends): installed when this is root on a system
# with apt-get.
postgresql:
ifeq ($(POSTGRES_FOUND),)
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing PostgreSQL for the tests: apt-get install -y postgresql"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	else \
		echo "the tests run against a real PostgreSQL server; install its programs with: $(POSTGRES_INSTALL)" >&2; \
		exit 1; \
	fi
endif

lint: $(DEV_STAMP)
	$(BIN)/ruff check riskengine tests benchmarks
	$(BIN)/mypy riskengine

# The benchmarks also need the bench extra (pyfair, to compare the TCO Monte Carlo with).
$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@ $(DEV_STAMP) $(STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/run.py

# Rebuild the sample workbooks from their answer files (samples/answers/*.yaml).
samples: $(STAMP)
	$(BIN)/python samples/build.py

# Regenerate the published JSON Schema of the result (a test fails when it is stale).
schema: $(STAMP)
	$(BIN)/python -m riskengine.schema > docs/assessment.schema.json

clean:
	rm -rf $(OUT) dist build .pytest_cache .mypy_cache .ruff_cache

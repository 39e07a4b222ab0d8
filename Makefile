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

.PHONY: demo test bench lint samples schema clean

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

# One worker per core (pytest-xdist), a test file per worker at a time so module fixtures are built once.
test: $(DEV_STAMP) chromium
	$(BIN)/python -m pytest -q -n auto --dist loadfile

# The browser tests drive Debian's chromium (Playwright's own browser download is never used).
CHROMIUM := /usr/bin/chromium
.PHONY: chromium
chromium:
	@test -x $(CHROMIUM) || { command -v apt-get >/dev/null && (apt-get update -qq && apt-get install -y -qq chromium) ; } \
		|| { echo "the browser tests need Debian's chromium: run  apt-get install -y chromium  (as root)"; exit 1; }
	@test -x $(CHROMIUM) || { echo "the browser tests need Debian's chromium: run  apt-get install -y chromium  (as root)"; exit 1; }

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

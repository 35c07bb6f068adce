# Rescue — set-up and everyday commands. Every target bootstraps .venv itself.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo
DEMO_PORT ?= 8000

.PHONY: venv frontend demo test lint typecheck bench screenshots clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

# The workbench's charts, map and graph: npm packages bundled at build time (never committed). Without npm
# the workbench still runs, with plain tables (it says so); in CI (CI_STRICT) a missing npm is an error.
BUNDLE := src/rescue/web/static/vendor/workbench.js
$(BUNDLE): frontend/package.json frontend/package-lock.json frontend/build.mjs $(wildcard frontend/src/*)
	@if command -v npm >/dev/null 2>&1; then \
	  cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build; \
	elif [ -n "$$CI_STRICT" ]; then echo "make: npm is required to build the workbench bundle" >&2; exit 1; \
	else echo "make: npm not found: the workbench runs without charts, map and graph" >&2; fi

frontend: $(BUNDLE)

demo: $(STAMP) frontend
	$(BIN)/rescue demo $(DEMO_DIR) --members 2000 --seed 7
	@# then the workbench on loopback (NO_SERVE=1 make demo: build only)
	@test -n "$(NO_SERVE)" || $(BIN)/rescue serve $(DEMO_DIR)/operation --host 127.0.0.1 --port $(DEMO_PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) frontend
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -m "not slow"

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# docs/img/workbench-*.png: the workbench's main pages on a synthetic operation (needs /usr/bin/chromium)
screenshots: $(STAMP) frontend
	$(BIN)/python bench/screenshots.py

clean:
	rm -rf $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache

# Two commands do all the set-up on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: site serve test test-fast lint validate bench bench-full clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(TSTAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

validate: $(STAMP)
	$(BIN)/kbgen validate --strict

site: $(STAMP)
	$(BIN)/kbgen validate --strict
	$(BIN)/kbgen build --strict
	@echo "Site built in $(CURDIR)/site: browse it with 'make serve' (opened from disk its links and search do not work; '.venv/bin/kbgen build --offline' builds a copy that does)"

serve: $(STAMP)
	$(BIN)/kbgen serve

# The whole suite: the architecture guards, then every test (browser and slow ones included).
test: lint
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# For contributors: the guards and every test but the browser and whole-site ones (under a minute).
test-fast: lint
	$(BIN)/python -m pytest -q -m "not browser and not slow" $(PYTEST_ARGS)

# The layers contract (pyproject.toml [tool.importlinter]) and ruff.
lint: $(TSTAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check kbgen tests benchmarks

# Benchmarks (issue 8): scratch files go to benchmarks/out/ (git-ignored).
# Issue 14's measures each have a script of their own (benchmarks/README.md); `make bench` runs them at
# 1,000 papers, `make bench-full` at 10,000 too (hours on 2 cores).
ISSUE14 = build_bench.py:--papers search.py:--sizes engines.py:--sizes serve_bench.py:--papers import_bench.py:--entries

bench: $(TSTAMP)
	$(BIN)/python benchmarks/run.py --sizes 1000 --json benchmarks/out/bench.json
	$(foreach b,$(ISSUE14),$(BIN)/python benchmarks/$(word 1,$(subst :, ,$(b))) $(word 2,$(subst :, ,$(b))) 1000 --json benchmarks/out/$(basename $(word 1,$(subst :, ,$(b))))-1000.json &&) true

# 100000 runs the in-memory path-latency measure only: no 100k site is built.
bench-full: bench
	$(BIN)/python benchmarks/run.py --sizes 10000,100000 --json benchmarks/out/bench-full.json
	$(foreach b,$(ISSUE14),$(BIN)/python benchmarks/$(word 1,$(subst :, ,$(b))) $(word 2,$(subst :, ,$(b))) 10000 --json benchmarks/out/$(basename $(word 1,$(subst :, ,$(b))))-10000.json &&) true

clean:
	rm -rf site .pytest_cache

# Two commands do all the set-up on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: site serve test validate bench bench-full clean

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
	@echo "Site built in $(CURDIR)/site (open site/index.html, or run 'make serve')"

serve: $(STAMP)
	$(BIN)/kbgen serve

test: $(TSTAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# Benchmarks (issue 8): scratch files go to benchmarks/out/ (git-ignored).
bench: $(TSTAMP)
	$(BIN)/python benchmarks/run.py --sizes 1000 --json benchmarks/out/bench.json

# 100000 runs the in-memory path-latency measure only: no 100k site is built.
bench-full: $(TSTAMP)
	$(BIN)/python benchmarks/run.py --sizes 1000,10000,100000 --json benchmarks/out/bench-full.json

clean:
	rm -rf site .kbgen-cache .pytest_cache

# mbc: the two commands a fresh machine needs are `make demo` and `make test`.
# Each installs what is missing (OpenBLAS via apt; a Python venv for the notebook test),
# then builds and runs. Nothing else needs to be installed beforehand but the Swift toolchain.

SHELL   := /bin/bash
SWIFT   ?= swift
VENV    ?= .venv
RUNS    ?= 1e4
NUMPY_RUNS ?= 1e5
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
MBC     := .build/release/mbc
PY_PKGS := nbclient nbformat ipykernel pandas matplotlib

.PHONY: all deps venv build demo test test-release bench bench-check bench-thresholds bench-numpy clean help

help:
	@echo "make demo   install OpenBLAS if missing, build (release), run Scenarios/bemoeizorg.yaml"
	@echo "make test   install OpenBLAS and the notebook venv if missing, run the whole test suite"
	@echo "make bench  run the package-benchmark benchmarks in Benchmarks/"
	@echo "make bench-check       short benchmark run, fails on a regression beyond the stored thresholds"
	@echo "make bench-thresholds  re-record Benchmarks/Thresholds/ on this machine"
	@echo "make bench-numpy       compare mbc with the numpy implementation (NUMPY_RUNS=$(NUMPY_RUNS))"

# --- set-up ---------------------------------------------------------------------------------

# OpenBLAS through apt when `pkg-config openblas` fails (sudo only when not root).
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists openblas; then \
	  echo "mbc: installing libopenblas-dev (OpenBLAS) with apt-get ..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libopenblas-dev pkg-config >/dev/null && \
	  pkg-config --exists openblas || { echo "mbc: OpenBLAS could not be installed" >&2; exit 1; }; \
	fi

# A Python venv with what the notebook test needs (nbclient, pandas, matplotlib).
$(VENV)/.mbc-ready:
	@if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then \
	  echo "mbc: installing python3-venv with apt-get ..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3 python3-venv >/dev/null; \
	fi
	@echo "mbc: creating the notebook venv in $(VENV) (pip install $(PY_PKGS)) ..."
	@rm -rf $(VENV) && python3 -m venv $(VENV) && \
	  $(VENV)/bin/pip install --quiet --disable-pip-version-check $(PY_PKGS) && \
	  touch $@
venv: $(VENV)/.mbc-ready

# --- build, demo, test ----------------------------------------------------------------------

build: deps
	$(SWIFT) build -c release --product mbc

demo: build
	@echo
	$(MBC) simulate Scenarios/bemoeizorg.yaml --runs $(RUNS) --out results/bemoeizorg

test: deps venv
	MBC_NOTEBOOK_PYTHON=$(abspath $(VENV))/bin/python MBC_REQUIRE_NOTEBOOK=1 $(SWIFT) test

# --- benchmarks (the nested package Benchmarks/, see docs/performance.md) ------------------

# Every benchmark at full length.
bench: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

# A short run of every benchmark (MBC_BENCH_QUICK=1: at most 15 iterations or 1.5 s each),
# checked against the p90 values stored in Benchmarks/Thresholds/ with the tolerances of
# Benchmarks/Benchmarks/BenchmarkSupport (wall clock +30 %, mallocs + a small absolute slack,
# peak memory +25 %). Non-zero exit on a regression that repeats when measured again on an
# idle machine; results better than the tolerance only print a reminder to re-record.
bench-check: deps
	SWIFT=$(SWIFT) Benchmarks/thresholds.sh check

# Re-records Benchmarks/Thresholds/ on this machine from three short runs (the run length of
# bench-check), each started on an idle machine: per benchmark the smallest p90 wall clock and
# the median p90 of the other metrics. About 2 minutes. Commit the files it writes.
bench-thresholds: deps
	SWIFT=$(SWIFT) Benchmarks/thresholds.sh update

# mbc against the plain numpy implementation of outreach-ref (Benchmarks/numpy/).
bench-numpy: build venv
	$(VENV)/bin/python Benchmarks/numpy/compare.py --runs $(NUMPY_RUNS)

clean:
	rm -rf .build .build-* Benchmarks/.build results

# mbc: the two commands a fresh machine needs are `make demo` and `make test`.
# Each installs what is missing (OpenBLAS via apt; for the tests also a Python venv for the
# notebooks and Chromium for the report), then builds and runs. Nothing else needs to be
# installed beforehand but the Swift toolchain.

SHELL   := /bin/bash
SWIFT   ?= swift
VENV    ?= .venv
RUNS    ?= 1e4
NUMPY_RUNS ?= 1e5
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
MBC     := .build/release/mbc
SCREENSHOTS ?= results/report-screenshots
PY_PKGS := nbclient nbformat ipykernel pandas matplotlib

FUZZ_SECONDS ?= 60
FUZZ_FLAGS := --scratch-path .build-fuzz --sanitize=fuzzer --sanitize=address \
  -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp,indirect-calls

.PHONY: all deps venv chromium build demo test test-release bench bench-check bench-thresholds bench-numpy clean help
.PHONY: fuzz fuzz-build fuzz-corpus sanitize sanitize-thread sanitize-address battery battery-full battery-smallcrush

help:
	@echo "make demo   install OpenBLAS if missing, build (release), run Scenarios/bemoeizorg.yaml (simulate and stress)"
	@echo "make test   install OpenBLAS, the notebook venv and Chromium if missing, run the whole test suite"
	@echo "            (screenshots of the bundled scenarios' reports: $(SCREENSHOTS)/)"
	@echo "make bench  run the package-benchmark benchmarks in Benchmarks/"
	@echo "make bench-check       short benchmark run, fails on a regression beyond the stored thresholds"
	@echo "make bench-thresholds  re-record Benchmarks/Thresholds/ on this machine"
	@echo "make bench-numpy       compare mbc with the numpy implementation (NUMPY_RUNS=$(NUMPY_RUNS))"
	@echo "make fuzz   libFuzzer + ASan on the YAML -> scenario path and the expression compiler"
	@echo "            (FUZZ_SECONDS=$(FUZZ_SECONDS) per target; docs/testing.md)"
	@echo "make sanitize          the test suite under ThreadSanitizer, then AddressSanitizer"
	@echo "make battery           dieharder on the keyed xoshiro256++ streams (quick set; battery-full: dieharder -a;"
	@echo "                       battery-smallcrush: TestU01 SmallCrush, with TESTU01_DIR set)"

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

# Debian's chromium, for the test that renders each report in a headless browser
# (Tests/MBCEndToEndTests/BrowserReportTests.swift); not needed by `make demo`. About 150 MB to
# download, 530 MB installed (129 packages on a Debian 12 base image).
chromium:
	@if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then \
	  echo "mbc: installing chromium with apt-get (headless browser for the report test; ~150 MB) ..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null && \
	  command -v chromium >/dev/null || { echo "mbc: chromium could not be installed" >&2; exit 1; }; \
	fi

# --- build, demo, test ----------------------------------------------------------------------

build: deps
	$(SWIFT) build -c release --product mbc

demo: build
	@echo
	$(MBC) simulate Scenarios/bemoeizorg.yaml --runs $(RUNS) --out results/bemoeizorg --force
	@echo
	$(MBC) stress Scenarios/bemoeizorg.yaml --runs 500 --out results/bemoeizorg-stress --force

# MBC_REQUIRE_*: a missing venv or Chromium fails the notebook and browser tests instead of
# skipping them. MBC_REPORT_SCREENSHOTS keeps the screenshots of the bundled reports.
test: deps venv chromium
	MBC_NOTEBOOK_PYTHON=$(abspath $(VENV))/bin/python MBC_REQUIRE_NOTEBOOK=1 \
	  MBC_CHROMIUM="$$(command -v chromium || command -v chromium-browser)" MBC_REQUIRE_BROWSER=1 \
	  MBC_REPORT_SCREENSHOTS=$(abspath $(SCREENSHOTS)) $(SWIFT) test

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

# --- fuzzing and sanitizers (docs/testing.md) ----------------------------------------------

# The bundled scenarios seed the scenario corpus (copies, not committed; see .gitignore).
fuzz-corpus:
	@mkdir -p Fuzz/corpus/scenario
	@for f in Scenarios/*.yaml; do cp "$$f" "Fuzz/corpus/scenario/bundled-$$(basename "$$f")"; done

# Debug build of FuzzScenario and FuzzExpression with libFuzzer and ASan, in its own scratch path. The
# coverage kinds are spelled out: with `--sanitize=fuzzer` alone, a fresh scratch path's build often left the
# Swift modules without coverage counters (Swift 6.3.1); Fuzz/fuzz.sh checks the counters.
fuzz-build: deps
	@echo "mbc: building the fuzz targets into .build-fuzz (ld.gold's 'Cannot export local symbol' warnings hidden)"
	@set -o pipefail; for p in FuzzScenario FuzzExpression; do \
	  time $(SWIFT) build $(FUZZ_FLAGS) --product $$p 2>&1 | grep -v 'Cannot export local symbol' || exit 1; \
	done

# Runs each target for FUZZ_SECONDS; prints executions and exec/s; non-zero exit and the crash input's path
# (.build-fuzz/artifacts/) on a crash, timeout (> 5 s) or out-of-memory (> 2 GB).
fuzz: fuzz-build fuzz-corpus
	@time FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/fuzz.sh

# dieharder (installed with apt when missing) on raw outputs of the keyed streams, written by the
# mbc-rng-dump target: one stream, first outputs of consecutive keys, 1000 interleaved client streams,
# consecutive runs (scripts/rng-battery.sh; docs/testing.md, "Random number generator battery").
battery:
	@time SWIFT=$(SWIFT) scripts/rng-battery.sh quick

battery-full:
	@time SWIFT=$(SWIFT) scripts/rng-battery.sh full

# TestU01's SmallCrush on the same streams; needs TESTU01_DIR (TestU01 is not packaged in Debian).
battery-smallcrush:
	@time SWIFT=$(SWIFT) scripts/rng-battery.sh smallcrush

# The whole test suite under TSan and under ASan (each in its own scratch path). LeakSanitizer is off: it
# reports XCTest's own allocations and fails the run although every test passes.
sanitize: sanitize-thread sanitize-address

sanitize-thread: deps
	time $(SWIFT) test --sanitize=thread --scratch-path .build-tsan

sanitize-address: deps
	time env ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no \
	  $(SWIFT) test --sanitize=address --scratch-path .build-asan

clean:
	rm -rf .build .build-* Benchmarks/.build results

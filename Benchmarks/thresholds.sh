#!/usr/bin/env bash
# The benchmarks' stored thresholds (Benchmarks/Thresholds/, one JSON file of p90 values per
# benchmark), with the tolerances of Benchmarks/Benchmarks/BenchmarkSupport/BenchmarkSupport.swift
# (docs/performance.md). Both commands run every benchmark briefly (MBC_BENCH_QUICK=1).
#
#   thresholds.sh check    `make bench-check`: fails on a regression beyond the tolerances
#   thresholds.sh update   `make bench-thresholds`: re-records Thresholds/ on this machine
#
# check: exit status 0 when no benchmark is worse than its threshold (improvements beyond the
# tolerance only print a reminder to re-record); non-zero on a regression, a crash, a build
# failure or missing thresholds. The run starts once the machine is idle. A benchmark that
# fails is measured again, alone, up to twice, each time once the other processes have left
# the CPUs idle for a few seconds (waiting at most MBC_BENCH_IDLE_WAIT seconds, default 180),
# and only a failure that repeats every time counts: load from another process on the shared
# 2-core machine (a build, a simulation) slows a short run, a real regression slows all three.
#
# update: records three short runs, each once the machine is idle, and stores per benchmark the
# smallest of their p90 wall clocks and the median p90 of the other metrics (needs python3);
# replaces Thresholds/ only when all three succeeded. Commit the result.
set -uo pipefail
cd "$(dirname "$0")"
export MBC_BENCH_QUICK=1
swift=${SWIFT:-swift}
idle_wait=${MBC_BENCH_IDLE_WAIT:-180}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Waits (at most $idle_wait s) until the CPUs have been under 10 % busy for 5 s; no benchmark
# runs meanwhile, so the load is other processes'. Linux (/proc/stat); elsewhere a 10 s pause.
wait_for_idle() {
  if [ ! -r /proc/stat ]; then sleep 10; return; fi
  local deadline=$((SECONDS + idle_wait)) busy1 idle1 busy2 idle2
  while [ "$SECONDS" -lt "$deadline" ]; do
    # cpu  user nice system idle iowait irq softirq steal ...
    read -r busy1 idle1 < <(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
    sleep 5
    read -r busy2 idle2 < <(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
    if [ $(( (busy2 - busy1) * 10 )) -lt $(( busy2 - busy1 + idle2 - idle1 )) ]; then return; fi
  done
  echo "thresholds.sh: the machine is still busy after ${idle_wait} s; measuring anyway"
}

# Runs `thresholds check` with the given extra options; the output goes to the terminal and $log.
check() {
  "$swift" package benchmark thresholds check --no-progress "$@" 2>&1 | tee "$log"
  return "${PIPESTATUS[0]}"
}

case "${1:-}" in
  check) ;;
  update)
    # Three short runs, each started on an idle machine. Per benchmark the wall clock stored is
    # the smallest of their three p90 values (load from other processes only ever slows a run,
    # and the 2-thread benchmarks fall back to 1-thread speed when the other core is busy), the
    # other metrics the median.
    rm -rf Thresholds.new Thresholds.run1 Thresholds.run2 Thresholds.run3
    for run in 1 2 3; do
      wait_for_idle
      echo "thresholds: recording run $run of 3"
      if ! "$swift" package --allow-writing-to-package-directory benchmark thresholds update \
        --no-progress --path "Thresholds.run$run" >"$log" 2>&1; then
        tail -n 40 "$log"
        echo "thresholds: run $run failed; Thresholds/ left unchanged" >&2
        exit 1
      fi
    done
    python3 - Thresholds.new Thresholds.run1 Thresholds.run2 Thresholds.run3 <<'PY' || exit
import json, os, statistics, sys
out, runs = sys.argv[1], sys.argv[2:]
os.makedirs(out)
for name in sorted(os.listdir(runs[0])):
    values = [json.load(open(os.path.join(run, name))) for run in runs]
    merged = {
        key: min(v[key] for v in values) if key == "wallClock" else int(statistics.median(v[key] for v in values))
        for key in values[0]
    }
    with open(os.path.join(out, name), "w") as f:
        json.dump(merged, f, indent=2, sort_keys=True)
        f.write("\n")
PY
    rm -rf Thresholds Thresholds.run1 Thresholds.run2 Thresholds.run3 && mv Thresholds.new Thresholds
    echo "thresholds: recorded $(ls Thresholds | wc -l) files in Benchmarks/Thresholds/ (3 runs)"
    exit 0
    ;;
  *)
    echo "usage: $0 check|update" >&2
    exit 2
    ;;
esac

wait_for_idle
check
rc=$?
[ "$rc" -eq 0 ] && { echo "bench-check: every benchmark within its thresholds"; exit 0; }

if ! grep -q 'is WORSE than the defined thresholds' "$log"; then
  if grep -q 'is BETTER than the defined thresholds' "$log"; then
    echo "bench-check: no regression; some benchmarks are better than their thresholds by more than"
    echo "the tolerance: re-record them with 'make bench-thresholds' (on an otherwise idle machine)."
    exit 0
  fi
  echo "bench-check: FAILED (exit $rc): the benchmarks did not build or run, or thresholds are missing" >&2
  exit "$rc"
fi

# Regressions: measure the benchmarks concerned again, alone, up to twice, on an idle machine.
improved=$(grep -c '^Deviations better than threshold' "$log")
for attempt in 1 2; do
  failed=$(sed -n 's/^Deviations worse than threshold for \(.*\)$/\1/p' "$log" | sort -u)
  echo
  echo "bench-check: measuring again (attempt $attempt of 2), once the machine is idle, the benchmarks that regressed:"
  echo "$failed" | sed 's/^/  /'
  wait_for_idle
  options=()
  while IFS= read -r entry; do
    target=${entry%%:*}
    name=${entry#*:}
    # Whole-match regular expressions: escape the characters that are special in them.
    pattern=$(printf '%s' "$name" | sed 's/[][\.*^$()+?{}|]/\\&/g')
    options+=(--target "^${target}\$" --filter "$pattern")
  done <<<"$failed"
  check "${options[@]}"
  rc=$?
  if ! grep -q 'is WORSE than the defined thresholds' "$log"; then
    if [ "$rc" -eq 0 ] || grep -q 'is BETTER than the defined thresholds' "$log"; then
      echo "bench-check: the regression did not repeat (load from another process); passed"
      if [ "$improved" -gt 0 ]; then
        echo "bench-check: $improved benchmarks were better than their thresholds by more than the"
        echo "tolerance (see the first report): re-record them with 'make bench-thresholds'."
      fi
      exit 0
    fi
    echo "bench-check: FAILED (exit $rc): the benchmarks measured again did not run" >&2
    exit "$rc"
  fi
done
echo "bench-check: FAILED: benchmarks regressed beyond their tolerance in three measurements (see above)" >&2
exit 1

#!/usr/bin/env bash
# Runs the libFuzzer targets built by `make fuzz` (docs/testing.md) for FUZZ_SECONDS each, one after the other.
# Usage: Fuzz/fuzz.sh [target ...]   (default: FuzzScenario FuzzExpression)
# Each target's new inputs go to .build-fuzz/corpus/<name>/ (the committed corpus in Fuzz/corpus/<name>/ is only
# read); a crash, timeout or out-of-memory input is written to .build-fuzz/artifacts/<name>/ and fails the script.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
bin=${FUZZ_BIN:-.build-fuzz/debug}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzScenario FuzzExpression)
export SWIFT_BACKTRACE=enable=no          # the Swift backtracer hangs or trips ASan (docs/testing.md)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
status=0
for target in "${targets[@]}"; do
  case $target in
    FuzzScenario) name=scenario; max_len=65536; min_counters=30000 ;;
    FuzzExpression) name=expression; max_len=4096; min_counters=20000 ;;
    *) echo "unknown fuzz target $target" >&2; exit 2 ;;
  esac
  work=.build-fuzz/corpus/$name artifacts=.build-fuzz/artifacts/$name/ log=.build-fuzz/$name.log
  mkdir -p "$work" "$artifacts"
  echo "== $target: ${seconds} s, corpus Fuzz/corpus/$name (+ $work), log $log"
  "$bin/$target" "$work" "Fuzz/corpus/$name" -dict=Fuzz/mbc.dict -max_total_time="$seconds" \
    -max_len=$max_len -rss_limit_mb=2048 -timeout=5 -detect_leaks=0 -print_final_stats=1 \
    -artifact_prefix="$artifacts" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+' "$log" | tail -1)
  echo "   executions: ${runs:-?} (${rate:-?} exec/s); $cov; exit $rc"
  counters=$(sed -n 's/^INFO: Loaded 1 modules *(\([0-9]*\) inline 8-bit counters.*/\1/p' "$log" | head -1)
  if [ "${counters:-0}" -lt $min_counters ] || grep -q 'no interesting inputs were found' "$log"; then
    echo "   $target has ${counters:-no} coverage counters (expected >= $min_counters): the mbc modules are not" \
      "instrumented; run 'make fuzz-build' again" >&2
    status=1
  fi
  if [ $rc -ne 0 ]; then
    status=1
    grep -E 'ERROR: libFuzzer|ERROR: AddressSanitizer|Fatal error|SUMMARY' "$log" | head -5 | sed 's/^/   /'
    grep -oE '(Test unit|artifact) written to [^ ]+' "$log" | sed 's/^/   crash input: /'
  fi
done
exit $status

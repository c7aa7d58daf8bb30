#!/usr/bin/env bash
# The random number generator battery (`make battery`; docs/testing.md, "Random number
# generator battery"): raw xoshiro256++ outputs of mbc's keyed streams, written by the
# mbc-rng-dump target, piped into dieharder (Debian's `dieharder`, installed with apt-get when
# missing; TestU01 and PractRand are not packaged in Debian 12 nor on PyPI).
#
#   scripts/rng-battery.sh [quick|full|smallcrush]
#
# quick (default): the dieharder tests listed in QUICK_TESTS below on each of four streams;
# full: `dieharder -a` (every test at default sizes) on each stream, about 30 min per stream;
# smallcrush: TestU01's SmallCrush on each stream, on the upper 32 bits, the lower 32 bits and
# both halves of each word in turn (about 20 s each). TestU01 is in neither Debian 12 nor PyPI:
# build TestU01 1.2.3 from its source (./configure --prefix=DIR --disable-shared && make
# install) and set TESTU01_DIR=DIR; the driver is scripts/testu01-stdin.c.
# Each stream is tested with -Y 1 (a WEAK p-value is re-tested with more samples until it
# resolves to PASSED or FAILED). Exit status 1 when any test ends FAILED.
#
# Streams (mbc-rng-dump modes; SEED defaults to 20260101):
#   stream          one key's stream: (SEED, run 0, client 0, transitions)
#   keys 1          the FIRST output of the streams of clients 0, 1, 2, …: what keyed
#                   re-seeding does to neighbouring keys, the weakest spot of the design
#   interleave 1000 output t of clients 0 … 999, then output t + 1 of each, …: the order in
#                   which the individual engine consumes its transition streams
#   runs 1          the first output of a parameter's stream in runs 0, 1, 2, …
#
# Environment: SWIFT (swift), SCRATCH (the build folder, .build), SEED, OUT (where the logs go,
# results/rng-battery), STREAMS (override the list, ';'-separated mbc-rng-dump arguments).
set -euo pipefail
cd "$(dirname "$0")/.."

MODE="${1:-quick}"
SWIFT="${SWIFT:-swift}"
SCRATCH="${SCRATCH:-.build}"
SEED="${SEED:-20260101}"
OUT="${OUT:-results/rng-battery}"
# dieharder tests rated "Good" whose default sizes run in seconds at ~40 M words/s:
# diehard birthdays, OPERM5, 32×32 and 6×8 rank, bitstream, count-the-1s (stream and byte),
# parking lot, 2d/3d minimum distance, squeeze, runs, craps; STS monobit,
# runs, serial; RGB lagged sums; byte distribution; DAB DCT, fill tree 2,
# monobit 2.
QUICK_TESTS="${QUICK_TESTS:-0 1 2 3 4 8 9 10 11 12 13 15 16 100 101 102 203 205 206 208 209}"
STREAMS="${STREAMS:-stream $SEED;keys $SEED 1;interleave $SEED 1000;runs $SEED 1}"

case "$MODE" in quick | full | smallcrush) ;; *) echo "usage: $0 [quick|full|smallcrush]" >&2; exit 64 ;; esac

if [ "$MODE" = smallcrush ]; then
  if [ -z "${TESTU01_DIR:-}" ] || [ ! -f "$TESTU01_DIR/include/bbattery.h" ]; then
    echo "mbc: set TESTU01_DIR to a TestU01 1.2.3 installation (include/, lib/); see $0" >&2
    exit 2
  fi
  "$SWIFT" build --scratch-path "$SCRATCH" --product mbc-rng-dump >/dev/null
  mkdir -p "$OUT"
  driver="$SCRATCH/testu01-stdin"
  cc -O2 -I"$TESTU01_DIR/include" scripts/testu01-stdin.c -L"$TESTU01_DIR/lib" \
    -ltestu01 -lprobdist -lmylib -lm -o "$driver"
  failed=0
  IFS=';' read -r -a streams <<<"$STREAMS"
  for stream in "${streams[@]}"; do
    for bits in both high low; do
      log="$OUT/smallcrush-$(echo "$stream" | tr ' ' '-')-$bits.txt"
      # shellcheck disable=SC2086
      "$SCRATCH/debug/mbc-rng-dump" $stream | "$driver" small "$bits" >"$log" 2>&1 || true
      if grep -q 'All tests were passed' "$log"; then
        echo "SmallCrush, mbc-rng-dump $stream, $bits: all 15 statistics passed"
      else
        echo "SmallCrush, mbc-rng-dump $stream, $bits: FAILED or incomplete ($log)"
        sed -n '/Summary results/,$p' "$log" | sed 's/^/   /'
        failed=1
      fi
    done
  done
  exit $failed
fi

if ! command -v dieharder >/dev/null 2>&1; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  echo "mbc: installing dieharder with apt-get ..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq dieharder >/dev/null
fi

"$SWIFT" build --scratch-path "$SCRATCH" --product mbc-rng-dump >/dev/null
DUMP="$SCRATCH/debug/mbc-rng-dump"
mkdir -p "$OUT"

failed=0
IFS=';' read -r -a streams <<<"$STREAMS"
for stream in "${streams[@]}"; do
  name="$(echo "$stream" | tr ' ' '-')"
  log="$OUT/$MODE-$name.txt"
  echo "== mbc-rng-dump $stream | dieharder ($MODE) -> $log"
  : >"$log"
  start=$SECONDS
  if [ "$MODE" = full ]; then
    # shellcheck disable=SC2086
    "$DUMP" $stream | dieharder -g 200 -a -Y 1 >>"$log" 2>&1 || true
  else
    for t in $QUICK_TESTS; do
      # shellcheck disable=SC2086
      "$DUMP" $stream | dieharder -g 200 -d "$t" -Y 1 >>"$log" 2>&1 || true
    done
  fi
  results="$(grep -E '\|(  PASSED  |   WEAK   |  FAILED  )' "$log" || true)"
  passed=$(grep -c PASSED <<<"$results" || true)
  weak=$(grep -c WEAK <<<"$results" || true)
  fails=$(grep -c FAILED <<<"$results" || true)
  min=$(awk -F'|' '/PASSED|WEAK|FAILED/ {gsub(/ /, "", $5); print $5}' <<<"$results" | sort -g | head -1)
  max=$(awk -F'|' '/PASSED|WEAK|FAILED/ {gsub(/ /, "", $5); print $5}' <<<"$results" | sort -g | tail -1)
  # With -Y 1 a WEAK result is followed by re-runs with more p-samples until it resolves, so the
  # counts include those re-runs; a test that resolves to FAILED ends on a FAILED line.
  echo "   $passed passed, $weak weak (then re-tested), $fails failed (results including re-tests);" \
    "p-values from $min to $max; $((SECONDS - start)) s"
  grep -E 'WEAK|FAILED' <<<"$results" | sed 's/^/   /' || true
  [ "$fails" = 0 ] || failed=1
done
exit $failed

#!/usr/bin/env python3
"""Run mbc and the plain numpy implementation of outreach-ref on the same work and compare.

Both simulate the benchmark workload outreach-ref (../shared/benchmark-model.md) with the same
number of runs and seed:

1. `mbc simulate Scenarios/outreach-ref.yaml --runs N --seed S --threads T --out TMP -q`
   (T = --mbc-threads, default 2), then the same with `--threads 1`;
2. `python3 Benchmarks/numpy/outreach_ref.py --runs N --seed S --json` (single-threaded).

It prints their times (whole command, measured here, and the simulate phase each program
reports: manifest.json `timings_seconds.simulate` for mbc, the model loop for numpy),
client-months per second, the speed factor numpy time / mbc time, and whether the mean results
agree. The two use different random numbers (mbc: xoshiro256++ streams; numpy: PCG64), so they
agree only statistically: for every compared mean, z = difference / sqrt(MCSE_mbc^2 +
MCSE_numpy^2), and |z| < 4 is expected. The exit status is 1 when any |z| >= 4 (a model
mismatch), 2 when a command fails.

    python3 Benchmarks/numpy/compare.py --runs 100000 [--seed 1] [--mbc .build/release/mbc]
        [--mbc-threads 2] [--markdown]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent  # the repository
NUMPY_MODEL = HERE / "outreach_ref.py"
CLIENT_MONTHS_PER_RUN = 100 * 36 * 2
PAYERS = ("municipality", "health_insurer", "housing_corporation", "police_justice", "total")
EVENTS = ("eviction", "admission", "nuisance")

# (label, key in mbc's summary.csv as (metric, arm, payer, event), key in the numpy summary).
# The first is the main check of issue 6: the net saving of BZ against UC, all payers.
COMPARED = (
    [(f"net saving BZ vs UC, {'all payers' if p == 'total' else p}",
      ("net_saving", "BZ", p, "NA"), f"net_saving.BZ.{p}") for p in ("total",) + PAYERS[:-1]]
    + [(f"{label}, {arm}", ("events", arm, "NA", e), f"events.{arm}.{e}")
       for arm in ("UC", "BZ")
       for e, label in zip(EVENTS, ("evictions", "admissions", "nuisance incidents"))]
)


def parse_count(text: str) -> int:
    value = float(text.replace("_", ""))
    if value < 1 or value != int(value):
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text}")
    return int(value)


def run(command: list[str], what: str) -> tuple[float, str]:
    """Run a command from the repository root; return its wall time in seconds and stdout."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.stderr.write(f"compare.py: {what} failed (exit {done.returncode}): "
                         f"{' '.join(command)}\n{done.stderr}{done.stdout}")
        sys.exit(2)
    return seconds, done.stdout


def run_mbc(binary: str, scenario: str, runs: int, seed: int, threads: int, out: Path) -> dict:
    command = [binary, "simulate", scenario, "--runs", str(runs), "--seed", str(seed),
               "--threads", str(threads), "--out", str(out), "-q"]
    command_wall, _ = run(command, f"mbc with {threads} thread(s)")
    manifest = json.loads((out / "manifest.json").read_text())
    means = {}
    with open(out / "summary.csv", newline="") as f:
        for row in csv.DictReader(f):
            key = (row["metric"], row["arm"], row["payer"], row["event"])
            means[key] = (float(row["mean"]), float(row["mcse"]))
    return {
        "threads": threads,
        "command_wall": command_wall,
        "manifest_wall": float(manifest["wall_seconds"]),
        "simulate": float(manifest["timings_seconds"]["simulate"]),
        "version": manifest.get("mbc_version", "?"),
        "runs": int(manifest["runs"]),
        "means": means,
    }


def run_numpy(python: str, runs: int, seed: int, batch: int | None) -> dict:
    command = [python, str(NUMPY_MODEL), "--runs", str(runs), "--seed", str(seed), "--json"]
    if batch is not None:
        command += ["--batch", str(batch)]
    command_wall, stdout = run(command, "the numpy implementation")
    result = json.loads(stdout)
    return {
        "threads": 1,
        "command_wall": command_wall,
        "simulate": float(result["simulate_seconds"]),
        "numpy_version": result["numpy_version"],
        "python_version": result["python_version"],
        "batch": result["batch"],
        "means": {k: (v["mean"], v["mcse"]) for k, v in result["summary"].items()},
    }


def find_python() -> str | None:
    """This interpreter if it can import numpy, else the repository's venv (`make venv`)."""
    for candidate in (sys.executable, str(ROOT / ".venv" / "bin" / "python")):
        if candidate and os.access(candidate, os.X_OK) and subprocess.run(
                [candidate, "-c", "import numpy"], capture_output=True).returncode == 0:
            return candidate
    return None


def table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(x) for x in col) for col in zip(header, *rows)]

    def fmt(r: list[str]) -> str:
        return "  ".join(x.ljust(w) if i == 0 else x.rjust(w)
                         for i, (x, w) in enumerate(zip(r, widths)))

    return "\n".join([fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time mbc against a plain vectorized numpy implementation of outreach-ref "
                    "(same model, same run count) and check that their means agree.")
    parser.add_argument("--runs", type=parse_count, default=100_000,
                        help="runs for both (default 100000; 1e5 and 100_000 work)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mbc", default=".build/release/mbc",
                        help="the mbc binary (default .build/release/mbc, relative to the "
                             "repository root)")
    parser.add_argument("--scenario", default="Scenarios/outreach-ref.yaml")
    parser.add_argument("--mbc-threads", type=int, default=2,
                        help="threads of the main mbc run (default 2); mbc also runs with 1")
    parser.add_argument("--python", default=None,
                        help="the Python that runs the numpy implementation (default: this one "
                             "if it has numpy, else the repository's .venv/bin/python)")
    parser.add_argument("--batch", type=int, default=None,
                        help="runs per numpy batch (default: outreach_ref.py's)")
    parser.add_argument("--markdown", action="store_true",
                        help="print the tables as markdown (for docs/performance.md)")
    args = parser.parse_args(argv)

    binary = args.mbc if os.path.isabs(args.mbc) else str(ROOT / args.mbc)
    if not os.access(binary, os.X_OK):
        sys.stderr.write(f"compare.py: no mbc binary at {binary} (build it with `make build`)\n")
        return 2

    python = args.python or find_python()
    if python is None:
        sys.stderr.write("compare.py: no Python with numpy: this one has none and there is no "
                         ".venv/bin/python (create it with `make venv`), or pass --python\n")
        return 2

    with tempfile.TemporaryDirectory(prefix="mbc-vs-numpy-") as tmp:
        mbc_runs = [run_mbc(binary, args.scenario, args.runs, args.seed, args.mbc_threads,
                            Path(tmp) / f"threads{args.mbc_threads}")]
        if args.mbc_threads != 1:
            mbc_runs.append(run_mbc(binary, args.scenario, args.runs, args.seed, 1,
                                    Path(tmp) / "threads1"))
    numpy_run = run_numpy(python, args.runs, args.seed, args.batch)
    main_mbc = mbc_runs[0]
    if main_mbc["runs"] != args.runs:
        sys.stderr.write(f"compare.py: mbc ran {main_mbc['runs']} runs, not {args.runs}\n")
        return 2

    client_months = args.runs * CLIENT_MONTHS_PER_RUN
    md = args.markdown
    print(f"outreach-ref, {args.runs:,} runs ({client_months:.3g} client-months), seed "
          f"{args.seed}: mbc {main_mbc['version']} against numpy {numpy_run['numpy_version']} "
          f"(Python {numpy_run['python_version']}, batches of {numpy_run['batch']} runs); "
          f"{os.cpu_count()} cores, {platform.machine()}, "
          f"{datetime.date.today().isoformat()}.")
    print()

    header = ["implementation", "threads", "wall (s)", "simulate (s)",
              "client-months/s (simulate)", "numpy ÷ this, wall", "numpy ÷ this, simulate"]
    rows = []
    for r, name in [(m, "mbc") for m in mbc_runs] + [(numpy_run, "numpy")]:
        rows.append([name, str(r["threads"]), f"{r['command_wall']:.2f}", f"{r['simulate']:.2f}",
                     f"{client_months / r['simulate']:.3g}",
                     f"{numpy_run['command_wall'] / r['command_wall']:.1f}×",
                     f"{numpy_run['simulate'] / r['simulate']:.1f}×"])
    print(table(header, rows, md))
    print()
    print("wall: the whole command as timed here (mbc: parse, simulate, analysis, writing every "
          "output file; numpy: interpreter start, import, simulate, summary). simulate: mbc's "
          "manifest timings_seconds.simulate; numpy's model loop. mbc's own manifest "
          "wall_seconds: " + ", ".join(f"{m['manifest_wall']:.2f} s ({m['threads']} "
                                       f"thread{'s' if m['threads'] != 1 else ''})"
                                       for m in mbc_runs) + ".")
    print()

    # Agreement of the means (different random numbers: statistical agreement only).
    header = ["mean", "mbc", "numpy", "difference", "combined MCSE", "z"]
    rows, worst = [], 0.0
    for label, mbc_key, numpy_key in COMPARED:
        m_mean, m_mcse = main_mbc["means"][mbc_key]
        n_mean, n_mcse = numpy_run["means"][numpy_key]
        se = math.hypot(m_mcse, n_mcse)
        z = (n_mean - m_mean) / se if se > 0 else (0.0 if n_mean == m_mean else math.inf)
        worst = max(worst, abs(z))
        digits = 0 if mbc_key[0] == "net_saving" else 3
        rows.append([label, f"{m_mean:,.{digits}f}", f"{n_mean:,.{digits}f}",
                     f"{n_mean - m_mean:,.{digits}f}", f"{se:,.{digits}f}", f"{z:+.2f}"])
    print(table(header, rows, md))
    print()
    if len(mbc_runs) > 1:
        a, b = (m["means"][COMPARED[0][1]][0] for m in mbc_runs)
        note = "identical" if a == b else f"DIFFERENT ({a!r} against {b!r})"
        print(f"mbc's results with {mbc_runs[0]['threads']} and 1 thread(s): {note}.")
    ok = worst < 4
    print(f"Agreement: largest |z| = {worst:.2f} "
          + ("< 4: the two implementations agree." if ok
             else ">= 4: the implementations disagree (a model mismatch)."))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

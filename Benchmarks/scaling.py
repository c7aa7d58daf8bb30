#!/usr/bin/env python3
"""Measure mbc's performance targets (issue 6) with the ordinary `mbc simulate` command.

Prints markdown tables for docs/performance.md:

1. the standard workload Scenarios/outreach-ref.yaml at 1e4, 1e5 and 1e6 runs (2 threads):
   simulate phase, whole command, client-months per second, peak resident memory;
2. cost against clients: outreach-ref with 10, 100 and 1000 clients per run (the scenario with
   only its `clients:` line changed, in a temporary copy), 1e5 runs;
3. threads: 1 against 2 threads on 1e5 runs (the speed-up);
4. time dependence: Scenarios/outreach-ref-time.yaml (rows by cycle and age band) against
   outreach-ref, 1e5 runs;
5. the cohort engine: Scenarios/validation/darth-sick-sicker.yaml (4 states, 75 cycles, 4 arms),
   1e4 runs.

Every figure is one run of the real command (wall clock from manifest.json, peak RSS from
/usr/bin/time or getrusage of the child). The machine should be otherwise idle: on a shared
2-core machine anything else running shows up directly in these times.

    python3 Benchmarks/scaling.py [--mbc .build/release/mbc] [--quick] [--skip-1e6]

--quick uses 1e5 runs at most and 1e3 for the clients table's 1000-client row (a smoke test,
about a minute). Without it the whole set takes about 2 minutes plus the 1e6 run (~20 s).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "Scenarios" / "outreach-ref.yaml"
TIME = ROOT / "Scenarios" / "outreach-ref-time.yaml"
DARTH = ROOT / "Scenarios" / "validation" / "darth-sick-sicker.yaml"


def simulate(mbc: str, scenario: Path, runs: int, threads: int = 2, engine: str | None = None) -> dict:
    """Runs `mbc simulate` once; returns the manifest with peak RSS (MB) and the command added."""
    with tempfile.TemporaryDirectory() as out:
        command = [mbc, "simulate", str(scenario), "--runs", str(runs), "--threads", str(threads),
                   "--seed", "1", "--out", out, "-q"]
        if engine:
            command += ["--engine", engine]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            sys.exit(f"scaling.py: {' '.join(command)} failed (exit {done.returncode}):\n{done.stderr}")
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        manifest = json.loads((Path(out) / "manifest.json").read_text())
    # ru_maxrss of children is the largest of any child so far (KB on Linux): only exact when
    # this child is the largest yet, so report it only then.
    manifest["peak_rss_mb"] = after / 1024 if after > before else None
    shown = [c if c != out else "OUT" for c in command]
    manifest["command"] = " ".join(["mbc"] + shown[1:]).replace(str(ROOT) + "/", "")
    return manifest


def with_clients(n: int, folder: Path) -> Path:
    text = REF.read_text()
    text, count = re.subn(r"^clients: \{value: 100,", f"clients: {{value: {n},", text, flags=re.M)
    assert count == 1, "outreach-ref.yaml's clients line changed; update scaling.py"
    path = folder / f"outreach-ref-{n}-clients.yaml"
    path.write_text(text)
    return path


def row(m: dict, label: str) -> str:
    t = m["timings_seconds"]
    cm = m["runs"] * m["clients"] * m["horizon_cycles"] * len(m["arms"])
    rate = cm / t["simulate"]
    whole = cm / m["wall_seconds"]
    rss = f"{m['peak_rss_mb']:.0f} MB" if m.get("peak_rss_mb") else ""
    per = 1e9 / rate * m["threads"]
    return (f"| {label} | {m['runs']:,} | {m['clients']} | {m['threads']} | {t['simulate']:.2f} s | "
            f"{m['wall_seconds']:.2f} s | {rate:.3g} | {whole:.3g} | {per:.2f} | {rss} |")


HEADER = ("| workload | runs | clients | threads | simulate | whole command | client-months/s (simulate) "
          "| client-months/s (whole) | ns per client-month per thread | peak RSS |\n"
          "|---|---|---|---|---|---|---|---|---|---|")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mbc", default=str(ROOT / ".build" / "release" / "mbc"))
    parser.add_argument("--quick", action="store_true", help="small run counts (smoke test)")
    parser.add_argument("--skip-1e6", action="store_true", help="leave out the 1e6-run row")
    args = parser.parse_args()
    if not os.access(args.mbc, os.X_OK):
        sys.exit(f"scaling.py: no mbc binary at {args.mbc}; run `make build` first")
    big = 100_000 if not args.quick else 20_000

    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}")
    try:
        model = next(l for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name"))
        print(model.split(":", 1)[1].strip())
    except (OSError, StopIteration):
        pass
    print()

    print("### Runs (outreach-ref, 100 clients, 36 months, 2 arms)\n")
    print(HEADER)
    counts = [10_000, 100_000] + ([] if args.quick or args.skip_1e6 else [1_000_000])
    for n in counts:
        print(row(simulate(args.mbc, REF, n), "outreach-ref"), flush=True)
    print()

    print("### Clients per run (outreach-ref with `clients:` changed)\n")
    print(HEADER)
    with tempfile.TemporaryDirectory() as folder:
        for clients in (10, 100, 1000):
            runs = big if clients <= 100 else big // 10
            print(row(simulate(args.mbc, with_clients(clients, Path(folder)), runs), "outreach-ref"), flush=True)
    print()

    print("### Threads\n")
    print(HEADER)
    one = simulate(args.mbc, REF, big, threads=1)
    two = simulate(args.mbc, REF, big, threads=2)
    print(row(one, "outreach-ref"))
    print(row(two, "outreach-ref"))
    print(f"\nSpeed-up 1 → 2 threads (simulate phase): {one['timings_seconds']['simulate'] / two['timings_seconds']['simulate']:.2f}×\n")

    print("### Time dependence\n")
    print(HEADER)
    plain = simulate(args.mbc, REF, big)
    timed = simulate(args.mbc, TIME, big)
    print(row(plain, "outreach-ref"))
    print(row(timed, "outreach-ref-time"))
    print(f"\nTime-dependent / homogeneous (simulate phase): {timed['timings_seconds']['simulate'] / plain['timings_seconds']['simulate']:.2f}×\n")

    print("### Cohort engine (DARTH Sick-Sicker: 4 states, 75 cycles, 4 arms)\n")
    cohort = simulate(args.mbc, DARTH, 10_000, engine="cohort")
    t = cohort["timings_seconds"]
    print("| runs | simulate | whole command |\n|---|---|---|")
    print(f"| {cohort['runs']:,} | {t['simulate']:.3f} s | {cohort['wall_seconds']:.2f} s |")


if __name__ == "__main__":
    main()

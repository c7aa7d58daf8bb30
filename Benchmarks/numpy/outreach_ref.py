#!/usr/bin/env python3
"""The benchmark workload "outreach-ref" as a plain vectorized numpy program.

The model is the one defined in ../shared/benchmark-model.md and Scenarios/outreach-ref.yaml:
100 care-avoiding clients, 36 monthly cycles, usual care (UC) against assertive outreach (BZ),
17 uncertain parameters drawn once per run, 4 payers. It follows the document's "Conventions
that make implementations comparable":

- the current state's transition row is cumulated in column order (Avoiding, Engaged, InCare,
  Admitted, Homeless) with the stay probability set to the remaining probability; the new state
  is the first column j with u1 < cum[j];
- every client-month uses two uniforms, the same in both arms (common random numbers): u1 for
  the move and u2 for the Poisson count of nuisance incidents by inversion (drawn even when the
  rate is 0);
- the cost of the state at the start of month t (and the cost of its nuisance incidents) is
  discounted by 1.04^(-t/12); an eviction is discounted with the month of the move;
- counts (evictions = entries into Homeless, admissions = entries into Admitted, nuisance
  incidents) are undiscounted.

It is the yardstick for "plain vectorized numpy": arrays over runs x clients, a Python loop
over the 36 months, runs processed in batches so that memory stays bounded. No numba, no C
extensions, no multiprocessing; numpy's element-wise operations use one core.

    python3 Benchmarks/numpy/outreach_ref.py --runs 10000 [--seed 1] [--batch 2000] [--json]

Random numbers: numpy.random.Generator(PCG64(seed)). Per batch, the parameter draws of its runs
come first, then per month one (2, runs, clients) block of uniforms (u1, u2). The results
therefore depend on the seed and the batch size (not on anything else); they are a different
sample from mbc's, so the two agree statistically, not run by run.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

import numpy as np

# --------------------------------------------------------------------------------------------
# The model's definition

T = 36  # months
N_CLIENTS = 100
ANNUAL_DISCOUNT = 0.04
ARMS = ("UC", "BZ")
STATES = ("Avoiding", "Engaged", "InCare", "Admitted", "Homeless")
AVOIDING, ENGAGED, INCARE, ADMITTED, HOMELESS = range(5)
S = len(STATES)
PAYERS = ("municipality", "health_insurer", "housing_corporation", "police_justice")
EVENTS = ("eviction", "admission", "nuisance")

RR_ADMIT_INCARE = 0.5
RR_NUISANCE_ENGAGED = 0.5

# name: (distribution, a, b): beta and gamma by mean and sd (method of moments), lognormal by
# median and sigma of the log.
PARAMETERS = {
    "p_engage_bz": ("beta", 0.15, 0.03),
    "p_engage_uc": ("beta", 0.02, 0.01),
    "p_evict": ("beta", 0.010, 0.004),
    "rr_evict_engaged": ("lognormal", 0.3, 0.2),
    "p_admit": ("beta", 0.020, 0.006),
    "rr_admit_engaged": ("lognormal", 0.5, 0.2),
    "p_discharge": ("beta", 0.50, 0.10),
    "p_handover": ("beta", 0.20, 0.05),
    "p_dropout": ("beta", 0.03, 0.01),
    "p_rehouse": ("beta", 0.05, 0.02),
    "lambda_nuisance": ("gamma", 0.30, 0.10),
    "c_bz_month": ("gamma", 420.0, 80.0),
    "c_eviction": ("gamma", 60000.0, 15000.0),
    "c_homeless_month": ("gamma", 1500.0, 300.0),
    "c_admit_month": ("gamma", 12000.0, 2000.0),
    "c_incare_month": ("gamma", 600.0, 150.0),
    "c_nuisance": ("gamma", 1300.0, 400.0),
}

# Shares of the costs per payer (municipality, health insurer, housing corporation, police).
EVICTION_SHARES = np.array([0.7, 0.0, 0.1, 0.2])
NUISANCE_SHARES = np.array([0.2, 0.0, 0.3, 0.5])
INCARE_SHARES = np.array([0.3, 0.7, 0.0, 0.0])


def draw_parameters(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """One draw of every parameter for each of n runs (the same draw serves both arms)."""
    draws = {}
    for name, (dist, a, b) in PARAMETERS.items():
        if dist == "beta":
            mean, sd = a, b
            nu = mean * (1.0 - mean) / (sd * sd) - 1.0
            draws[name] = rng.beta(mean * nu, (1.0 - mean) * nu, size=n)
        elif dist == "gamma":
            mean, sd = a, b
            draws[name] = rng.gamma(shape=(mean / sd) ** 2, scale=sd * sd / mean, size=n)
        else:  # lognormal(mu = ln median, sigma)
            draws[name] = rng.lognormal(mean=math.log(a), sigma=b, size=n)
    return draws


def transition_matrices(p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per arm, the (runs, S, S) cumulative transition rows, stay = remaining probability."""
    n = len(p["p_evict"])
    shared = np.zeros((n, S, S))
    shared[:, ENGAGED, INCARE] = p["p_handover"]
    shared[:, ENGAGED, ADMITTED] = p["p_admit"] * p["rr_admit_engaged"]
    shared[:, ENGAGED, HOMELESS] = p["p_evict"] * p["rr_evict_engaged"]
    shared[:, INCARE, AVOIDING] = p["p_dropout"]
    shared[:, INCARE, ADMITTED] = p["p_admit"] * RR_ADMIT_INCARE
    shared[:, ADMITTED, INCARE] = p["p_discharge"]
    shared[:, HOMELESS, AVOIDING] = p["p_rehouse"]
    cumulative = {}
    for arm in ARMS:
        m = shared.copy()
        if arm == "UC":
            m[:, AVOIDING, INCARE] = p["p_engage_uc"]
        else:
            m[:, AVOIDING, ENGAGED] = p["p_engage_bz"]
        m[:, AVOIDING, ADMITTED] = p["p_admit"]
        m[:, AVOIDING, HOMELESS] = p["p_evict"]
        for s in range(S):
            m[:, s, s] = 1.0 - (m[:, s, :].sum(axis=1) - m[:, s, s])
        if (m < 0).any():
            raise ValueError("a drawn transition row has moves adding up to more than 1")
        cumulative[arm] = np.cumsum(m, axis=2)
    return cumulative


def poisson_inverse(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Poisson counts by sequential inversion: the smallest k with u < F(k; lam).

    u is (runs, clients), lam is (runs,). Each pass adds the next probability to the CDF, so
    the number of passes is the largest count in the batch plus one.
    """
    count = np.zeros(u.shape, dtype=np.int32)
    pmf = np.exp(-lam)[:, None]
    cdf = pmf.copy()
    above = u >= cdf
    k = 0
    while above.any():
        k += 1
        count += above
        pmf = pmf * lam[:, None] / k
        if not pmf.any():  # the CDF cannot grow any more (u within rounding of 1)
            break
        cdf = cdf + pmf
        above = u >= cdf
    return count


def simulate_batch(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Simulate n runs; returns per-run outputs, each an array of length n."""
    p = draw_parameters(rng, n)
    cumulative = transition_matrices(p)
    # Column j of the cumulative rows of all runs, flattened to length runs * S: the row of run
    # r in state s is r * S + s. The last column (1, up to rounding) is not needed: a client
    # whose u1 is not below any of the first S - 1 cumulative values moves to the last state.
    columns = {arm: [np.ascontiguousarray(c[:, :, j]).ravel() for j in range(S - 1)]
               for arm, c in cumulative.items()}
    row_base = (np.arange(n) * S)[:, None]
    discount = (1.0 + ANNUAL_DISCOUNT) ** (-np.arange(T) / 12.0)
    lam_avoiding = p["lambda_nuisance"]
    lam_engaged = p["lambda_nuisance"] * RR_NUISANCE_ENGAGED

    state = {arm: np.full((n, N_CLIENTS), AVOIDING, dtype=np.intp) for arm in ARMS}
    occupancy = {arm: np.zeros((n, S)) for arm in ARMS}  # discounted client-months per state
    evictions = {arm: np.zeros(n) for arm in ARMS}
    admissions = {arm: np.zeros(n) for arm in ARMS}
    nuisance = {arm: np.zeros(n) for arm in ARMS}
    evictions_disc = {arm: np.zeros(n) for arm in ARMS}
    nuisance_disc = {arm: np.zeros(n) for arm in ARMS}

    for t in range(T):
        u1, u2 = rng.random((2, n, N_CLIENTS))  # the same in both arms
        # The nuisance count depends only on the state's rate, and only Avoiding and Engaged
        # have one: count once per rate, then pick per arm by state.
        k_avoiding = poisson_inverse(u2, lam_avoiding)
        k_engaged = poisson_inverse(u2, lam_engaged)
        d = discount[t]
        for arm in ARMS:
            s = state[arm]
            row = row_base + s
            # Discounted occupancy at the start of the month, per run and state.
            occupancy[arm] += d * np.bincount(row.ravel(), minlength=n * S).reshape(n, S)
            k = ((k_avoiding * (s == AVOIDING)).sum(axis=1)
                 + (k_engaged * (s == ENGAGED)).sum(axis=1))
            nuisance[arm] += k
            nuisance_disc[arm] += d * k
            # Move: the first j with u1 < cum[j] = the number of j < S - 1 with cum[j] <= u1.
            new = np.zeros((n, N_CLIENTS), dtype=np.intp)
            for column in columns[arm]:
                new += u1 >= column[row]
            ev = ((new == HOMELESS) & (s != HOMELESS)).sum(axis=1)
            evictions[arm] += ev
            evictions_disc[arm] += d * ev
            admissions[arm] += ((new == ADMITTED) & (s != ADMITTED)).sum(axis=1)
            state[arm] = new

    out = {}
    for arm in ARMS:
        occ = occupancy[arm]
        cost = np.zeros((len(PAYERS), n))  # (payers, runs)
        cost[0] += p["c_bz_month"] * occ[:, ENGAGED] + p["c_homeless_month"] * occ[:, HOMELESS]
        cost[1] += p["c_admit_month"] * occ[:, ADMITTED]
        cost += INCARE_SHARES[:, None] * (p["c_incare_month"] * occ[:, INCARE])
        cost += EVICTION_SHARES[:, None] * (p["c_eviction"] * evictions_disc[arm])
        cost += NUISANCE_SHARES[:, None] * (p["c_nuisance"] * nuisance_disc[arm])
        for i, payer in enumerate(PAYERS):
            out[f"cost.{arm}.{payer}"] = cost[i]
        out[f"cost.{arm}.total"] = cost.sum(axis=0)
        out[f"events.{arm}.eviction"] = evictions[arm]
        out[f"events.{arm}.admission"] = admissions[arm]
        out[f"events.{arm}.nuisance"] = nuisance[arm]
    for payer in PAYERS + ("total",):
        out[f"net_saving.BZ.{payer}"] = out[f"cost.UC.{payer}"] - out[f"cost.BZ.{payer}"]
    for event in EVENTS:
        out[f"events_avoided.BZ.{event}"] = out[f"events.UC.{event}"] - out[f"events.BZ.{event}"]
    return out


def simulate(runs: int, seed: int = 1, batch: int = 2000) -> dict[str, np.ndarray]:
    """All runs, in batches of at most `batch`; per-run outputs of length `runs`."""
    rng = np.random.Generator(np.random.PCG64(seed))
    parts: dict[str, list[np.ndarray]] = {}
    done = 0
    while done < runs:
        n = min(batch, runs - done)
        for key, values in simulate_batch(rng, n).items():
            parts.setdefault(key, []).append(values)
        done += n
    return {key: np.concatenate(v) for key, v in parts.items()}


def summarise(values: np.ndarray) -> dict[str, float]:
    n = len(values)
    sd = float(values.std(ddof=1)) if n > 1 else float("nan")
    p2_5, p97_5 = np.percentile(values, [2.5, 97.5])
    return {
        "mean": float(values.mean()),
        "sd": sd,
        "mcse": sd / math.sqrt(n),
        "p2_5": float(p2_5),
        "p97_5": float(p97_5),
        "p_positive": float((values > 0).mean()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=lambda s: int(float(s.replace("_", ""))), required=True,
                        help="number of runs (e.g. 10000 or 1e4)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=2000, help="runs per batch (default 2000)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.batch < 1:
        parser.error("--runs and --batch must be positive")

    start = time.perf_counter()
    results = simulate(args.runs, args.seed, args.batch)
    simulate_seconds = time.perf_counter() - start
    summary = {key: summarise(v) for key, v in results.items()}
    wall = time.perf_counter() - start
    client_months = args.runs * N_CLIENTS * T * len(ARMS)

    if args.json:
        json.dump({
            "model": "outreach-ref",
            "implementation": "numpy",
            "numpy_version": np.__version__,
            "python_version": sys.version.split()[0],
            "runs": args.runs,
            "seed": args.seed,
            "batch": args.batch,
            "client_months": client_months,
            "simulate_seconds": simulate_seconds,
            "wall_seconds": wall,
            "client_months_per_second": client_months / wall,
            "summary": summary,
        }, sys.stdout, indent=2)
        print()
        return 0

    print(f"outreach-ref (numpy {np.__version__}): {args.runs} runs, seed {args.seed}, "
          f"batch {args.batch}; per cohort of {N_CLIENTS} clients, EUR discounted")
    print(f"{'metric':36} {'mean':>14} {'MCSE':>10} {'2.5%':>14} {'97.5%':>14} {'P(>0)':>7}")
    for key, s in summary.items():
        print(f"{key:36} {s['mean']:14.2f} {s['mcse']:10.2f} {s['p2_5']:14.2f} "
              f"{s['p97_5']:14.2f} {s['p_positive']:7.4f}")
    print(f"wall {wall:.3f} s (simulate {simulate_seconds:.3f} s); {client_months:.3g} "
          f"client-months, {client_months / wall:.3g} client-months/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

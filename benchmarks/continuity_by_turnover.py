"""Out-of-sample check of the case pathways: continuity against turnover across councils.

The pathway transfer rate is fitted to one number, England's share of children looked after
with three or more social workers in the year to 31 March 2024 (27%). How that share moves
with turnover is left out of the fit, so it is the check. Published: each council's share
(DfE, children looked after on 31 March 2024) against its turnover (DfE children's social
work workforce, year to 30 September 2024), an ordinary least-squares line with a 95%
confidence interval for its slope. Simulated: ``scenarios/england_2025.yaml`` with the
resignation hazard set to several levels, each run for replications of five years; each
replication's mean turnover and mean ``cla_3plus_sw_pct`` over the snapshots that have it,
and the least-squares line through them.

The check reports both lines and whether the simulated slope lies inside the published
slope's 95% interval; it is evidence, reported as it falls, not a gate.

    python benchmarks/continuity_by_turnover.py [--replications 6] [--jobs 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from staffsim.model.run import run_one
from staffsim.scenario.loader import load_scenario
from tools.population import line
from tools.population import published_continuity as published

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "england_2025.yaml"
RESIGNATION_RATES = (0.04, 0.07, 0.11, 0.15, 0.19, 0.24)
"""Resignation hazards (a year) that span the councils' turnover, about 5% to 25%."""


def _replication(task: tuple[float, int]) -> tuple[float, float]:
    rate, replication = task
    scenario = load_scenario(SCENARIO, {"attrition.resignation_rate_per_year": rate})
    annual = run_one(scenario, replication)["annual"]
    turnover = statistics.fmean(float(row["turnover_rate_fte"]) for row in annual[1:])
    share = statistics.fmean(float(row["cla_3plus_sw_pct"]) for row in annual[1:])
    return turnover, share


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    x_pub, y_pub = published()
    slope, intercept, lo, hi = line(x_pub, y_pub)
    print(f"published, {len(x_pub)} councils (CLA 31 March 2024; turnover year to 30 Sep 2024):")
    print(
        f"  share = {intercept:.1f} + {slope:.2f} x turnover  (slope 95% CI {lo:.2f} to {hi:.2f})"
    )
    started = time.perf_counter()
    tasks = [(rate, r) for rate in RESIGNATION_RATES for r in range(args.replications)]
    with Pool(args.jobs) as pool:
        results = pool.map(_replication, tasks)
    wall = time.perf_counter() - started
    x_sim = np.array([t for t, _ in results])
    y_sim = np.array([s for _, s in results])
    print(
        f"\nsimulated, england_2025 at {len(RESIGNATION_RATES)} resignation hazards x "
        f"{args.replications} replications x 5 years ({wall:.0f} s):"
    )
    print(f"{'resignation':>12} {'turnover %':>11} {'3+ workers %':>13}")
    for i, rate in enumerate(RESIGNATION_RATES):
        chunk = results[i * args.replications : (i + 1) * args.replications]
        print(
            f"{rate:>12.2f} {statistics.fmean(t for t, _ in chunk):>11.1f} "
            f"{statistics.fmean(s for _, s in chunk):>13.1f}"
        )
    s_slope, s_intercept, s_lo, s_hi = line(x_sim, y_sim)
    print(
        f"  share = {s_intercept:.1f} + {s_slope:.2f} x turnover  "
        f"(slope 95% CI {s_lo:.2f} to {s_hi:.2f})"
    )
    inside = lo <= s_slope <= hi
    print(
        f"\nsimulated slope {s_slope:.2f} {'inside' if inside else 'outside'} the published "
        f"slope's 95% interval [{lo:.2f}, {hi:.2f}]"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

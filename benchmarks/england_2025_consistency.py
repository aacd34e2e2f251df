"""Consistency check: does the typical English council stay near the published 2025 rates?

Runs ``scenarios/england_2025.yaml`` for 20 replications of five years (two worker
processes), takes each replication's mean over its five 30 September snapshots of the
turnover, vacancy and agency rates (percent) and the caseload (cases per case-holder FTE),
and prints the mean over replications with a 95% confidence interval (Student t over the
replication means) beside DfE's 2025 national value.

The check passes when each mean lies within its band of the published value: 2 percentage
points for the rates, 1.5 cases for the caseload. DfE's continuity figure is checked beside
them: ``cla_3plus_sw_pct`` (children looked after on 31 March with three or more social
workers in the year to that date; the 2026-2029 rows, the 2025 row's year having begun
before the start) within 5 points of the 27% of England in the year to 31 March 2024. The
pathway transfer rate is fitted to that figure (``scripts/fit_transfer_rate.py``), so its
check says the fit holds, not that the model predicts it. The scenario's parameters are derived
from the published stocks and flows (``scripts/derive_england_2025.py``), never tuned to
this result, so a pass says that the census definitions in the model and the derived
parameters balance; it is not a validation of the model's behaviour.

Reading the snapshots: the first year's turnover is low by about notice / 365 (nobody is
serving notice on the start date, so the first four weeks have no leavers), and its vacancy
rate a little high (every vacancy open on the start date begins a fresh campaign rather than
one part-way through). Inspections move the later years: a judgement other than good moves
reputation, and with it applicants, resignations and agency availability.

Run: ``python benchmarks/england_2025_consistency.py [--replications N] [--jobs J]``.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from multiprocessing import Pool
from pathlib import Path

from scipy import stats

from staffsim.data import council_count, national
from staffsim.model.run import run_one
from staffsim.scenario.loader import load_scenario
from tools.calibration.transfers import published_cla_3plus_pct

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "england_2025.yaml"
YEAR = 2025
METRICS = {
    # DfE column: allowed distance from the published value (percentage points or cases)
    "turnover_rate_fte": 2.0,
    "vacancy_rate_fte": 2.0,
    "agency_rate_fte": 2.0,
    "caseload_fte": 1.5,
}
CLA_BAND = 5.0
"""Allowed distance (points) of ``cla_3plus_sw_pct`` from DfE's national figure."""
# Shown for context, not part of the pass/fail bands.
CONTEXT = (
    "vacancy_agency_cover_rate_fte",
    "agency_cover_rate_fte",
    "starters_fte",
    "leavers_fte",
    "ofsted_rating_score",  # 1 outstanding ... 4 inadequate; the scenario starts good (2)
    "reputation",  # starts at 0.58, the pull of a good judgement
)


def _replication(args: tuple[str, int, int]) -> list[dict]:
    path, replication, years = args
    scenario = load_scenario(path, {"horizon_years": years})
    return run_one(scenario, replication)["annual"]


def mean_ci(values: list[float], level: float = 0.95) -> tuple[float, float, float]:
    """(mean, lower, upper) of a t confidence interval for the mean of ``values``."""
    n = len(values)
    mean = statistics.fmean(values)
    if n < 2:
        return mean, math.nan, math.nan
    half = stats.t.ppf((1 + level) / 2, n - 1) * statistics.stdev(values) / math.sqrt(n)
    return mean, mean - half, mean + half


def main(argv: list[str] | None = None) -> int:
    """Run the check, print the table, return 0 on PASS and 1 on FAIL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    tasks = [(str(SCENARIO), r, args.years) for r in range(args.replications)]
    with Pool(args.jobs) as pool:
        runs = pool.map(_replication, tasks)
    wall = time.perf_counter() - started

    published = national(YEAR)
    print(
        f"england_2025: {args.replications} replications x {args.years} years "
        f"({wall:.0f} s on {args.jobs} processes)"
    )
    print("mean over the 30 September snapshots of each replication, then over replications\n")
    header = f"{'metric':<30}{'simulated':>10}  {'95% CI':<17}{'DfE 2025':>9}{'band':>7}  result"
    print(header)
    print("-" * len(header))
    passed = True
    for metric, band in METRICS.items():
        per_rep = [statistics.fmean(row[metric] for row in annual) for annual in runs]
        mean, lo, hi = mean_ci(per_rep)
        target = float(published[metric])
        ok = abs(mean - target) <= band
        passed &= ok
        print(
            f"{metric:<30}{mean:>10.2f}  [{lo:6.2f}, {hi:6.2f}]  {target:>8.1f}  ±{band:<4}"
            f"  {'PASS' if ok else 'FAIL'}"
        )
    cla_per_rep = [
        statistics.fmean(row["cla_3plus_sw_pct"] for row in annual[1:]) for annual in runs
    ]
    mean, lo, hi = mean_ci(cla_per_rep)
    target = published_cla_3plus_pct(2024)
    ok = abs(mean - target) <= CLA_BAND
    passed &= ok
    print(
        f"{'cla_3plus_sw_pct (2024)':<30}{mean:>10.2f}  [{lo:6.2f}, {hi:6.2f}]  {target:>8.1f}"
        f"  ±{CLA_BAND:<4}  {'PASS' if ok else 'FAIL'}"
    )
    print("\ncontext (not banded):")
    for metric in CONTEXT:
        per_rep = [statistics.fmean(row[metric] for row in annual) for annual in runs]
        mean, lo, hi = mean_ci(per_rep)
        shown = ""
        if metric in published.index:
            per_council = float(published[metric])
            if not metric.endswith("rate_fte"):
                per_council /= council_count(YEAR)  # a national count, per council return
            shown = f"{per_council:>8.1f}"
        print(f"{metric:<30}{mean:>10.2f}  [{lo:6.2f}, {hi:6.2f}]  {shown}")
    print("\nby snapshot (mean over replications):")
    names = list(METRICS)
    print("year  " + "".join(f"{m:>20}" for m in names))
    for i, row in enumerate(runs[0]):
        values = [statistics.fmean(annual[i][m] for annual in runs) for m in names]
        print(f"{row['time_period']}  " + "".join(f"{v:>20.2f}" for v in values))
    print(f"\n{'PASS' if passed else 'FAIL'}: every mean within its band of DfE's figure")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())

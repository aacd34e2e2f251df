"""Birmingham's judgements, simulated beside the record: how often it is better than inadequate.

Runs ``scenarios/birmingham_2015.yaml`` and ``scenarios/birmingham_2015_reform.yaml`` on common
random numbers (20 replications of nine years, to the 2023 census, two worker processes) and
prints, for each 30 September census 2015-2023, the share of replications in which the
judgement in force is better than inadequate, and the mix of judgements, beside Ofsted's
record for Birmingham (inadequate in 2014 and again in November 2016, requires improvement
after the inspection of December 2018, good after that of February 2023: on the census days,
inadequate 2015-2018, requires improvement 2019-2022 and good in 2023, judgements dated by
the inspection as :func:`staffsim.data.latest_rating_by_census` dates them).

    python benchmarks/birmingham_judgements.py [--replications 20] [--jobs 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from multiprocessing import Pool
from pathlib import Path

from staffsim.model.run import run_one
from staffsim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
YEARS = 9
ARMS = ("birmingham_2015", "birmingham_2015_reform")
RECORD = {
    2015: "inadequate",
    2016: "inadequate",
    2017: "inadequate",
    2018: "inadequate",
    2019: "requires_improvement",
    2020: "requires_improvement",
    2021: "requires_improvement",
    2022: "requires_improvement",
    2023: "good",
}
"""Ofsted's judgement in force on each 30 September census day (published judgements:
inadequate 2014 and 2016, requires improvement 17 January 2019, good 18 April 2023)."""


def _ratings(task: tuple[str, int]) -> list[tuple[int, str]]:
    arm, replication = task
    scenario = load_scenario(ROOT / "scenarios" / f"{arm}.yaml", {"horizon_years": YEARS})
    return [
        (int(r["time_period"]), str(r["ofsted_rating"]))
        for r in run_one(scenario, replication)["annual"]
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    tasks = [(arm, r) for arm in ARMS for r in range(args.replications)]
    with Pool(args.jobs) as pool:
        results = pool.map(_ratings, tasks)
    by_arm: dict[str, list[list[tuple[int, str]]]] = {arm: [] for arm in ARMS}
    for (arm, _), rows in zip(tasks, results, strict=True):
        by_arm[arm].append(rows)
    wall = time.perf_counter() - started
    print(f"{args.replications} replications x {YEARS} years per scenario ({wall:.0f} s)\n")
    print(f"{'census':<8}{'record':<22}" + "".join(f"{a:>26}" for a in ARMS))
    better: dict[str, list[float]] = {arm: [] for arm in ARMS}
    for i, year in enumerate(sorted(RECORD)):
        cells = []
        for arm in ARMS:
            ratings = [rows[i][1] for rows in by_arm[arm]]
            share = sum(r != "inadequate" for r in ratings) / len(ratings)
            better[arm].append(share)
            mix = "/".join(
                str(sum(r == k for r in ratings))
                for k in ("outstanding", "good", "requires_improvement", "inadequate")
            )
            cells.append(f"{100 * share:5.0f}% better ({mix})")
        print(f"{year:<8}{RECORD[year]:<22}" + "".join(f"{c:>26}" for c in cells))
    print("\n(better: share of replications better than inadequate; in brackets the counts")
    print(" judged outstanding/good/requires improvement/inadequate)")
    late = {arm: sum(better[arm][4:]) / 5 for arm in ARMS}
    print(
        f"\n2019-2023, share better than inadequate: base {100 * late[ARMS[0]]:.0f}%, "
        f"reform {100 * late[ARMS[1]]:.0f}%; 2023: base {100 * better[ARMS[0]][-1]:.0f}%, "
        f"reform {100 * better[ARMS[1]][-1]:.0f}%"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Memory: peak traced memory of one replication over 10 and over 40 simulated years.

Two services: Birmingham 2015, and a large council twenty times the size of
``scenarios/example_small.yaml`` (posts, starting vacancies and agency cover, arrivals and
the policies' changes of establishment all scaled by 20). A run keeps its open cases, the
last year's closed cases (for the continuity measure) and one row a month, so its peak
memory should follow that live state and not the horizon. Prints each pair of peaks
(tracemalloc) and their ratio against the target of 1.25, beside the ratio of the live state
at the end (open cases plus the cases closed in the last year). The example's demand grows
2% a year, so its live state grows 1.8 times between years 10 and 40; the large council is
also run with that trend set to 0, to show the memory a run holds for the same live state.

    python benchmarks/memory.py            # both services
    python benchmarks/memory.py --large    # the large council only
"""

from __future__ import annotations

import argparse
import gc
import tracemalloc
from pathlib import Path
from typing import Any

from staffsim.model.run import run_one
from staffsim.scenario.loader import load_scenario
from staffsim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.25
LARGE_FACTOR = 20
"""How many times the example council the large council is."""


def birmingham(years: float) -> Scenario:
    """Birmingham 2015 over ``years``."""
    return load_scenario(ROOT / "scenarios" / "birmingham_2015.yaml", {"horizon_years": years})


def large_council(years: float) -> Scenario:
    """``example_small.yaml`` scaled up :data:`LARGE_FACTOR` times, over ``years``."""
    base = load_scenario(ROOT / "scenarios" / "example_small.yaml")
    scaled: dict[str, float | None] = {
        "establishment.case_holding_posts": base.establishment.case_holding_posts,
        "establishment.non_case_holding_posts": base.establishment.non_case_holding_posts,
        "establishment.team_manager_posts": base.establishment.team_manager_posts,
        "initial.vacant_case_holding_posts": base.initial.vacant_case_holding_posts,
        "initial.vacant_non_case_holding_posts": base.initial.vacant_non_case_holding_posts,
        "initial.agency_covering_vacancies": base.initial.agency_covering_vacancies,
        "demand.arrivals_per_day": base.demand.arrivals_per_day,
    }
    # a count left empty (team managers) is derived from the scaled posts
    overrides: dict[str, Any] = {
        key: value * LARGE_FACTOR for key, value in scaled.items() if value is not None
    }
    # the policies' establishment changes scale with the posts
    policies = []
    for policy in base.policies:
        changes = {
            path: value * LARGE_FACTOR if path.startswith("establishment.") else value
            for path, value in policy.set.items()
        }
        policies.append(policy.model_dump(mode="json") | {"set": changes})
    overrides.update(
        {"name": f"example_small_x{LARGE_FACTOR}", "horizon_years": years, "policies": policies}
    )
    return load_scenario(ROOT / "scenarios" / "example_small.yaml", overrides)


def large_council_flat_demand(years: float) -> Scenario:
    """:func:`large_council` with its demand held flat (no yearly trend)."""
    return large_council(years).model_copy(
        update={"demand": large_council(years).demand.model_copy(update={"trend_per_year": 0.0})}
    )


def peak_mib(scenario: Scenario) -> tuple[float, float]:
    """(peak traced memory in MiB, live cases at the end) of one replication of
    ``scenario``; live cases are those open plus those closed in the last year."""
    gc.collect()
    tracemalloc.start()
    record = run_one(scenario, 0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    last_year = record["monthly"][-12:]
    live = float(last_year[-1]["cases_open"]) + sum(float(row["cases_closed"]) for row in last_year)
    del record
    return peak / 2**20, live


def report(label: str, make) -> bool:
    """Print the 10- and 40-year peaks of ``make(years)`` and their ratio; whether it passes."""
    ten, live_ten = peak_mib(make(10))
    print(f"{label}, 10 years: peak {ten:7.1f} MiB, {live_ten:9,.0f} live cases", flush=True)
    forty, live_forty = peak_mib(make(40))
    print(f"{label}, 40 years: peak {forty:7.1f} MiB, {live_forty:9,.0f} live cases", flush=True)
    ratio = forty / ten
    passed = ratio <= TARGET_RATIO
    print(
        f"{label}: ratio 40y / 10y {ratio:.3f} (target at most {TARGET_RATIO}): "
        f"{'PASS' if passed else 'FAIL'}; live cases ratio {live_forty / live_ten:.3f}",
        flush=True,
    )
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="only the large council")
    args = parser.parse_args()
    if not args.large:
        report("Birmingham 2015", birmingham)
    report(f"example council x{LARGE_FACTOR}", large_council)
    report(f"example council x{LARGE_FACTOR}, demand flat", large_council_flat_demand)


if __name__ == "__main__":
    main()

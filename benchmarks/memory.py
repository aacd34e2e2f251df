"""Memory: peak traced memory of one replication over 10 and over 40 simulated years.

Two services: Birmingham 2015, and a large council twenty times the size of
``scenarios/example_small.yaml`` (posts, starting vacancies and agency cover, arrivals and
the policies' changes of establishment all scaled by 20). A run keeps its open cases, the
last year's closed cases (for the continuity measure) and one row a month, so its peak
memory should barely grow with the horizon. Prints each pair of peaks (tracemalloc) and
their ratio against the target of 1.25.

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


def peak_mib(scenario: Scenario) -> float:
    """Peak traced memory (MiB) of one replication of ``scenario``."""
    gc.collect()
    tracemalloc.start()
    record = run_one(scenario, 0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del record
    return peak / 2**20


def report(label: str, make) -> bool:
    """Print the 10- and 40-year peaks of ``make(years)`` and their ratio; whether it passes."""
    ten = peak_mib(make(10))
    print(f"{label}, 10 years: peak {ten:7.1f} MiB", flush=True)
    forty = peak_mib(make(40))
    print(f"{label}, 40 years: peak {forty:7.1f} MiB", flush=True)
    ratio = forty / ten
    passed = ratio <= TARGET_RATIO
    print(
        f"{label}: ratio 40y / 10y {ratio:.3f} (target at most {TARGET_RATIO}): "
        f"{'PASS' if passed else 'FAIL'}",
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


if __name__ == "__main__":
    main()

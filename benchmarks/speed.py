"""Speed: staffsim against a plain SimPy model of the same service, per arriving case.

One 10-year replication of ``scenarios/birmingham_2015.yaml`` and one 10-year run of the plain
model (:mod:`bare_simpy`), alternated three times in the same process; prints each timing,
the medians and the ratio of the medians of wall time per arriving case.

    python benchmarks/speed.py [--runs 3] [--years 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bare_simpy  # noqa: E402

from staffsim.model.run import run_one  # noqa: E402
from staffsim.scenario.loader import load_scenario  # noqa: E402

TARGET_RATIO = 1.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--years", type=float, default=10.0)
    args = parser.parse_args()
    scenario = load_scenario(
        HERE.parent / "scenarios" / "birmingham_2015.yaml", {"horizon_years": args.years}
    )
    ours, bare = [], []
    for run in range(args.runs):
        started = time.perf_counter()
        record = run_one(scenario, run)
        wall = time.perf_counter() - started
        cases = record["cases_arrived"]
        if cases is None:
            raise RuntimeError(f"replication {run} did not finish")
        ours.append(wall / cases)
        per_case = 1e6 * wall / cases
        print(
            f"staffsim  run {run}: {wall:6.2f} s  {cases:7d} cases  {per_case:6.2f} us/case"
            f"  {record['events']} events"
        )
        wall, cases = bare_simpy.run(args.years, seed=run + 1)
        bare.append(wall / cases)
        per_case = 1e6 * wall / cases
        print(f"bare      run {run}: {wall:6.2f} s  {cases:7d} cases  {per_case:6.2f} us/case")
    ratio = statistics.median(ours) / statistics.median(bare)
    print(
        f"\nmedian per arriving case: staffsim {1e6 * statistics.median(ours):.2f} us, "
        f"bare SimPy {1e6 * statistics.median(bare):.2f} us; ratio {ratio:.2f} "
        f"(target at most {TARGET_RATIO}): {'PASS' if ratio <= TARGET_RATIO else 'FAIL'}"
    )


if __name__ == "__main__":
    main()

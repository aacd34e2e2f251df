"""Memory: peak traced memory of one 10-year and one 40-year replication of Birmingham 2015.

A run keeps its open cases, the last year's closed cases (for the continuity measure) and
one row a month, so its peak memory should barely grow with the horizon. Prints both peaks
(tracemalloc) and their ratio against the target of 1.25.

    python benchmarks/memory.py
"""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

from staffsim.model.run import run_one
from staffsim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.25


def peak_mib(years: float) -> float:
    """Peak traced memory (MiB) of one replication of ``years``."""
    scenario = load_scenario(ROOT / "scenarios" / "birmingham_2015.yaml", {"horizon_years": years})
    gc.collect()
    tracemalloc.start()
    record = run_one(scenario, 0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del record
    return peak / 2**20


def main() -> None:
    ten = peak_mib(10)
    print(f"10-year replication: peak {ten:7.1f} MiB")
    forty = peak_mib(40)
    print(f"40-year replication: peak {forty:7.1f} MiB")
    ratio = forty / ten
    verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
    print(f"ratio 40y / 10y: {ratio:.3f} (target at most {TARGET_RATIO}): {verdict}")


if __name__ == "__main__":
    main()

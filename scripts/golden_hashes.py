"""Golden hashes of every shipped scenario's event log and output columns.

A refactor must leave the model's numbers alone. This script runs each shipped scenario
(seed 1, 3 replications, 5 years), hashes the full event log of each replication and every
column of the annual and monthly tables, and writes them to ``tests/data/golden_hashes.json``;
``tests/test_golden.py`` recomputes them and compares. A column added later is allowed; an
existing one may not change. A deliberate model change regenerates the file in a commit of
its own that says why::

    python scripts/golden_hashes.py            # rewrite tests/data/golden_hashes.json
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
GOLDEN = ROOT / "tests" / "data" / "golden_hashes.json"
SEED = 1
REPLICATIONS = 3
YEARS = 5


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def event_log_hash(scenario: Any, replication: int) -> str:
    """SHA-256 of every traced event (day, kind, fields) of one replication, in order."""
    from staffsim.model.run import run_one

    lines: list[str] = []

    def trace(day: float, kind: str, fields: dict[str, Any]) -> None:
        lines.append(repr((day, kind, sorted(fields.items()))))

    run_one(scenario, replication, SEED, trace=trace)
    return _digest("\n".join(lines))


def column_hashes(frame: Any) -> dict[str, str]:
    """SHA-256 of each column's values written as CSV text (full float precision)."""
    return {
        str(column): _digest(frame[column].to_csv(index=False, float_format="%.17g"))
        for column in frame.columns
    }


def scenario_hashes(path: Path) -> dict[str, Any]:
    """The golden hashes of one shipped scenario."""
    import staffsim

    scenario = staffsim.load_scenario(path, horizon_years=YEARS)
    results = staffsim.run(scenario, replications=REPLICATIONS, seed=SEED, jobs=1)
    return {
        "event_log": [event_log_hash(scenario, rep) for rep in range(REPLICATIONS)],
        "annual": column_hashes(results.annual),
        "monthly": column_hashes(results.monthly),
    }


def all_hashes() -> dict[str, Any]:
    """Golden hashes of every scenario in ``scenarios/``, keyed by file name."""
    return {path.name: scenario_hashes(path) for path in sorted(SCENARIOS.glob("*.yaml"))}


def main() -> int:
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    hashes = all_hashes()
    GOLDEN.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(ROOT)} ({len(hashes)} scenarios)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The shipped scenarios' numbers are unchanged by refactoring.

``tests/data/golden_hashes.json`` holds, for each shipped scenario (seed 1, 3 replications,
5 years), the SHA-256 of each replication's full event log and of every column of the annual
and monthly tables, as ``scripts/golden_hashes.py`` computed them. A column added since is
allowed; every recorded one must hash the same. A deliberate change of the model regenerates
the file with that script, in a commit of its own that says why.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = json.loads((ROOT / "tests" / "data" / "golden_hashes.json").read_text("utf-8"))


def _script():
    spec = importlib.util.spec_from_file_location(
        "golden_hashes", ROOT / "scripts" / "golden_hashes.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_shipped_scenario_has_golden_hashes() -> None:
    """Each scenario in ``scenarios/`` is covered, so a new one cannot slip past."""
    shipped = sorted(path.name for path in (ROOT / "scenarios").glob("*.yaml"))
    assert shipped == sorted(GOLDEN)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_outputs_match_golden_hashes(name: str) -> None:
    """Event logs identical; every recorded column of annual and monthly identical."""
    expected = GOLDEN[name]
    actual = _script().scenario_hashes(ROOT / "scenarios" / name)
    assert actual["event_log"] == expected["event_log"], f"{name}: event log changed"
    for table in ("annual", "monthly"):
        changed = [
            column
            for column, digest in expected[table].items()
            if actual[table].get(column) != digest
        ]
        assert not changed, f"{name}: {table} columns changed or missing: {changed}"

"""The registry of flows and columns is what runs produce, what the docs define and what the
metric registry reads."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from staffsim.model.run import build, run_one
from staffsim.registry import ANNUAL, COUNT, FLOWS, MONTHLY, SPIRAL, names
from staffsim.results import tables
from staffsim.results.metrics import METRICS
from staffsim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "outputs.md"
SMALL = Path(__file__).parent / "data" / "run_small.yaml"
ROW = re.compile(r"^\|\s*`([a-z0-9_]+)`\s*\|(.*)\|\s*([^|]*?)\s*\|$")


@pytest.fixture(scope="module")
def record() -> dict:
    """A one-year run (twelve months and a 30 September snapshot) of the small scenario."""
    return dict(run_one(load_scenario(SMALL, {"horizon_years": 1}), 0))


def _documented(section: str) -> list[tuple[str, str, str]]:
    """(name, definition, unit) of each row of the markdown tables in ``section``."""
    out = []
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            out.append((match.group(1), match.group(2).strip(), match.group(3).strip()))
    return out


def test_a_run_produces_every_registered_column_in_order(record: dict) -> None:
    """Every monthly and annual row holds exactly the registered columns, in their order."""
    assert len(record["monthly"]) == 12 and len(record["annual"]) == 1
    for row in record["monthly"]:
        assert tuple(row) == names(MONTHLY)
    for row in record["annual"]:
        assert tuple(row) == names(ANNUAL)


def test_a_run_without_the_spiral_produces_every_column_but_the_spirals() -> None:
    """Without the spiral's loops, rows hold every registered column except group
    ``spiral``, still in order."""
    rec = run_one(load_scenario(SMALL, {"horizon_years": 1}), 0, spiral=False)
    assert tuple(rec["monthly"][0]) == names(MONTHLY, spiral=False)
    assert tuple(rec["annual"][0]) == names(ANNUAL, spiral=False)
    assert len(names(MONTHLY, spiral=False)) < len(names(MONTHLY))
    assert all(c.group == SPIRAL for c in MONTHLY if c.name not in rec["monthly"][0])


def test_every_registered_metric_is_produced_by_a_run(record: dict) -> None:
    """Each metric of the metric registry is a column of the annual table of a run, with a
    finite number in every row, and carries the column's registered unit."""
    annual = tables.annual_table([record], "small")
    units = {c.name: c.unit for c in ANNUAL}
    for name, metric in METRICS.items():
        assert name in annual.columns, f"metric {name} is not produced by a run"
        assert all(math.isfinite(float(v)) for v in annual[name]), name
        assert metric.unit == units[name]


def test_flow_counters_are_registered_and_kept() -> None:
    """The context keeps exactly the registered flow counters, and every monthly ``count``
    column is a registered counter or one the caseload keeps."""
    svc, _ = build(load_scenario(SMALL, {"horizon_years": 1}), 0)
    assert tuple(svc.ctx.flows) == FLOWS
    caseload_counters = {
        "cases_arrived",
        "cases_closed",
        "cases_first_allocated",
        "cases_waited",
        "sw_changes",
        "cases_moved",
    }
    counts = {c.name for c in MONTHLY if c.group == COUNT}
    assert counts <= set(FLOWS) | caseload_counters


def test_docs_define_the_registered_columns() -> None:
    """docs/outputs.md defines each registered column with the registry's definition and
    unit, in the registry's order."""
    text = DOCS.read_text(encoding="utf-8")
    annual = text.split("## `annual.csv`")[1].split("\n## ")[0]
    monthly = text.split("## Monthly table")[1].split("\n## ")[0]
    key_columns = set(tables.KEY_COLUMNS) | {"metric", "value"}
    documented_annual = [r for r in _documented(annual) if r[0] not in key_columns]
    documented_monthly = [r for r in _documented(monthly) if r[0] not in key_columns]
    assert documented_annual == [(c.name, c.definition, c.unit) for c in ANNUAL]
    assert documented_monthly == [(c.name, c.definition, c.unit) for c in MONTHLY]

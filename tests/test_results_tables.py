"""Records -> tables: keys first, replication order, tidy monthly, periods, documentation."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from staffsim.model.run import run_one
from staffsim.results import tables
from staffsim.scenario.loader import load_scenario

DOCS = Path(__file__).parents[1] / "docs" / "outputs.md"
SMALL = Path(__file__).parent / "data" / "run_small.yaml"


def record(replication: int, years=(2025, 2026), months=("2024-10", "2024-11")) -> dict:
    """A hand-made replication record shaped like ``run_one``'s."""
    return {
        "replication": replication,
        "annual": [
            {
                "time_period": y,
                "census_date": f"{y}-09-30",
                "vacancy_rate_fte": 10.0 * replication + i,
                "caseload_fte": 15.0 + replication,
                "ofsted_rating": "good",
            }
            for i, y in enumerate(years)
        ],
        "monthly": [
            {
                "month": m,
                "period_start": f"{m}-01",
                "period_end": f"{m}-28",
                "days": 28.0,
                "posts": 30,
                "vacancy_fraction": 0.1 * replication + i,
                "cases_arrived": 7,
            }
            for i, m in enumerate(months)
        ],
    }


def test_annual_table_keys_first_and_in_replication_order():
    """Whatever order replications finish in, rows run by replication then snapshot, with
    ``scenario`` and ``replication`` first and the model's columns after them."""
    df = tables.annual_table([record(2), record(0), record(1)], "base")
    assert list(df.columns[:4]) == ["scenario", "replication", "time_period", "census_date"]
    assert list(df["replication"]) == [0, 0, 1, 1, 2, 2]
    assert list(df["time_period"]) == [2025, 2026] * 3
    assert set(df["scenario"]) == {"base"}


def test_monthly_tidy_holds_every_value_once():
    """One row per month and metric, each value the record's, month columns kept."""
    rec = record(3)
    df = tables.monthly_tidy(rec, "base")
    assert tuple(df.columns) == tables.MONTHLY_TIDY_COLUMNS
    metrics = ["posts", "vacancy_fraction", "cases_arrived"]
    assert len(df) == len(rec["monthly"]) * len(metrics)
    assert list(df["metric"][:3]) == metrics, "a month's metrics come together, in model order"
    for row in rec["monthly"]:
        got = df[df["month"] == row["month"]].set_index("metric")["value"]
        for m in metrics:
            assert got[m] == row[m]
    assert df["value"].dtype == np.float64


def test_monthly_wide_undoes_tidy():
    """Pivoting the tidy table gives back one column per metric with the record's values."""
    tidy = pd.concat([tables.monthly_tidy(record(r), "base") for r in (1, 0)], ignore_index=True)
    wide = tables.monthly_wide(tidy)
    assert list(wide.columns[-3:]) == ["posts", "vacancy_fraction", "cases_arrived"]
    assert list(wide["replication"]) == [0, 0, 1, 1]
    assert wide.loc[wide["replication"] == 1, "vacancy_fraction"].tolist() == [0.1, 1.1]


def test_period_values_adds_the_mean_over_snapshots():
    """Each metric per replication and year, then ``all``: the mean of that replication's
    snapshots."""
    annual = tables.annual_table([record(0), record(1)], "base")
    pv = tables.period_values(annual, ["vacancy_rate_fte", "caseload_fte"])
    assert list(pv.columns) == ["scenario", "replication", "metric", "period", "value"]
    first = pv[pv["metric"] == "vacancy_rate_fte"]
    assert list(first["period"]) == ["2025", "2025", "2026", "2026", "all", "all"]
    overall = first[first["period"] == "all"].set_index("replication")["value"]
    assert overall[1] == pytest.approx((10.0 + 11.0) / 2)
    with pytest.raises(KeyError, match="not_a_metric"):
        tables.period_values(annual, ["not_a_metric"])


def test_every_output_column_is_documented():
    """docs/outputs.md defines every column of annual.csv and every monthly metric."""
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\|\s*`([a-z0-9_]+)`", text, flags=re.MULTILINE))
    rec = run_one(load_scenario(SMALL, {"horizon_years": 1}), 0)
    annual = tables.annual_table([rec], "x")
    monthly = tables.monthly_tidy(rec, "x")
    needed = set(annual.columns) | set(monthly["metric"]) | set(tables.MONTHLY_TIDY_COLUMNS)
    missing = sorted(needed - documented)
    assert not missing, f"columns missing from docs/outputs.md: {missing}"


def _documented_units(section: str) -> dict[str, str]:
    """``name -> unit`` from the table under the docs/outputs.md heading ``section``."""
    text = DOCS.read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\|\s*`([a-z0-9_]+)`\s*\|.*\|\s*([^|]*?)\s*\|\s*$", body, re.MULTILINE)
    return dict(rows)


def test_one_unit_per_metric_across_annual_and_monthly():
    """A name that appears in both tables has one unit; names ending _rate_fte or _pct are
    percentages and names ending _fraction or _share fractions, in every table; and the
    monthly vacancy_fraction at the September month end is the annual vacancy_rate_fte / 100,
    so the documented units are the ones the model writes."""
    annual_units = _documented_units("`annual.csv`")
    monthly_units = _documented_units("Monthly table")
    assert "vacancy_rate_fte" in annual_units and "vacancy_fraction" in monthly_units
    for name in set(annual_units) & set(monthly_units):
        assert annual_units[name] == monthly_units[name], name
    for name, unit in {**annual_units, **monthly_units}.items():
        if name.endswith(("_rate_fte", "_pct")):
            assert unit == "%", name
        if name.endswith(("_fraction", "_share")):
            assert unit == "fraction", name
        assert not name.endswith("_rate"), f"{name}: say the rate's unit in its name"
    rec = run_one(load_scenario(SMALL, {"horizon_years": 1}), 0)
    annual = tables.annual_table([rec], "x")
    monthly = tables.monthly_wide(tables.monthly_tidy(rec, "x"))
    september = monthly[monthly["month"] == "2025-09"].iloc[0]
    for monthly_name, annual_name in (
        ("vacancy_fraction", "vacancy_rate_fte"),
        ("agency_fraction", "agency_rate_fte"),
    ):
        assert 0 < annual[annual_name].iloc[0] < 100
        assert september[monthly_name] * 100 == pytest.approx(annual[annual_name].iloc[0])

"""The Python API: ``load_scenario``, ``run``, ``compare``, ``sweep``, ``Results.load``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import staffsim
from staffsim.errors import UserError
from staffsim.experiment.compare import COMPARISON_COLUMNS
from staffsim.results import stats, tables
from staffsim.results.metrics import headline_metrics

SMALL = Path(__file__).parent / "data" / "run_small.yaml"


def test_import_is_light():
    """``import staffsim`` loads neither pandas nor the model."""
    code = "import sys, staffsim; print(sorted({'pandas', 'simpy', 'scipy'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_load_scenario_takes_keyword_and_dict_overrides():
    """``a__b=v`` sets key path ``a.b``; keywords win over the ``overrides`` dict."""
    s = staffsim.load_scenario(
        SMALL,
        overrides={"caseload.target_per_fte": 12, "demand.arrivals_per_day": 2.0},
        caseload__target_per_fte=18,
        name="variant",
    )
    assert s.caseload.target_per_fte == 18
    assert s.demand.arrivals_per_day == 2.0
    assert s.name == "variant"
    with pytest.raises(UserError, match="target_per_fte"):
        staffsim.load_scenario(SMALL, caseload__target_per_ft=18)


def test_run_returns_tidy_tables_and_a_summary(tmp_path):
    """``run`` gives the annual and tidy monthly tables and a summary whose intervals
    contain their means; saved with ``out`` it loads back without simulating."""
    res = staffsim.run(SMALL, replications=3, jobs=1, out=tmp_path / "run", progress=False)
    assert list(res.annual.columns[:2]) == ["scenario", "replication"]
    assert tuple(res.monthly.columns) == tables.MONTHLY_TIDY_COLUMNS
    assert set(res.monthly["replication"]) == {0, 1, 2}
    summary = res.summary()
    assert {"2025", "2026", "all"} == set(summary["period"])
    assert ((summary["ci_low"] <= summary["mean"]) & (summary["mean"] <= summary["ci_high"])).all()
    loaded = staffsim.Results.load(tmp_path / "run")
    pd.testing.assert_frame_equal(
        loaded.annual, res.annual, check_dtype=False, check_exact=False, rtol=1e-13
    )
    pd.testing.assert_frame_equal(loaded.monthly, res.monthly, check_dtype=False)
    wide = loaded.monthly_wide()
    assert len(wide) == len(res.monthly) / res.monthly["metric"].nunique()


def test_run_accepts_years_and_seed():
    """``years`` replaces the horizon and ``seed`` the scenario's seed."""
    res = staffsim.run(SMALL, replications=2, years=1, seed=3, jobs=1, progress=False)
    assert list(res.annual["time_period"]) == [2025, 2025]
    assert res.seed == 3 and res.scenario["seed"] == 3


@pytest.mark.slow
def test_compare_pairs_replications_and_reports_the_direction_of_change():
    """More funded posts lower the caseload: the difference is negative with an interval
    below zero and the option does better in every replication; the table has the
    documented columns, each year and ``all``."""
    base = staffsim.load_scenario(SMALL)
    more = staffsim.load_scenario(SMALL, name="more_posts", establishment__case_holding_posts=30)
    result = staffsim.compare(base, more, replications=5, jobs=1, progress=False)
    table = result.comparison
    assert tuple(table.columns) == COMPARISON_COLUMNS
    assert set(table["period"]) == {"2025", "2026", "all"}
    assert set(table["option"]) == {"more_posts"}
    assert np.allclose(table["diff"], table["mean_option"] - table["mean_base"], equal_nan=True)
    assert table["p_better"].between(0, 1).all()
    caseload = table.query("metric == 'caseload_fte' and period == 'all'").iloc[0]
    assert caseload.ci_high < 0, "30 posts instead of 20 must lower the caseload"
    assert caseload.p_better == 1.0
    assert caseload.replications == 5
    assert list(result.results) == ["run_small", "more_posts"]


def test_compare_needs_distinct_names():
    """Two scenarios of the same name cannot be told apart in the tables."""
    base = staffsim.load_scenario(SMALL)
    same = staffsim.load_scenario(SMALL, caseload__target_per_fte=18)
    with pytest.raises(UserError, match="distinct names"):
        staffsim.compare(base, same, replications=2, jobs=1, progress=False)
    labelled = staffsim.compare(
        base, same, labels=["base", "cap_18"], replications=2, jobs=1, progress=False
    )
    assert labelled.options == ["cap_18"]


@pytest.mark.slow
def test_precision_runs_the_replications_the_rule_asks_for(tmp_path):
    """With ``precision`` the comparison uses exactly the replications the
    Hoad-Robinson-Davies rule needs to confirm every headline metric of every scenario,
    and the saved comparison loads back."""
    base = staffsim.load_scenario(SMALL)
    option = staffsim.load_scenario(SMALL, name="cap_18", caseload__target_per_fte=18)
    out = tmp_path / "cmp"
    result = staffsim.compare(
        base, option, replications=3, precision=0.35, jobs=1, out=out, progress=False
    )
    info = result.manifest["precision"]
    assert info["reached"]
    used = info["replications_used"]
    assert set(result.comparison["replications"]) == {used}
    needed = 0
    for res in result.results.values():
        assert res.replications == list(range(used))
        for metric in headline_metrics():
            values = tables.period_values(res.annual, [metric])
            overall = values.loc[values["period"] == "all", "value"].to_numpy()
            check = stats.hrd_check(overall, 0.35)
            assert check.done, metric
            needed = max(needed, check.required)
    assert used == needed
    loaded = staffsim.ComparisonResults.load(out)
    pd.testing.assert_frame_equal(
        loaded.comparison, result.comparison, check_exact=False, rtol=1e-13
    )

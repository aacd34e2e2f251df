"""The appraisal: discount factors and NPV against hand-computed cash flows, costs that
conserve across months, financial and census years, an identical option worth exactly 0,
switching values that put back in give an NPV of 0, and a workbook that reopens whole."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import staffsim
from staffsim.appraisal import appraise_comparison, costs_by_year, discount_factor
from staffsim.appraisal.appraise import CASHFLOW_COLUMNS
from staffsim.appraisal.costs import COST_COMPONENTS
from staffsim.cli.main import main
from staffsim.errors import UserError
from staffsim.experiment.compare import COMPARISON_COLUMNS
from staffsim.results.results import ComparisonResults, Results

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "scenarios" / "example_small.yaml"


# --------------------------------------------------------------------- discounting
def test_discount_factors_match_the_green_book_by_hand() -> None:
    """3.5% to year 30, then 3.0% chained on: values worked out by hand."""
    assert discount_factor(0) == 1.0
    assert discount_factor(1) == pytest.approx(1 / 1.035, rel=1e-15)
    assert discount_factor(10) == pytest.approx(0.7089188137, rel=1e-9)  # 1.035^-10
    assert discount_factor(30) == pytest.approx(0.3562784106, rel=1e-9)  # 1.035^-30
    assert discount_factor(31) == pytest.approx(0.3562784106 / 1.03, rel=1e-9)
    assert discount_factor(40) == pytest.approx(0.3562784106 / 1.03**10, rel=1e-9)
    # the chain has no jump: year 31 is year 30 discounted one more year at 3%
    assert discount_factor(31) / discount_factor(30) == pytest.approx(1 / 1.03, rel=1e-15)
    with pytest.raises(ValueError):
        discount_factor(-1)
    with pytest.raises(ValueError):
        discount_factor(1.5)  # type: ignore[arg-type]


def _synthetic(costs_by_fy: dict[int, float], years: int, name: str) -> Results:
    """A result with one replication whose only cost is agency spend, ``costs_by_fy[t]``
    in financial year ``t`` (spread evenly over its months), from 1 April 2020."""
    start = dt.date(2020, 4, 1)
    rows = []
    for t in range(years):
        for m in range(12):
            month = dt.date(2020 + t + (3 + m) // 12, (3 + m) % 12 + 1, 1)
            nxt = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
            value = costs_by_fy.get(t, 0.0) / 12
            for metric, v in (
                *((c, value if c == "agency_spend_gbp" else 0.0) for c in COST_COMPONENTS),
                ("policy_gbp", 0.0),
                ("total_cost_gbp", value),
                ("sw_changes", 0.0),
            ):
                rows.append(
                    {
                        "scenario": name,
                        "replication": 0,
                        "month": month.strftime("%Y-%m"),
                        "period_start": month.isoformat(),
                        "period_end": (nxt - dt.timedelta(days=1)).isoformat(),
                        "days": float((nxt - month).days),
                        "metric": metric,
                        "value": v,
                    }
                )
    scenario = {
        "name": name,
        "start_date": start.isoformat(),
        "horizon_years": float(years),
        "price_base_year": 2024,
        "policies": [],
        "costs": staffsim.load_scenario(SMALL).costs.model_dump(mode="json"),
        "agency": {},
    }
    manifest = {"scenario_name": name, "scenario": scenario, "seed": 1}
    annual = pd.DataFrame({"scenario": pd.Series(dtype=str), "replication": []})
    return Results(name, annual, manifest, monthly=pd.DataFrame(rows))


def _comparison(base: Results, option: Results) -> ComparisonResults:
    table = pd.DataFrame(columns=list(COMPARISON_COLUMNS))
    manifest = {"replications": 1, "seed": 1}
    return ComparisonResults(table, {base.name: base, option.name: option}, base.name, manifest)


def test_npv_and_payback_match_hand_computed_cash_flows_past_year_30() -> None:
    years = 36
    base = _synthetic({t: 5_000.0 for t in range(years)}, years, "base")
    extra = {0: 1_200.0, 1: -600.0, 31: 1_000.0, 34: -500.0}
    option = _synthetic({t: 5_000.0 + extra.get(t, 0.0) for t in range(years)}, years, "option")
    result = appraise_comparison(_comparison(base, option))
    by_hand = 1_200.0 - 600.0 / 1.035 + 1_000.0 / (1.035**30 * 1.03) - 500.0 / (1.035**30 * 1.03**4)
    row = result.table.iloc[0]
    assert row["npv_mean_gbp"] == pytest.approx(by_hand, abs=1e-6)
    assert row["first_financial_year"] == "2020-21"
    assert row["last_financial_year"] == "2055-56"
    # the cumulative difference never comes back to zero: no payback
    assert row["payback_share"] == 0.0
    flows = result.cashflows
    assert list(flows.columns) == list(CASHFLOW_COLUMNS)
    assert len(flows) == years
    year31 = flows[flows.year_index == 31].iloc[0]
    assert year31["financial_year"] == "2051-52"
    assert year31["cost_difference_gbp"] == pytest.approx(1_000.0, abs=1e-9)
    assert year31["discount_factor"] == pytest.approx(1 / (1.035**30 * 1.03), rel=1e-12)
    assert flows["present_value_gbp"].sum() == pytest.approx(by_hand, abs=1e-6)


def test_payback_is_the_first_year_the_cumulative_difference_is_not_positive() -> None:
    base = _synthetic({t: 5_000.0 for t in range(5)}, 5, "base")
    extra = {1: 1_000.0, 2: -600.0, 3: -600.0}  # year 0 identical: not a payback
    option = _synthetic({t: 5_000.0 + extra.get(t, 0.0) for t in range(5)}, 5, "option")
    row = appraise_comparison(_comparison(base, option)).table.iloc[0]
    # cumulative PV: 0, 966.2, 406.1, -135.1 -> year 3
    assert row["payback_share"] == 1.0
    assert row["payback_median_year_index"] == 3.0
    assert row["payback_median_financial_year"] == "2023-24"


def test_scenarios_with_different_price_base_years_are_refused() -> None:
    base = _synthetic({0: 1.0}, 2, "base")
    option = _synthetic({0: 1.0}, 2, "option")
    option.manifest["scenario"]["price_base_year"] = 2023
    with pytest.raises(UserError, match="price base years"):
        appraise_comparison(_comparison(base, option))


# ------------------------------------------------------------------- real runs
def _small(**overrides):
    return staffsim.load_scenario(SMALL, {"horizon_years": 1.6, **overrides})


POLICY = {
    "name": "cheaper agency",
    "date": "2025-02-10",
    "set": {"costs.agency_day_rate_gbp": 264.0},
    "cost_gbp_one_off": 50_000.0,
    "cost_gbp_per_year": 5_000.0,
}


def _option(rate_factor: float = 1.0, policy_factor: float = 1.0, **overrides):
    policy = dict(
        POLICY,
        set={"costs.agency_day_rate_gbp": 264.0 * rate_factor},
        cost_gbp_one_off=50_000.0 * policy_factor,
        cost_gbp_per_year=5_000.0 * policy_factor,
    )
    kept = [p.model_dump(mode="json") for p in _small().policies]
    rate = {"costs.agency_day_rate_gbp": 330.0 * rate_factor}
    return _small(name="option", policies=[*kept, policy], **rate, **overrides)


def _run_pair(rate_factor: float = 1.0, policy_factor: float = 1.0) -> ComparisonResults:
    base = _small(**{"costs.agency_day_rate_gbp": 330.0 * rate_factor})
    option = _option(rate_factor, policy_factor)
    return staffsim.compare(base, option, replications=2, jobs=1, progress=False)


@pytest.fixture(scope="module")
def pair() -> ComparisonResults:
    return _run_pair()


def test_costs_conserve_in_every_period(pair: ComparisonResults) -> None:
    """The parts add to the total in every row; months, financial years and census years
    hold the same money; census years from the months equal the annual table's."""
    opt = pair["option"]
    costs = costs_by_year(opt)
    parts = [*COST_COMPONENTS, *(c for c in costs.columns if c.startswith("policy_"))]
    assert any(c.startswith("policy_one_off_gbp: ") for c in parts)
    np.testing.assert_allclose(
        costs[parts].sum(axis=1), costs["total_cost_gbp"], rtol=1e-12, atol=1e-6
    )
    months = opt.monthly_wide().groupby("replication")["total_cost_gbp"].sum()
    for year_type in ("financial", "census"):
        rows = costs[costs.year_type == year_type]
        np.testing.assert_allclose(
            rows.groupby("replication")["total_cost_gbp"].sum(), months, rtol=1e-12
        )
    # 1 Oct 2024 for 1.6 years: FY 2024-25 and 2026-27 are part years, 2025-26 whole
    fy = costs[(costs.year_type == "financial") & (costs.replication == 0)]
    assert list(fy["year"]) == ["2024-25", "2025-26", "2026-27"]
    assert list(fy["part_year"]) == [True, False, True]
    census = costs[(costs.year_type == "census") & (costs.replication == 0)]
    assert list(census["part_year"]) == [False, True]
    # With prices constant through the year (the base), the census year summed from the
    # months is the annual table's figure. (The annual table prices a whole year at the
    # prices in force on 30 September, so it differs where a policy changes a price.)
    base = pair["example_small"]
    base_costs = costs_by_year(base)
    whole = base_costs[
        (base_costs.year_type == "census") & (base_costs.replication == 0) & ~base_costs.part_year
    ].iloc[0]
    annual = base.annual[(base.annual.replication == 0) & (base.annual.time_period == 2025)]
    for column in (*COST_COMPONENTS, "total_cost_gbp"):
        assert whole[column] == pytest.approx(float(annual[column].iloc[0]), rel=1e-12)
    # the policy's one-off cost falls in the month of its date, in FY 2024-25
    assert fy.iloc[0]["policy_one_off_gbp: cheaper agency"] == 50_000.0
    assert fy.iloc[1]["policy_one_off_gbp: cheaper agency"] == 0.0
    assert fy.iloc[1]["policy_running_gbp: cheaper agency"] == pytest.approx(
        5_000.0 * 365 / 365.25,
        rel=1e-12,  # April 2025 to March 2026: 365 days
    )


def test_policy_costs_that_do_not_match_the_model_are_refused(pair: ComparisonResults) -> None:
    """The attribution to policies must account for every pound the model recorded."""
    import copy

    opt = pair["option"]
    manifest = copy.deepcopy(opt.manifest)
    manifest["scenario"]["policies"][-1]["cost_gbp_one_off"] = 40_000.0
    altered = Results(opt.name, opt.annual, manifest, monthly=opt.monthly)
    with pytest.raises(UserError, match=r"2025-02: the policies. costs .* not made from"):
        costs_by_year(altered)


def test_an_option_identical_to_the_base_has_an_npv_of_exactly_zero() -> None:
    base = _small()
    twin = _small(name="twin")
    comparison = staffsim.compare(base, twin, replications=2, jobs=1, progress=False)
    result = appraise_comparison(comparison)
    assert result.table["npv_mean_gbp"].iloc[0] == 0.0
    assert (result.replications["npv_gbp"] == 0.0).all()
    assert (result.cashflows["present_value_gbp"] == 0.0).all()


def _npv(comparison: ComparisonResults, optimism_bias_pct: float) -> float:
    return float(
        appraise_comparison(comparison, optimism_bias_pct=optimism_bias_pct)
        .table["npv_mean_gbp"]
        .iloc[0]
    )


def _scale(result) -> float:
    """The size of the money involved, for a rounding tolerance."""
    pv = result.replications.filter(like="pv_").abs().to_numpy().sum()
    return float(pv) / len(result.replications)


@pytest.mark.slow
def test_price_switching_values_put_back_in_give_an_npv_of_zero(pair: ComparisonResults) -> None:
    """Re-run with the switching value (both arms, every rate of that price scaled) and
    appraise again: the NPV is 0 within rounding."""
    result = appraise_comparison(pair, optimism_bias_pct=0.0)
    assert result.table["npv_mean_gbp"].iloc[0] < 0  # the cheaper agency saves money
    sw = result.switching.set_index("input")
    tolerance = 1e-9 * _scale(result) + 0.01

    rate = sw.loc["costs.agency_day_rate_gbp"]
    factor = rate["switching_value"] / rate["base_value"]
    assert 0 < factor < 1
    again = _run_pair(rate_factor=factor)
    assert abs(_npv(again, 0.0)) < tolerance

    policy = sw.loc["policies' own costs, as stated (total over the horizon, option)"]
    factor = policy["switching_value"] / policy["base_value"]
    assert factor > 1
    again = _run_pair(policy_factor=factor)
    assert abs(_npv(again, 0.0)) < tolerance

    bias = sw.loc["optimism bias on the policies' own costs"]
    assert bias["switching_value"] > 0
    assert abs(_npv(pair, float(bias["switching_value"]))) < tolerance


def test_optimism_bias_uplifts_only_the_policies_own_costs(pair: ComparisonResults) -> None:
    plain = appraise_comparison(pair, optimism_bias_pct=0.0)
    biased = appraise_comparison(pair, optimism_bias_pct=41.0)
    diff = biased.table["npv_mean_gbp"].iloc[0] - plain.table["npv_mean_gbp"].iloc[0]
    assert diff == pytest.approx(0.41 * plain.table["policy_costs_pv_gbp"].iloc[0], rel=1e-9)
    assert biased.settings["optimism_bias_source"].startswith("HM Treasury, Supplementary")


# ------------------------------------------------------------------ CLI and workbook
@pytest.mark.slow
def test_appraise_command_writes_its_files_and_a_workbook_that_reopens(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    option = tmp_path / "option.yaml"
    base.write_text(f"extends: {SMALL}\nhorizon_years: 1.6\n", encoding="utf-8")
    option.write_text(
        f"extends: {SMALL}\nname: option\nhorizon_years: 1.6\npolicies:\n"
        "  - {name: cheaper agency, date: 2025-02-10, set: {costs.agency_day_rate_gbp: 264},"
        " cost_gbp_one_off: 1000}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    book = tmp_path / "appraisal.xlsx"
    code = main(
        [
            "appraise",
            str(base),
            str(option),
            "--replications",
            "2",
            "--jobs",
            "1",
            "--quiet",
            "--out",
            str(out),
            "--switching-grid",
            "pressure_on_resignation=0",
            "--xlsx",
            str(book),
        ]
    )
    assert code == 0
    table = pd.read_csv(out / "appraisal.csv")
    flows = pd.read_csv(out / "appraisal_cashflows.csv")
    assert list(flows.columns) == list(CASHFLOW_COLUMNS)
    # the NPV by hand from the cash-flow file, to the penny
    by_hand = (flows["cost_difference_gbp"] * flows["discount_factor"]).sum()
    assert abs(by_hand - table["npv_mean_gbp"].iloc[0]) < 0.005
    switching = pd.read_csv(out / "switching_values.csv")
    assert "effects.pressure_on_resignation strength" in set(switching["input"])
    grid = pd.read_csv(out / "switching_grid.csv")
    assert sorted(grid["value"]) == [0.0, 1.0]

    sheets = pd.read_excel(book, sheet_name=None)
    assert list(sheets) == [
        "Summary",
        "Comparison",
        "Appraisal",
        "Cash flows",
        "Switching values",
        "Switching grid",
        "Outcomes not monetised",
        "Costs by year",
        "Assumptions",
        "Provenance",
    ]
    assert list(sheets["Cash flows"].columns) == [
        "option",
        "financial_year",
        "year_index",
        "cost_difference_gbp [GBP]",
        "discount_factor",
        "present_value_gbp [GBP]",
    ]
    np.testing.assert_allclose(
        sheets["Cash flows"]["present_value_gbp [GBP]"], flows["present_value_gbp"], rtol=1e-12
    )
    assert "npv_mean_gbp [GBP]" in sheets["Appraisal"].columns
    assert {"key_path", "unit", "base", "option"} <= set(sheets["Assumptions"].columns)
    assert "costs.agency_day_rate_gbp" in set(sheets["Assumptions"]["key_path"])
    assert "seed" in set(sheets["Provenance"]["item"])
    from openpyxl import load_workbook

    wb = load_workbook(book)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
    assert wb["Cash flows"]["F2"].number_format == "#,##0.00"

    # the same comparison appraised again without re-running, and exported on its own
    again = tmp_path / "again"
    assert main(["appraise", "--from", str(out), "--out", str(again), "--quiet"]) == 0
    assert pd.read_csv(again / "appraisal.csv")["npv_mean_gbp"].iloc[0] == pytest.approx(
        table["npv_mean_gbp"].iloc[0], rel=1e-12
    )
    exported = tmp_path / "export.xlsx"
    assert main(["export", str(out / "base"), "--xlsx", str(exported), "--quiet"]) == 0
    assert list(pd.read_excel(exported, sheet_name=None)) == [
        "Summary",
        "Costs by year",
        "Assumptions",
        "Provenance",
    ]


def test_appraise_command_bad_input_is_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["appraise", str(SMALL)]) == 2
    assert "a base and at least one option" in capsys.readouterr().err
    code = main(
        ["appraise", str(SMALL), str(SMALL), "--switching-grid", "pressure_on_resignatoin=0,2"]
    )
    assert code == 2
    assert "did you mean 'pressure_on_resignation'" in capsys.readouterr().err
    assert main(["export", str(tmp_path), "--xlsx", str(tmp_path / "x.xlsx")]) == 2
    assert "manifest.json" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_cost_effectiveness_is_undefined_when_the_outcome_is_not_improved() -> None:
    from staffsim.appraisal.appraise import _per_unit

    assert _per_unit(1_000.0, 2.0) == 500.0
    assert math.isnan(_per_unit(1_000.0, 0.0))
    assert math.isnan(_per_unit(1_000.0, -1.0))


def test_appraise_prints_a_table_that_fits_100_columns(
    pair: ComparisonResults, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "saved"
    pair.save(folder)
    capsys.readouterr()
    assert main(["appraise", "--from", str(folder)]) == 0
    printed = capsys.readouterr().out
    assert "NPV of option - base: GBP" in printed
    assert "switching value of" in printed and "NPV = 0 at" in printed
    assert "costs.agency_day_rate_gbp" in printed
    assert max(len(line) for line in printed.splitlines()) <= 100


def test_components_and_running_totals_add_up_to_the_npv(pair: ComparisonResults) -> None:
    """The waterfall's parts and the running total's last year are the NPV, and each
    component's difference is its option minus base present value."""
    appraisal = appraise_comparison(pair)
    npv = float(appraisal.table["npv_mean_gbp"].iloc[0])
    parts = appraisal.components
    assert parts["difference_present_value_gbp"].sum() == pytest.approx(npv, rel=1e-9)
    np.testing.assert_allclose(
        parts["option_present_value_gbp"] - parts["base_present_value_gbp"],
        parts["difference_present_value_gbp"],
        rtol=1e-9,
        atol=1e-6,
    )
    last = appraisal.cumulative.sort_values("year_index").iloc[-1]
    assert last["cumulative_present_value_gbp"] == pytest.approx(npv, rel=1e-9)
    assert last["cumulative_ci_low_gbp"] <= npv <= last["cumulative_ci_high_gbp"]
    by_hand = appraisal.cashflows["present_value_gbp"].cumsum().to_numpy()
    np.testing.assert_allclose(
        appraisal.cumulative["cumulative_present_value_gbp"], by_hand, rtol=1e-9, atol=1e-6
    )

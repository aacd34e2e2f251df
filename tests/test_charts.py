"""The charts: each drawn from a small saved comparison, checked for its title (scenarios,
years, replications), plain-English axis labels with units, and PNG and SVG files; the
cost tables they read checked against hand computation."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from staffsim.charts import (  # noqa: E402
    cost_waterfall_chart,
    cumulative_cost_chart,
    differences_chart,
    fan_chart,
    tornado_chart,
)
from staffsim.charts import data as chart_data  # noqa: E402
from staffsim.charts.money import (  # noqa: E402
    discount_factor,
    financial_year,
    payback_year,
)
from staffsim.charts.standard import comparison_money  # noqa: E402
from staffsim.charts.style import OKABE_ITO, save_figure  # noqa: E402
from staffsim.cli.main import main  # noqa: E402
from staffsim.report.diagnostics import explain_chart, tipping_chart  # noqa: E402
from staffsim.results.results import ComparisonResults  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

OPTION_YAML = """\
extends: {base}
name: small_reform
policies:
  - name: more posts
    date: 2025-04-01
    set:
      establishment.case_holding_posts: 70
    cost_gbp_one_off: 50000
    cost_gbp_per_year: 20000
"""


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A comparison of the small example against more posts, saved by ``staffsim compare``
    (3 replications, 2 years)."""
    folder = tmp_path_factory.mktemp("charts")
    option = folder / "small_reform.yaml"
    option.write_text(
        OPTION_YAML.format(base=(ROOT / "scenarios" / "example_small.yaml").as_posix()),
        encoding="utf-8",
    )
    out = folder / "cmp"
    code = main(
        [
            "compare",
            str(ROOT / "scenarios" / "example_small.yaml"),
            str(option),
            "--replications",
            "3",
            "--years",
            "2",
            "--jobs",
            "1",
            "--quiet",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    return out


@pytest.fixture(scope="module")
def results(saved: Path) -> ComparisonResults:
    return ComparisonResults.load(saved)


def _title(ax) -> str:
    return ax.get_title(loc="left")


def _check_title(text: str) -> None:
    assert "Small reform against Example small" in text
    assert "2 years from October 2024" in text
    assert "3 replications" in text


@pytest.mark.slow
def test_compare_leaves_the_standard_charts_as_png_and_svg(saved: Path) -> None:
    """`staffsim compare` writes a fan chart per key metric and the comparison charts,
    each as a PNG with an SVG beside it."""
    names = [f"fan_{m}" for m in chart_data.FAN_METRICS] + [
        "differences",
        "cumulative_cost",
        "cost_waterfall",
    ]
    for name in names:
        png, svg = saved / f"{name}.png", saved / f"{name}.svg"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert b"<svg" in svg.read_bytes()[:2000], name


@pytest.mark.slow
def test_chart_command_redraws_from_saved_results(saved: Path, tmp_path: Path) -> None:
    """`staffsim chart DIR` redraws the same set from the saved files without a run."""
    assert main(["chart", str(saved), "--out", str(tmp_path), "--quiet"]) == 0
    assert {p.name for p in tmp_path.glob("*.png")} == {p.name for p in saved.glob("*.png")}


def test_chart_command_refuses_a_folder_without_results(tmp_path: Path, capsys) -> None:
    assert main(["chart", str(tmp_path)]) == 2
    assert "manifest.json" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize(
    ("metric", "ylabel", "tick"),
    [
        ("vacancy_rate_fte", "Vacancy rate (%)", "%"),
        ("caseload_fte", "Caseload (cases per FTE)", ""),
        ("total_cost_gbp", "Total cost (£ million)", "£"),
    ],
)
def test_fan_chart_title_labels_units_and_bands(
    results: ComparisonResults, metric: str, ylabel: str, tick: str
) -> None:
    source = chart_data.FAN_METRICS[metric]
    series = chart_data.fan_series(results.results, metric)
    ax = fan_chart(
        series,
        source.column,
        base=results.base,
        context=chart_data.chart_context(results),
        source=source.note,
    )
    try:
        _check_title(_title(ax))
        assert ax.get_ylabel().replace("\n", " ") == ylabel
        assert ax.get_xlabel()
        ax.figure.canvas.draw()
        labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        assert labels and all(tick in t for t in labels), labels
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "middle 50% of runs" in legend and "middle 90% of runs" in legend
        assert any("Small reform" in t for t in legend)
        # the legend sits below the axes, clear of the data
        box = ax.get_legend().get_window_extent()
        assert box.y1 <= ax.get_window_extent().y0
    finally:
        plt.close(ax.figure)


def test_fan_bands_are_the_replication_quantiles() -> None:
    """The 90% band runs from the 5th to the 95th percentile of the replications."""
    values = np.arange(21, dtype=float)
    series = pd.DataFrame(
        {"scenario": "a", "replication": range(21), "date": "2020-01-31", "value": values}
    )
    from staffsim.charts.fan import fan_quantiles

    q = fan_quantiles(series).iloc[0]
    assert (q.q05, q.q25, q.q50, q.q75, q.q95) == (1.0, 5.0, 10.0, 15.0, 19.0)


def test_fan_chart_shows_fractions_as_percentages() -> None:
    series = pd.DataFrame(
        {
            "scenario": "a",
            "replication": [0, 1, 0, 1],
            "date": ["2020-01-31", "2020-01-31", "2020-02-29", "2020-02-29"],
            "value": [0.30, 0.32, 0.31, 0.33],
        }
    )
    ax = fan_chart(series, "vacancy_fraction")
    try:
        line = ax.get_lines()[0]
        assert np.allclose(line.get_ydata(), [31.0, 32.0])
    finally:
        plt.close(ax.figure)


@pytest.mark.slow
def test_differences_chart(results: ComparisonResults) -> None:
    fig = differences_chart(results.comparison, context=chart_data.chart_context(results))
    try:
        _check_title(fig.get_suptitle())
        axes = [ax for ax in fig.axes if ax.get_visible()]
        titles = [ax.get_title(loc="left") for ax in axes]
        assert "Vacancy rate (lower is better)" in titles
        labels = [ax.get_ylabel().replace("\n", " ") for ax in axes]
        assert "Option minus base (percentage points)" in labels
        assert "Option minus base (£ million)" in labels
        assert fig.legends, "a shared legend below the panels"
    finally:
        plt.close(fig)


@pytest.mark.slow
def test_cost_charts(results: ComparisonResults, tmp_path: Path) -> None:
    costs = comparison_money(results)
    context = chart_data.chart_context(results)
    ax = cumulative_cost_chart(costs.cashflows, context=context)
    try:
        _check_title(_title(ax))
        assert ax.get_ylabel() == "Option minus base, discounted (£ million)"
        assert "Financial year (April to March)" in ax.get_xlabel()
        texts = [t.get_text() for t in ax.texts]
        assert any(t.startswith("NPV ") and "£" in t for t in texts)
        written = save_figure(ax.figure, tmp_path / "cumulative_cost")
        assert [p.suffix for p in written] == [".png", ".svg"]
    finally:
        plt.close(ax.figure)
    ax = cost_waterfall_chart(costs.components, "small_reform", base=results.base, context=context)
    try:
        _check_title(_title(ax))
        ticks = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
        assert ticks[:2] == ["Employed pay with on-costs", "Agency spend"]
        assert ticks[-1] == "Net difference (NPV)"
        assert ax.get_ylabel() == "Change from the base, discounted (£ million)"
    finally:
        plt.close(ax.figure)


def test_payback_is_marked_where_the_running_total_returns_to_zero() -> None:
    cashflows = pd.DataFrame(
        {
            "option": "x",
            "financial_year": ["2020-21", "2021-22", "2022-23"],
            "year_index": [0, 1, 2],
            "cost_difference_gbp": [2e6, -1e6, -2e6],
            "discount_factor": discount_factor(np.arange(3)),
            "present_value_gbp": np.array([2e6, -1e6, -2e6]) * discount_factor(np.arange(3)),
        }
    )
    ax = cumulative_cost_chart(cashflows)
    try:
        texts = [t.get_text() for t in ax.texts]
        assert "pays back in 2022-23" in texts
        assert [line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == "--"] == [2]
    finally:
        plt.close(ax.figure)


def test_tornado_orders_inputs_by_how_little_they_must_move() -> None:
    switching = pd.DataFrame(
        {
            "input": ["costs.agency_day_rate_gbp", "policy costs", "salary"],
            "base_value": [300.0, 1e6, 40000.0],
            "switching_value": [240.0, 5e6, math.nan],
        }
    )
    ax = tornado_chart(switching)
    try:
        ticks = [t.get_text().split("\n")[0] for t in ax.get_yticklabels()]
        assert ticks == ["Agency day rate", "Policy costs", "Salary"]
        assert "changes sign (%)" in ax.get_xlabel().replace("\n", " ")
        texts = [t.get_text() for t in ax.texts]
        assert "240 (-20%)" in texts
        assert "the NPV does not change sign" in texts
    finally:
        plt.close(ax.figure)


def test_explain_and_tipping_charts_in_the_house_style() -> None:
    explain = pd.DataFrame(
        {
            "loop": ["pay", "pay", "culture and blame", "culture and blame"],
            "metric": ["vacancy_rate_fte", "agency_rate_fte"] * 2,
            "period": "all",
            "contribution": [1.0, 0.5, 2.0, 1.0],
            "ci_low": [0.5, 0.2, 1.5, 0.4],
            "ci_high": [1.5, 0.8, 2.5, 1.6],
        }
    )
    ax = explain_chart(explain)
    try:
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == ["Vacancy rate", "Agency rate"]
        assert "percentage points" in ax.get_xlabel()
        assert ax.patches[0].get_facecolor()[:3] == matplotlib.colors.to_rgb(OKABE_ITO["blue"])
    finally:
        plt.close(ax.figure)
    tipping = pd.DataFrame(
        {
            "lever": "capacity.admin_share",
            "value": [0.2, 0.3, 0.4],
            "metric": "vacancy_rate_fte",
            "change_mean": [-2.0, 0.5, 3.0],
            "change_ci_low": [-3.0, -0.5, 2.0],
            "change_ci_high": [-1.0, 1.5, 4.0],
        }
    )
    ax = tipping_chart(tipping, tipping_points=[0.3])
    try:
        assert ax.get_xlabel() == "Share of time on recording and admin (%)"
        assert "capacity.admin_share" not in ax.get_xlabel() + _title(ax)
        assert ax.get_ylabel().startswith("Vacancy rate: last census minus start")
        assert np.allclose(ax.get_lines()[0].get_xdata(), [20, 30, 40])
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "tipping point 30" in legend
    finally:
        plt.close(ax.figure)


def test_financial_years_and_green_book_discounting() -> None:
    assert financial_year("2015-03") == "2014-15"
    assert financial_year("2015-04") == "2015-16"
    assert financial_year("1999-12") == "1999-00"
    assert discount_factor(0) == 1.0
    assert discount_factor(1) == pytest.approx(1 / 1.035)
    assert discount_factor(31) == pytest.approx(1.035**-30 / 1.03)
    assert payback_year(["a", "b", "c"], [0.0, 5.0, -1.0]) == "c"
    assert payback_year(["a", "b"], [-1.0, -2.0]) == "a"
    assert payback_year(["a", "b"], [1.0, 2.0]) is None


@pytest.mark.slow
def test_cash_flows_add_up_to_the_run_costs(results: ComparisonResults) -> None:
    """The financial-year differences of each replication add up to the difference in
    its monthly costs, and present values are the differences times the factors."""
    costs = comparison_money(results)
    per = costs.per_replication
    for rep, part in per.groupby("replication"):
        totals = {}
        for label, res in results.results.items():
            m = res.monthly
            totals[label] = m[(m.metric == "total_cost_gbp") & (m.replication == rep)].value.sum()
        expected = totals["small_reform"] - totals[results.base]
        assert part.cost_difference_gbp.sum() == pytest.approx(expected, rel=1e-12)
    assert np.allclose(per.present_value_gbp, per.cost_difference_gbp * per.discount_factor)
    components = costs.components
    npv = costs.npv.set_index("option").loc["small_reform", "npv_gbp"]
    assert (
        components.option_present_value_gbp - components.base_present_value_gbp
    ).sum() == pytest.approx(npv, rel=1e-9)
    assert bool(costs.cashflows.part_year.iloc[0])  # October to March

"""The charts: each drawn from a small saved comparison, checked for its title (scenarios,
years, replications), plain-English axis labels with units, and PNG and SVG files; the
cost charts checked to show the appraisal's own figures."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from staffsim.appraisal.appraise import Appraisal  # noqa: E402
from staffsim.appraisal.discount import discount_factor  # noqa: E402
from staffsim.charts import (  # noqa: E402
    cost_waterfall_chart,
    cumulative_cost_chart,
    differences_chart,
    fan_chart,
    tornado_chart,
)
from staffsim.charts import data as chart_data  # noqa: E402
from staffsim.charts.standard import comparison_appraisal  # noqa: E402
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
    appraisal = comparison_appraisal(results)
    context = chart_data.chart_context(results)
    ax = cumulative_cost_chart(appraisal, context=context)
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
    ax = cost_waterfall_chart(appraisal, "small_reform", base=results.base, context=context)
    try:
        _check_title(_title(ax))
        ticks = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
        assert ticks[:2] == ["Employed pay with on-costs", "Agency spend"]
        assert ticks[4].startswith("Policy costs (+41% optimism")
        assert ticks[-1] == "Net difference (NPV)"
        assert ax.get_ylabel() == "Change from the base, discounted (£ million)"
    finally:
        plt.close(ax.figure)


@pytest.mark.slow
def test_a_charts_npv_is_the_npv_of_appraisal_csv(
    results: ComparisonResults, tmp_path: Path
) -> None:
    """The cumulative cost chart ends at, and the waterfall's net bar is, the NPV that
    ``staffsim appraise`` writes in appraisal.csv for the same results, with its optimism
    bias; and the waterfall's components add up to it."""
    folder = tmp_path / "appraised"
    results.save(folder)
    assert main(["appraise", "--from", str(folder), "--quiet"]) == 0
    npv = float(
        pd.read_csv(folder / "appraisal.csv")
        .set_index("option")
        .loc["small_reform", "npv_mean_gbp"]
    )
    charted = comparison_appraisal(ComparisonResults.load(folder))
    assert charted.path == folder  # the saved appraisal, not a new one
    recomputed = comparison_appraisal(results)  # no saved appraisal: made from the results
    for appraisal in (charted, recomputed):
        ax = cumulative_cost_chart(appraisal)
        try:
            line = next(line for line in ax.lines if line.get_marker() == "o")
            assert float(line.get_ydata()[-1]) * 1e6 == pytest.approx(npv, rel=1e-12, abs=1e-6)
            label = next(t.get_text() for t in ax.texts if t.get_text().startswith("NPV "))
            assert label == f"NPV £{npv / 1e6:.1f}m" if npv >= 0 else f"NPV -£{-npv / 1e6:.1f}m"
        finally:
            plt.close(ax.figure)
        ax = cost_waterfall_chart(appraisal, "small_reform")
        try:
            net = ax.patches[-1].get_height() * 1e6
            assert net == pytest.approx(npv, rel=1e-12, abs=1e-6)
            parts = [patch.get_height() * 1e6 for patch in ax.patches[:-1]]
            assert sum(parts) == pytest.approx(npv, rel=1e-9, abs=1e-3)
        finally:
            plt.close(ax.figure)
    # with another optimism bias the saved appraisal (and so the chart) follows it
    assert main(["appraise", "--from", str(folder), "--quiet", "--optimism-bias", "0"]) == 0
    zero = float(pd.read_csv(folder / "appraisal.csv")["npv_mean_gbp"].iloc[0])
    assert zero != pytest.approx(npv)
    assert float(
        comparison_appraisal(ComparisonResults.load(folder)).table["npv_mean_gbp"].iloc[0]
    ) == pytest.approx(zero, rel=1e-12)
    # an appraisal saved before the components and running totals were written is appraised
    # again with its own optimism bias, keeping its switching values
    (folder / "appraisal_components.csv").unlink()
    (folder / "appraisal_cumulative.csv").unlink()
    older = comparison_appraisal(ComparisonResults.load(folder))
    assert float(older.table["npv_mean_gbp"].iloc[0]) == pytest.approx(zero, rel=1e-12)
    assert older.components["difference_present_value_gbp"].sum() == pytest.approx(zero)
    saved_switching = pd.read_csv(folder / "switching_values.csv")
    assert list(older.switching["input"]) == list(saved_switching["input"])


def _hand_appraisal(present_values: list[float], payback_index: float, share: float) -> Appraisal:
    """A one-option appraisal of three financial years, built by hand."""
    years = ["2020-21", "2021-22", "2022-23"]
    factors = [discount_factor(t) for t in range(3)]
    pv = np.array(present_values)
    cumulative = np.cumsum(pv)
    empty = pd.DataFrame()
    table = pd.DataFrame(
        {
            "option": ["x"],
            "npv_mean_gbp": [float(cumulative[-1])],
            "payback_share": [share],
            "payback_median_year_index": [payback_index],
            "payback_median_financial_year": [years[int(payback_index)] if share > 0 else ""],
        }
    )
    cashflows = pd.DataFrame(
        {
            "option": "x",
            "financial_year": years,
            "year_index": [0, 1, 2],
            "cost_difference_gbp": pv / np.array(factors),
            "discount_factor": factors,
            "present_value_gbp": pv,
        }
    )
    running = pd.DataFrame(
        {
            "option": "x",
            "financial_year": years,
            "year_index": [0, 1, 2],
            "part_year": [True, False, False],
            "cumulative_present_value_gbp": cumulative,
            "cumulative_ci_low_gbp": cumulative - 1e5,
            "cumulative_ci_high_gbp": cumulative + 1e5,
        }
    )
    return Appraisal(table, cashflows, empty, empty, empty, empty, empty, {}, cumulative=running)


def test_the_appraisals_payback_year_is_marked() -> None:
    ax = cumulative_cost_chart(_hand_appraisal([2e6, -1e6, -2e6], 2.0, 0.8))
    try:
        texts = [t.get_text() for t in ax.texts]
        assert "pays back in 2022-23\n(median; 80% of runs pay back)" in texts
        assert [line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == "--"] == [2]
        assert ax.get_xticklabels()[0].get_text() == "2020-21*"
    finally:
        plt.close(ax.figure)
    ax = cumulative_cost_chart(_hand_appraisal([2e6, 1e6, 1e6], math.nan, 0.0))
    try:
        assert "X does not pay back within the horizon" in ax.get_xlabel()
        assert not [line for line in ax.lines if line.get_linestyle() == "--"]
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


def test_every_fan_chart_reads_a_registered_column() -> None:
    from staffsim import registry

    for source in chart_data.FAN_METRICS.values():
        table = registry.MONTHLY if source.table == "monthly" else registry.ANNUAL
        assert source.column in registry.names(table), source


def _one_run(results: ComparisonResults, monthly: pd.DataFrame, annual: pd.DataFrame):
    from staffsim.results.results import Results

    base = results.results[results.base]
    return Results(base.name, annual, base.manifest, monthly=monthly)


def test_a_missing_fan_column_raises_instead_of_vanishing(
    results: ComparisonResults, tmp_path: Path
) -> None:
    """A renamed metric once made two fan charts vanish without a word; now a key metric's
    column missing from results that have rows is an error naming it."""
    from staffsim.charts.data import MissingColumnError
    from staffsim.charts.standard import draw_standard_charts

    base = results.results[results.base]
    renamed = base.monthly.replace({"metric": {"vacancy_fraction": "vacancy_share"}})
    run = _one_run(results, renamed, base.annual)
    with pytest.raises(MissingColumnError, match=r"'vacancy_fraction'.*did you mean"):
        draw_standard_charts(run, tmp_path)
    run = _one_run(results, base.monthly, base.annual.drop(columns="turnover_rate_fte"))
    with pytest.raises(MissingColumnError, match="annual table has no 'turnover_rate_fte'"):
        draw_standard_charts(run, tmp_path)


def test_a_run_with_nothing_to_draw_is_skipped_with_its_reason(
    results: ComparisonResults, tmp_path: Path
) -> None:
    from staffsim.charts.standard import draw_standard_charts

    base = results.results[results.base]
    reasons: list[str] = []
    empty = _one_run(results, base.monthly.iloc[0:0], base.annual.iloc[0:0])
    assert draw_standard_charts(empty, tmp_path, on_skip=reasons.append) == []
    assert reasons == [
        "charts skipped: no replication of example_small finished, so there is nothing to draw"
    ]
    reasons.clear()
    no_census = _one_run(results, base.monthly, base.annual.iloc[0:0])
    written = draw_standard_charts(no_census, tmp_path, on_skip=reasons.append)
    annual = [m for m, s in chart_data.FAN_METRICS.items() if s.table == "annual"]
    assert reasons == [f"fan_{m} skipped: the results have no annual rows" for m in annual]
    assert {p.stem for p in written} == {
        f"fan_{m}" for m, s in chart_data.FAN_METRICS.items() if s.table == "monthly"
    }


@pytest.mark.slow
def test_many_options_draw_readable_charts(tmp_path: Path) -> None:
    """Five options against a base: every standard chart is drawn without matplotlib giving
    up on its layout, the differences chart holds a series per option, and past three
    options the cumulative cost is drawn one option per chart (named by the option)."""
    import warnings

    base = ROOT / "scenarios" / "example_small.yaml"
    paths = [str(base)]
    for i in range(5):
        option = tmp_path / f"option_{i}.yaml"
        option.write_text(
            f"extends: {base.as_posix()}\nname: option_{i}\n"
            f"caseload:\n  target_per_fte: {16 + i}\n",
            encoding="utf-8",
        )
        paths.append(str(option))
    out = tmp_path / "many"
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # a collapsed layout warns
        code = main(
            [
                "compare",
                *paths,
                *("--replications", "2", "--years", "1", "--jobs", "1"),
                *("--quiet", "--out", str(out)),
            ]
        )
    assert code == 0
    cumulative = sorted(p.name for p in out.glob("cumulative_cost*.png"))
    assert cumulative == ["cumulative_cost.png"] + [
        f"cumulative_cost_option_{i}.png" for i in range(1, 5)
    ]
    results = ComparisonResults.load(out)
    from staffsim.charts.differences import differences_chart

    drawn = differences_chart(results.comparison)
    for ax in drawn.axes:
        if ax.get_visible():
            assert len(ax.containers) == 5  # one error-bar series per option
    plt.close(drawn)

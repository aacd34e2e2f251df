"""Backtest scores and charts: coverage, errors, skill and the model-better share worked out
by hand on small tables, the rows each score leaves out (suppressed published values, no
naive forecast), scores by forecast horizon, the checks on the table, and both charts
drawn and saved, with missing values and without a history."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from staffsim.charts.backtest import backtest_scores_figure, council_backtest_figure
from staffsim.charts.style import save_figure
from staffsim.results.backtest import (
    BACKTEST_COLUMNS,
    BACKTEST_METRICS,
    SCORE_COLUMNS,
    backtest_scores,
    check_backtest_table,
    forecast_horizons,
)

NAN = math.nan


def _table(rows: list[tuple]) -> pd.DataFrame:
    """A backtest table from ``(la_code, time_period, metric, published, simulated_mean,
    pi_low, pi_high, naive)`` tuples; the council's name is its code in words."""
    records = [
        {
            "la_code": code,
            "la_name": f"Council {code}",
            "time_period": year,
            "metric": metric,
            "published": published,
            "simulated_mean": mean,
            "pi_low": low,
            "pi_high": high,
            "naive": naive,
        }
        for code, year, metric, published, mean, low, high, naive in rows
    ]
    return pd.DataFrame(records, columns=list(BACKTEST_COLUMNS))


T, V, A, C = BACKTEST_METRICS

HAND = _table(
    [
        # turnover: inside, model error 2 against naive 5 (model better)
        ("E1", 2020, T, 10.0, 12.0, 8.0, 14.0, 15.0),
        # outside (above pi_high), model error 6 against naive 5 (naive better)
        ("E1", 2021, T, 20.0, 14.0, 9.0, 19.0, 15.0),
        # on the upper end: inside; no naive forecast, so not compared
        ("E2", 2020, T, 14.0, 13.0, 10.0, 14.0, NAN),
        # suppressed: scored nowhere
        ("E2", 2021, T, NAN, 13.0, 10.0, 16.0, 12.0),
        # on the lower end: inside; errors 1 and 1, a tie (not better)
        ("E3", 2020, T, 8.0, 9.0, 8.0, 12.0, 7.0),
        # agency: the naive forecast exact, the model too: skill undefined
        ("E1", 2020, A, 30.0, 30.0, 25.0, 35.0, 30.0),
        # caseload: suppressed only, so nothing to score
        ("E1", 2020, C, NAN, 17.0, 15.0, 19.0, 16.0),
    ]
)


def _row(scores: pd.DataFrame, metric: str) -> pd.Series:
    return scores.set_index("metric").loc[metric]


def test_scores_on_a_hand_table() -> None:
    scores = backtest_scores(HAND)
    assert list(scores.columns) == list(SCORE_COLUMNS)
    assert list(scores["metric"]) == list(BACKTEST_METRICS)
    t = _row(scores, T)
    # coverage: the four published turnover rows, three inside (both ends count)
    assert (t.n, t.councils) == (4, 3)
    assert t.coverage == pytest.approx(0.75)
    assert t.nominal == 0.9
    # compared: the three rows with a naive forecast too; errors 2, 6, 1 and 5, 5, 1
    assert t.n_compared == 3
    assert t.mae_model == pytest.approx(3.0)
    assert t.mae_naive == pytest.approx(11 / 3)
    assert t.skill == pytest.approx(1 - 9 / 11)
    assert t.model_better_share == pytest.approx(1 / 3)


def test_coverage_interval_is_clopper_pearson() -> None:
    """3 of 4 inside: the exact interval's upper end solves p**4 = 0.025 from the top
    (0.975 ** (1/4)); its lower end solves P(X >= 3 | p) = 0.025, that is
    4 p**3 - 3 p**4 = 0.025."""
    t = _row(backtest_scores(HAND), T)
    assert t.coverage_high == pytest.approx(0.975**0.25, rel=1e-9)
    p = t.coverage_low
    assert 4 * p**3 - 3 * p**4 == pytest.approx(0.025, rel=1e-7)
    assert 0 < t.coverage_low < t.coverage < t.coverage_high < 1


def test_metrics_with_nothing_to_score_get_a_row_of_nans() -> None:
    scores = backtest_scores(HAND)
    for metric in (V, C):  # no rows at all; only a suppressed row
        row = _row(scores, metric)
        assert (row.n, row.councils, row.n_compared) == (0, 0, 0)
        for column in ("coverage", "coverage_low", "coverage_high", "mae_model", "mae_naive"):
            assert math.isnan(row[column]), (metric, column)
        assert math.isnan(row.skill) and math.isnan(row.model_better_share)
    # a naive forecast with no error leaves skill undefined; a tie is not a win
    a = _row(scores, A)
    assert (a.n, a.coverage, a.mae_model, a.mae_naive) == (1, 1.0, 0.0, 0.0)
    assert math.isnan(a.skill)
    assert a.model_better_share == 0.0
    empty = backtest_scores(HAND.iloc[0:0])
    assert list(empty["metric"]) == list(BACKTEST_METRICS)
    assert (empty["n"] == 0).all() and empty["coverage"].isna().all()
    assert empty["n"].dtype == np.int64 and empty["coverage"].dtype == np.float64


def test_suppressed_values_and_missing_naive_leave_only_their_own_scores() -> None:
    """A suppressed published value changes no score; a missing naive forecast changes the
    comparison only, not the coverage."""
    base = backtest_scores(HAND)
    without = HAND[~((HAND["la_code"] == "E2") & (HAND["time_period"] == 2021))]
    assert backtest_scores(without).equals(base)
    no_naive = HAND.assign(naive=NAN)
    t = _row(backtest_scores(no_naive), T)
    assert (t.n, t.coverage) == (4, pytest.approx(0.75))
    assert t.n_compared == 0 and math.isnan(t.mae_model) and math.isnan(t.skill)


def test_a_row_without_an_interval_counts_as_outside() -> None:
    table = _table(
        [("E1", 2020, T, 10.0, 10.0, 8.0, 12.0, 9.0), ("E1", 2021, T, 10.0, NAN, NAN, NAN, 9.0)]
    )
    t = _row(backtest_scores(table), T)
    assert (t.n, t.coverage) == (2, 0.5)
    # no simulated mean: the comparison uses the first row alone
    assert (t.n_compared, t.mae_model, t.mae_naive, t.skill) == (1, 0.0, 1.0, 1.0)


def test_scores_by_horizon_count_years_from_each_councils_first_forecast() -> None:
    table = _table(
        [
            ("E1", 2020, T, 10.0, 10.0, 9.0, 11.0, 12.0),
            ("E1", 2021, T, 10.0, 14.0, 12.0, 16.0, 12.0),
            ("E1", 2022, T, 10.0, 10.0, 9.0, 11.0, 10.0),
            # a council whose backtest starts earlier: horizons from its own first year,
            # which counts though its first published value there is suppressed
            ("E2", 2016, T, NAN, 10.0, 9.0, 11.0, 12.0),
            ("E2", 2017, T, 20.0, 19.0, 15.0, 25.0, 22.0),
            ("E2", 2016, C, 18.0, 17.0, 16.0, 19.0, NAN),
        ]
    )
    horizons = forecast_horizons(table)
    assert list(horizons) == [1, 2, 3, 1, 2, 1]
    scores = backtest_scores(table, by_horizon=True)
    assert list(scores.columns) == ["metric", "horizon", *SCORE_COLUMNS[1:]]
    assert len(scores) == len(BACKTEST_METRICS) * 3  # every metric at every horizon
    s = scores.set_index(["metric", "horizon"])
    assert (s.loc[(T, 1), "n"], s.loc[(T, 1), "coverage"]) == (1, 1.0)
    assert s.loc[(T, 1), "skill"] == pytest.approx(1.0)  # 0 against 2
    h2 = s.loc[(T, 2)]
    assert (h2.n, h2.councils, h2.coverage) == (2, 2, 0.5)
    assert h2.mae_model == pytest.approx((4 + 1) / 2)
    assert h2.mae_naive == pytest.approx((2 + 2) / 2)
    assert h2.skill == pytest.approx(1 - 2.5 / 2)
    assert h2.model_better_share == pytest.approx(0.5)
    h3 = s.loc[(T, 3)]
    assert (h3.n, h3.mae_model, h3.mae_naive, h3.model_better_share) == (1, 0.0, 0.0, 0.0)
    assert math.isnan(h3.skill)
    assert (s.loc[(C, 1), "n"], s.loc[(C, 1), "n_compared"]) == (1, 0)
    assert (s.loc[(C, 2), "n"], s.loc[(V, 1), "n"]) == (0, 0)
    # the horizons add up to the scores over all years
    overall = _row(backtest_scores(table), T)
    assert s.loc[T, "n"].sum() == overall.n
    assert backtest_scores(table.iloc[0:0], by_horizon=True).empty


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match=r"'pi_high', 'naive'"):
        check_backtest_table(HAND.drop(columns=["naive", "pi_high"]))
    with pytest.raises(ValueError, match="'published'"):
        backtest_scores(HAND.drop(columns="published"))


def test_the_checked_table_is_an_ordered_typed_copy() -> None:
    shuffled = HAND[list(reversed(BACKTEST_COLUMNS))].assign(extra=1)
    shuffled["time_period"] = shuffled["time_period"].astype(float)
    checked = check_backtest_table(shuffled)
    assert list(checked.columns) == list(BACKTEST_COLUMNS)
    assert checked["time_period"].dtype == np.int64
    checked.loc[0, "published"] = -1.0
    assert HAND.loc[0, "published"] == 10.0  # a copy


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pi_low": 30.0}, "pi_low above pi_high"),
        ({"time_period": 2020.5}, "whole years"),
        ({"published": "n/a"}, "'published' holds a value that is not a number"),
    ],
)
def test_a_table_a_score_would_misread_is_refused(change: dict, message: str) -> None:
    bad = HAND.astype({"time_period": object, "published": object}).copy()
    for column, value in change.items():
        bad.loc[0, column] = value
    with pytest.raises(ValueError, match=message):
        check_backtest_table(bad)


def test_a_row_given_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="more than one row"):
        check_backtest_table(pd.concat([HAND, HAND.iloc[[0]]]))


# charts: matplotlib is an optional extra, so only these tests need it


@pytest.fixture
def plt() -> Any:
    """matplotlib's pyplot on the file-only backend (the tests skip without matplotlib)."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    return pyplot


def _council(years: tuple[int, ...] = (2020, 2021, 2022)) -> pd.DataFrame:
    """One council's rows: every metric, with a suppressed value and a missing naive."""
    start = {T: 15.0, V: 20.0, A: 12.0, C: 18.0}
    rows = []
    for metric, level in start.items():
        for i, year in enumerate(years):
            published = NAN if (metric == V and i == 1) else level + i
            naive = NAN if metric == A else level - 1
            rows.append(
                ("E9", year, metric, published, level + 0.5 * i, level - 3, level + 4, naive)
            )
    return _table(rows)


HISTORY = pd.DataFrame(
    {
        "time_period": [2017, 2018, 2019] * 4,
        "metric": [m for m in BACKTEST_METRICS for _ in range(3)],
        "published": [14.0, NAN, 15.0, 19.0, 20.0, 21.0, 10.0, 11.0, 12.0, 17.0, 18.0, 17.5],
    }
)


def _saved(plt: Any, figure: Any, path: Path) -> None:
    try:
        written = save_figure(figure, path, formats=("png",))
    finally:
        plt.close(figure)
    assert written == [path.with_suffix(".png")]
    data = written[0].read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000


def test_council_figure_draws_history_forecast_and_naive(plt: Any, tmp_path: Path) -> None:
    figure = council_backtest_figure(_council(), HISTORY)
    axes = figure.axes
    assert len(axes) == 4
    assert "Council E9 (E9): backtest fitted to 2019" in figure.get_suptitle()
    assert [ax.get_title(loc="left") for ax in axes] == [
        "Turnover rate",
        "Vacancy rate",
        "Agency rate",
        "Caseload",
    ]
    assert axes[0].get_ylabel() == "Turnover rate (%)"
    assert axes[3].get_ylabel() == "Caseload (cases per FTE)"
    assert axes[3].get_xlabel() == "Year to 30 September"
    # one legend, for the figure; none on a panel
    assert len(figure.legends) == 1 and all(ax.get_legend() is None for ax in axes)
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend == [
        "Published",
        "90% prediction interval (5th to 95th percentile of runs)",
        "Simulated mean",
        "Naive forecast (last published value)",
        "Published in a forecast year",
    ]
    lines = {line.get_label(): line for line in axes[1].get_lines()}
    assert list(lines["Simulated mean"].get_ydata()) == [20.0, 20.5, 21.0]
    # the suppressed vacancy value is no marker
    assert list(lines["Published in a forecast year"].get_xdata()) == [2020.0, 2022.0]
    # the history stops before the forecast; the agency panel has no naive forecast
    assert max(lines["Published"].get_xdata()) == 2019
    assert "Naive forecast (last published value)" not in [
        line.get_label() for line in axes[2].get_lines()
    ]
    _saved(plt, figure, tmp_path / "council")


def test_council_figure_without_history_or_values(plt: Any, tmp_path: Path) -> None:
    rows = _council((2020,))
    rows.loc[rows["metric"] == C, ["published", "simulated_mean", "pi_low", "pi_high", "naive"]] = (
        NAN
    )
    figure = council_backtest_figure(rows, title="One year ahead")
    assert figure.get_suptitle() == "One year ahead"
    assert "no published or simulated values" in [t.get_text() for t in figure.axes[3].texts]
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert "Published" not in legend and "Simulated mean" in legend
    _saved(plt, figure, tmp_path / "council_no_history")


def test_council_figure_refuses_two_councils_and_bad_history(plt: Any) -> None:
    two = pd.concat([_council(), _council().assign(la_code="E8")])
    with pytest.raises(ValueError, match="2 councils"):
        council_backtest_figure(two)
    with pytest.raises(ValueError, match="'published'"):
        council_backtest_figure(_council(), HISTORY.drop(columns="published"))


def test_scores_figure_draws_errors_and_coverage(plt: Any, tmp_path: Path) -> None:
    scores = backtest_scores(HAND)  # vacancy and caseload have nothing scored: NaNs
    figure = backtest_scores_figure(scores)
    left, right = figure.axes
    ticks = [t.get_text() for t in left.get_xticklabels()]
    assert ticks[0] == "Turnover rate\n(percentage\npoints)"
    assert ticks[3] == "Caseload\n(cases per FTE)"
    coverage_ticks = [t.get_text() for t in right.get_xticklabels()]
    assert coverage_ticks[0] == "Turnover rate\nn = 4"
    heights = [p.get_height() for p in left.patches]
    assert heights[0] == pytest.approx(3.0) and heights[4] == pytest.approx(11 / 3)
    notes = [t.get_text() for t in left.texts]
    assert notes == [f"skill {1 - 9 / 11:+.2f}", "no comparison", "naive exact", "no comparison"]
    nominal = [line for line in right.get_lines() if line.get_linestyle() == "--"]
    assert nominal and nominal[0].get_ydata()[0] == pytest.approx(90.0)
    assert "90% prediction interval" in right.get_ylabel().replace("\n", " ")
    assert len(figure.legends) == 1
    _saved(plt, figure, tmp_path / "scores")


def test_scores_figure_refuses_scores_by_horizon(plt: Any) -> None:
    with pytest.raises(ValueError, match="by_horizon=False"):
        backtest_scores_figure(backtest_scores(HAND, by_horizon=True))

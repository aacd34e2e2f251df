"""Backtest charts: a council's forecast beside what it went on to publish, and the scores.

* :func:`council_backtest_figure`: one council, a panel per metric of
  :data:`staffsim.results.backtest.BACKTEST_METRICS`: the published history, the simulated
  mean over the forecast years with its 90% prediction interval (5th to 95th percentile of
  replications), the naive forecast (the last published value carried forward) and the
  values published in the forecast years.
* :func:`backtest_scores_figure`: the scores of :func:`staffsim.results.backtest.backtest_scores`
  per metric: the model's and the naive forecast's mean absolute errors, and how often the
  90% interval held the published value.

Both read tables only (never run the model) and return the figure; matplotlib is imported
only when a chart is drawn.
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from staffsim.charts import style
from staffsim.results.backtest import (
    BACKTEST_METRICS,
    NOMINAL_COVERAGE,
    check_backtest_table,
    require_columns,
)
from staffsim.results.labels import Label, get_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["backtest_scores_figure", "council_backtest_figure"]

PUBLISHED_COLOUR = style.BASE_COLOUR
"""Published values: near black, the reference the forecasts are judged against."""

MODEL_COLOUR = style.OKABE_ITO["blue"]
NAIVE_COLOUR = style.OKABE_ITO["vermillion"]

_BAND_ALPHA = 0.2
_YEAR_AXIS = "Year to 30 September"
_HISTORY_COLUMNS = ("time_period", "metric", "published")


def _error_unit(label: Label) -> str:
    """The unit of an error in ``label``'s metric: a difference of percentages is in
    percentage points."""
    return "percentage points" if label.kind in ("percent", "fraction") else label.display_unit


def _check_history(history: pd.DataFrame) -> pd.DataFrame:
    """``history`` with whole years and float values, or ``ValueError`` naming the columns
    it lacks."""
    out = require_columns(history, _HISTORY_COLUMNS, "history table")
    out["published"] = pd.to_numeric(out["published"]).astype("float64")
    out["time_period"] = pd.to_numeric(out["time_period"]).astype("int64")
    return out


def council_backtest_figure(
    rows: pd.DataFrame, history: pd.DataFrame | None = None, title: str | None = None
) -> Figure:
    """Draw one council's backtest: a 2 x 2 grid, a panel per metric (turnover, vacancy and
    agency rates in percent; caseload in cases per case-holding FTE).

    ``rows`` are the council's rows of a backtest table
    (:data:`staffsim.results.backtest.BACKTEST_COLUMNS`). ``history``, optional, holds
    ``time_period, metric, published``: the council's published values for every year,
    those before the forecast included; its years before the first forecast year are drawn
    as a line with markers, while the published values of the forecast years come from
    ``rows`` and are drawn as distinct markers (diamonds). The simulated mean is a line with
    its 90% prediction interval as a band (an error bar when there is one forecast year);
    the naive forecast is a dashed line over the forecast years. Missing (suppressed)
    published values are left out: a gap in the line, no marker. ``title`` defaults to the
    council's name, code and the last year the fit saw.

    Raises ``ValueError`` for rows of more than one council or none.
    """
    import matplotlib.pyplot as plt

    table = check_backtest_table(rows)
    if table.empty:
        raise ValueError("no backtest rows to draw")
    councils = list(dict.fromkeys(table["la_code"].astype(str)))
    if len(councils) > 1:
        raise ValueError(
            f"the rows hold {len(councils)} councils ({', '.join(councils[:3])}...); "
            "draw one council at a time"
        )
    past = _check_history(history) if history is not None else None
    first_forecast = int(table["time_period"].min())
    if title is None:
        name = str(table["la_name"].iloc[0])
        title = (
            f"{name} ({councils[0]}): backtest fitted to {first_forecast - 1}, "
            "forecast against published"
        )
    # every panel spans the same years, those of the history and of the forecast, so that
    # a panel with fewer values does not stretch or shift its axis
    shown_years = set(table["time_period"])
    if past is not None:
        shown_years |= set(past.loc[past["time_period"] < first_forecast, "time_period"])
    with style.house_style():
        figure = plt.figure(figsize=(10.0, 7.6), layout="constrained")
        axes = figure.subplots(2, 2, squeeze=False).ravel()
        for ax, metric in zip(axes, BACKTEST_METRICS, strict=True):
            label = get_label(metric)
            forecast = table[table["metric"] == metric].sort_values("time_period")
            before = None
            if past is not None:
                part = past[(past["metric"] == metric) & (past["time_period"] < first_forecast)]
                before = part.sort_values("time_period")
            drawn = _council_panel(ax, label, forecast, before)
            if not drawn:
                ax.text(
                    0.5,
                    0.5,
                    "no published or simulated values",
                    transform=ax.transAxes,
                    ha="center",
                    va="center",
                    color=style.NOTE_COLOUR,
                )
            # the fit saw the years left of this line; the forecast starts right of it
            ax.axvline(first_forecast - 0.5, color=style.GRID_COLOUR, linewidth=1.2, zorder=0)
            _year_axis(ax, shown_years)
            style.style_axes(ax)
            style.format_axis(ax, label)
            ax.set_ylabel("\n".join(textwrap.wrap(style.axis_text(label), 32)))
            ax.set_title(label.label, loc="left", fontsize=10)
        for ax in axes[2:]:
            ax.set_xlabel(_YEAR_AXIS)
        figure.suptitle(title, x=0.01, ha="left", fontsize=11)
        handles, labels = _figure_handles(axes)
        if handles:
            figure.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 3))
    return figure


def _year_axis(ax: Axes, years: set[int]) -> None:
    """An axis of whole years: a tick at each year while they fit, else whole years
    chosen by matplotlib; never an offset (``+2.02e3``)."""
    from matplotlib.ticker import MaxNLocator

    first, last = min(years), max(years)
    ax.set_xlim(first - 0.6, last + 0.6)
    if last - first < 12:
        span = range(first, last + 1)
        ax.set_xticks(list(span), [str(y) for y in span])
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.ticklabel_format(axis="x", useOffset=False, style="plain")


def _council_panel(
    ax: Axes, label: Label, forecast: pd.DataFrame, before: pd.DataFrame | None
) -> bool:
    """Draw one metric's history and forecast on ``ax``; whether anything was drawn."""
    scale = label.scale
    drawn = False
    if before is not None and before["published"].notna().any():
        ax.plot(
            before["time_period"],
            before["published"] * scale,
            color=PUBLISHED_COLOUR,
            marker="o",
            markersize=4,
            linewidth=1.6,
            label="Published",
        )
        drawn = True
    if forecast.empty:
        return drawn
    years = forecast["time_period"].to_numpy(dtype=float)
    mean = forecast["simulated_mean"].to_numpy(dtype=float) * scale
    low = forecast["pi_low"].to_numpy(dtype=float) * scale
    high = forecast["pi_high"].to_numpy(dtype=float) * scale
    band_label = "90% prediction interval (5th to 95th percentile of runs)"
    if np.isfinite(mean).any() or np.isfinite(low).any():
        drawn = True
        if len(years) == 1:
            # a band one year wide has no area: show the interval as an error bar
            err = np.nan_to_num(np.vstack([mean - low, high - mean]), nan=0.0)
            ax.errorbar(
                years, mean, yerr=err, fmt="none", color=MODEL_COLOUR, capsize=5, label=band_label
            )
        else:
            ax.fill_between(
                years,
                low,
                high,
                color=MODEL_COLOUR,
                alpha=_BAND_ALPHA,
                linewidth=0,
                label=band_label,
            )
        ax.plot(
            years,
            mean,
            color=MODEL_COLOUR,
            linewidth=2.0,
            marker="o" if len(years) == 1 else None,
            label="Simulated mean",
        )
    naive = forecast["naive"].to_numpy(dtype=float) * scale
    if np.isfinite(naive).any():
        drawn = True
        # one forecast year would give a line of no length: widen it to be seen
        x = years if len(years) > 1 else np.array([years[0] - 0.3, years[0] + 0.3])
        y = naive if len(years) > 1 else np.repeat(naive, 2)
        ax.plot(
            x,
            y,
            color=NAIVE_COLOUR,
            linestyle="--",
            linewidth=1.6,
            label="Naive forecast (last published value)",
        )
    published = forecast["published"].to_numpy(dtype=float) * scale
    shown = np.isfinite(published)
    if shown.any():
        drawn = True
        ax.plot(
            years[shown],
            published[shown],
            linestyle="none",
            marker="D",
            markersize=6,
            markerfacecolor=PUBLISHED_COLOUR,
            markeredgecolor="white",
            color=PUBLISHED_COLOUR,
            label="Published in a forecast year",
        )
    return drawn


def _figure_handles(axes: Any) -> tuple[list[Any], list[str]]:
    """Each label drawn on any of ``axes`` once, in the order first drawn: a panel without
    a history or a naive forecast must not take its entry off the shared legend."""
    seen: dict[str, Any] = {}
    for ax in axes:
        for handle, text in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(text, handle)
    return list(seen.values()), list(seen.keys())


def backtest_scores_figure(scores: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Draw the scores of :func:`staffsim.results.backtest.backtest_scores` (one row per
    metric, ``by_horizon=False``) in two panels.

    Left: each metric's mean absolute error of the model's mean and of the naive forecast,
    as a pair of bars, over the rows where both could be scored. The metrics' units differ,
    so the axis holds each pair in its own unit, named under it (percentage points for the
    rates, cases per FTE for caseload), and the skill (``1 - model / naive``, unitless) is
    written above each pair for a comparison across metrics.

    Right: each metric's coverage, the share of published values inside the 90% prediction
    interval (percent), with its 95% Clopper-Pearson interval as error bars and a line at
    the nominal 90%. The number of values scored is under each metric.

    Raises ``ValueError`` for scores by horizon (more than one row for a metric) or
    without the columns drawn.
    """
    import matplotlib.pyplot as plt

    needed = ("metric", "n", "coverage", "coverage_low", "coverage_high", "mae_model")
    missing = [c for c in (*needed, "mae_naive", "skill") if c not in scores.columns]
    if missing:
        raise ValueError(
            f"the scores have no column(s) {', '.join(repr(c) for c in missing)}; "
            "draw the table backtest_scores returns"
        )
    if scores["metric"].duplicated().any():
        raise ValueError(
            "the scores hold more than one row for a metric (scores by horizon?); "
            "draw backtest_scores(..., by_horizon=False)"
        )
    table = scores.reset_index(drop=True)
    labels = [get_label(str(m)) for m in table["metric"]]
    nominal = NOMINAL_COVERAGE
    if "nominal" in table.columns and table["nominal"].notna().any():
        nominal = float(table["nominal"].dropna().iloc[0])
    x = np.arange(len(table), dtype=float)
    with style.house_style():
        figure = plt.figure(figsize=(10.0, 4.8), layout="constrained")
        left, right = figure.subplots(1, 2)
        _error_panel(left, table, labels, x)
        _coverage_panel(right, table, labels, x, nominal)
        figure.suptitle(
            title or "Backtest: forecast errors and interval coverage by metric",
            x=0.01,
            ha="left",
            fontsize=11,
        )
        handles, texts = _figure_handles([left, right])
        if handles:
            figure.legend(handles, texts, loc="outside lower center", ncol=min(len(texts), 4))
    return figure


def _error_panel(ax: Axes, table: pd.DataFrame, labels: list[Label], x: np.ndarray) -> None:
    """Paired bars of the model's and the naive forecast's mean absolute errors, each pair
    in its metric's unit, the skill written above it."""
    width = 0.38
    model = table["mae_model"].to_numpy(dtype=float)
    naive = table["mae_naive"].to_numpy(dtype=float)
    # a missing error is no bar, not a bar of zero height that would read as perfect
    ax.bar(x - width / 2, np.nan_to_num(model), width, color=MODEL_COLOUR, label="Model (mean)")
    ax.bar(
        x + width / 2,
        np.nan_to_num(naive),
        width,
        color=NAIVE_COLOUR,
        label="Naive (last published value)",
    )
    tallest = np.nanmax(np.concatenate([model, naive, [0.0]]))
    for i, skill in enumerate(table["skill"].to_numpy(dtype=float)):
        top = np.nanmax([model[i], naive[i], 0.0])
        # no rows to compare, or a naive forecast with no error (skill has no value)
        if math.isnan(naive[i]):
            text = "no comparison"
        elif math.isnan(skill):
            text = "naive exact"
        else:
            text = f"skill {skill:+.2f}"
        ax.annotate(
            text,
            xy=(x[i], top),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8.5,
            color=style.TEXT_COLOUR,
        )
    # room above the tallest bar for its skill
    ax.set_ylim(0, (tallest if tallest > 0 else 1.0) * 1.18)
    # the unit under each metric, wrapped: four groups share a half-width panel
    ticks = [
        "\n".join([*textwrap.wrap(label.label, 14), *textwrap.wrap(f"({_error_unit(label)})", 15)])
        for label in labels
    ]
    ax.set_xticks(x, ticks, fontsize=8.5)
    style.style_axes(ax)
    ax.set_ylabel("Mean absolute error\n(in the unit under each metric)")
    ax.set_title("Forecast error: model against naive", loc="left", fontsize=10)


def _coverage_panel(
    ax: Axes, table: pd.DataFrame, labels: list[Label], x: np.ndarray, nominal: float
) -> None:
    """Coverage per metric in percent with its 95% interval, and the nominal line."""
    from matplotlib.ticker import PercentFormatter

    coverage = table["coverage"].to_numpy(dtype=float) * 100
    low = table["coverage_low"].to_numpy(dtype=float) * 100
    high = table["coverage_high"].to_numpy(dtype=float) * 100
    err = np.nan_to_num(np.vstack([coverage - low, high - coverage]), nan=0.0)
    ax.errorbar(
        x,
        coverage,
        yerr=err,
        fmt="o",
        markersize=6,
        capsize=4,
        color=MODEL_COLOUR,
        label="Coverage with 95% interval",
    )
    ax.axhline(
        nominal * 100,
        color=PUBLISHED_COLOUR,
        linestyle="--",
        linewidth=1.1,
        label=f"Nominal {nominal * 100:g}%",
    )
    ax.set_ylim(0, 105)
    ax.yaxis.set_major_formatter(PercentFormatter(100, decimals=0))
    counts = table["n"].to_numpy()
    ticks = [
        "\n".join([*textwrap.wrap(label.label, 14), f"n = {int(n):,}"])
        for label, n in zip(labels, counts, strict=True)
    ]
    ax.set_xticks(x, ticks, fontsize=8.5)
    ax.set_xlim(-0.6, len(x) - 0.4)
    style.style_axes(ax)
    ax.set_ylabel("Published values inside\nthe 90% prediction interval (%)")
    ax.set_title("Interval coverage", loc="left", fontsize=10)

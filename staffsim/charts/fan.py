"""Fan charts: a metric over time with the spread across replications.

Each scenario is a median line with two bands: the middle 50% of replications (25th to
75th percentile) and the middle 90% (5th to 95th). The bands show how differently the
service can turn out under the same policy (the spread of single runs), not the
uncertainty of the mean, which is far narrower; the difference chart shows that.
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING

import pandas as pd

from staffsim.charts import style
from staffsim.results.labels import get_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["FAN_BANDS", "fan_chart", "fan_quantiles"]

FAN_BANDS = ((0.05, 0.95), (0.25, 0.75))
"""The bands drawn, outer first: the middle 90% and the middle 50% of replications."""

_BAND_ALPHA = (0.13, 0.28)


def fan_quantiles(series: pd.DataFrame) -> pd.DataFrame:
    """Median and band limits per scenario and date of a tidy series (``scenario,
    replication, date, value``): ``scenario, date, q05, q25, q50, q75, q95, replications``."""
    grouped = series.groupby(["scenario", "date"], sort=False)["value"]
    out = grouped.quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
    out.columns = ["q05", "q25", "q50", "q75", "q95"]
    out["replications"] = grouped.count()
    return out.reset_index().sort_values(["scenario", "date"], kind="stable", ignore_index=True)


def fan_chart(
    series: pd.DataFrame,
    metric: str,
    *,
    base: str | None = None,
    context: style.ChartContext | None = None,
    source: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Draw ``metric`` over time for each scenario in ``series`` with its 50% and 90% bands.

    ``series`` is tidy: ``scenario, replication, date, value`` with values in the metric's
    stored unit (``metric`` names its label, see :mod:`staffsim.results.labels`); options are
    overlaid on ``base`` (drawn in grey). ``source`` says where the values come from (for
    example "month-end values"), shown under the chart. Returns the axes.
    """
    label = get_label(metric)
    scenarios = list(dict.fromkeys(series["scenario"]))
    # the legend below holds a median per scenario and the two bands, three to a row: the
    # figure grows with it, or a long legend would squeeze the plot to nothing
    legend_columns = 3 if len(scenarios) <= 4 else 2
    legend_rows = math.ceil((len(scenarios) + 2) / legend_columns)
    with style.house_style():
        ax = style.new_axes(ax, (8.0, 4.8 + 0.3 * max(0, legend_rows - 2)))
        table = fan_quantiles(series.assign(date=pd.to_datetime(series["date"])))
        if base in scenarios:
            scenarios.remove(base)
            scenarios.insert(0, base)
        colours = style.scenario_colours(scenarios, base if base in scenarios else None)
        line_styles = style.scenario_line_styles(scenarios, base if base in scenarios else None)
        single_point = table.groupby("scenario")["date"].nunique().max() == 1
        for name in scenarios:
            rows = table[table["scenario"] == name]
            x = rows["date"]
            colour = colours[name]
            show = {q: rows[q] * label.scale for q in ("q05", "q25", "q50", "q75", "q95")}
            if single_point:
                ax.errorbar(
                    x,
                    show["q50"],
                    yerr=[show["q50"] - show["q05"], show["q95"] - show["q50"]],
                    fmt="o",
                    color=colour,
                    capsize=4,
                    label=style.display_name(name),
                )
                continue
            for (low, high), alpha in zip(FAN_BANDS, _BAND_ALPHA, strict=True):
                ax.fill_between(
                    x,
                    show[f"q{round(low * 100):02d}"],
                    show[f"q{round(high * 100):02d}"],
                    color=colour,
                    alpha=alpha,
                    linewidth=0,
                )
            ax.plot(
                x,
                show["q50"],
                color=colour,
                linestyle=line_styles[name],
                linewidth=2.0,
                marker="o" if len(rows) <= 12 else None,
                markersize=4,
                label=f"{style.display_name(name)} (median)",
            )
        _band_key(ax)
        style.style_axes(ax)
        style.format_axis(ax, label)
        ax.set_ylabel("\n".join(textwrap.wrap(style.axis_text(label), 40)))
        _date_axis(ax, sorted(table["date"].unique()))
        ax.set_xlabel(source[:1].upper() + source[1:] if source else "Date")
        style.set_title(ax, style.chart_title(label.label, context))
        style.legend_below(ax, columns=legend_columns)
    return ax


def _band_key(ax: Axes) -> None:
    """Legend entries for the two bands, in a neutral grey, so each scenario needs one."""
    for (low, high), alpha in zip(FAN_BANDS, _BAND_ALPHA, strict=True):
        share = round((high - low) * 100)
        ax.fill_between(
            [], [], [], color=style.BASE_COLOUR, alpha=alpha, label=f"middle {share}% of runs"
        )


def _date_axis(ax: Axes, dates: list) -> None:
    """Few dates (census days): a tick at each, ``Sep 2015``; many (months): concise ticks."""
    import matplotlib.dates as mdates

    if len(dates) <= 6:
        ax.set_xticks(dates, [f"{pd.Timestamp(d):%b %Y}" for d in dates])
        return
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))

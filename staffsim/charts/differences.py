"""Differences from the base: each option minus the base, by year, with 95% intervals.

One panel per metric; in each, every option's paired difference (common random numbers)
for each 30 September census, with its 95% paired-t confidence interval. A zero line marks
"no change"; an interval clear of it is a difference the replications can tell apart.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffsim.charts import style
from staffsim.results.labels import get_label
from staffsim.results.metrics import METRICS
from staffsim.results.tables import ALL_PERIODS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["DIFFERENCE_METRICS", "differences_chart"]

DIFFERENCE_METRICS = (
    "vacancy_rate_fte",
    "agency_rate_fte",
    "turnover_rate_fte",
    "caseload_fte",
    "cases_unallocated",
    "children_3plus_sw_pct",
    "total_cost_gbp",
)
"""The metrics the difference chart shows by default (the key metrics of the fan charts)."""


def differences_chart(
    comparison: pd.DataFrame,
    metrics: Sequence[str] = DIFFERENCE_METRICS,
    *,
    context: style.ChartContext | None = None,
    figure: Figure | None = None,
) -> Figure:
    """Draw each option's difference from the base by census year, with 95% CIs.

    ``comparison`` is the comparison table (``metric, option, period, diff, ci_low,
    ci_high``; :class:`staffsim.results.results.ComparisonResults`'s). Metrics it lacks are
    skipped. Returns the figure (one panel per metric, a shared legend below).
    """
    import matplotlib.pyplot as plt

    table = comparison[comparison["period"].astype(str) != ALL_PERIODS]
    shown = [m for m in metrics if m in set(table["metric"])]
    if not shown:
        raise ValueError("the comparison table holds none of the metrics asked for")
    options = list(dict.fromkeys(table["option"]))
    colours = style.scenario_colours(options)
    if len(options) == 1:
        colours = {options[0]: style.OPTION_COLOURS[0]}
    columns = 2 if len(shown) > 1 else 1
    rows = int(np.ceil(len(shown) / columns))
    with style.house_style():
        if figure is None:
            figure = plt.figure(figsize=(10, 2.6 * rows + 1.4), layout="constrained")
        axes = figure.subplots(rows, columns, squeeze=False).ravel()
        width = 0.7 / max(len(options), 1)
        for ax, metric in zip(axes, shown, strict=False):
            label = get_label(metric)
            part = table[table["metric"] == metric]
            periods = list(dict.fromkeys(part["period"].astype(str)))
            x = np.arange(len(periods))
            for i, option in enumerate(options):
                rows_ = part[part["option"] == option]
                rows_ = rows_.set_index(rows_["period"].astype(str)).reindex(periods)
                mid = rows_["diff"].to_numpy(dtype=float) * label.scale
                low = rows_["ci_low"].to_numpy(dtype=float) * label.scale
                high = rows_["ci_high"].to_numpy(dtype=float) * label.scale
                err = np.vstack([mid - low, high - mid])
                err = np.where(np.isnan(err), 0.0, err)
                ax.errorbar(
                    x + (i - (len(options) - 1) / 2) * width,
                    mid,
                    yerr=err,
                    fmt="o",
                    markersize=5,
                    capsize=3,
                    color=colours[option],
                    label=style.display_name(option),
                )
            ax.axhline(0, color="#444444", linewidth=0.9)
            ax.set_xticks(x, periods)
            style.style_axes(ax)
            style.format_axis(ax, label, difference=True)
            better = METRICS[metric].better if metric in METRICS else None
            heading = label.label + (f" ({better} is better)" if better else "")
            ax.set_title("\n".join(textwrap.wrap(heading, 48)), loc="left", fontsize=10)
            unit = (
                "percentage points"
                if label.kind in ("percent", "fraction")
                else (label.display_unit)
            )
            ax.set_ylabel(f"Option minus base\n({unit})" if unit else "Option minus base")
        for ax in axes[len(shown) :]:
            ax.set_visible(False)
        for ax in axes[len(shown) - columns : len(shown)]:
            ax.set_xlabel("Census year (to 30 September)")
        figure.suptitle(
            style.chart_title("Difference from the base, with 95% confidence intervals", context),
            x=0.01,
            ha="left",
            fontsize=11,
        )
        handles, labels = axes[0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 4))
    return figure

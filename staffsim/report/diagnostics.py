"""Charts of the loop diagnostics and of the tipping-point sweep.

Each function takes a result table, draws on ``ax`` (a new figure if none) and returns the
axes; nothing here runs the model or shows a window. matplotlib is an optional extra
(``pip install "staffsim[plot]"``), imported when a chart is drawn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from staffsim.charts import style
from staffsim.results.labels import get_label, lever_label

__all__ = ["explain_chart", "tipping_chart"]


def explain_chart(
    table: pd.DataFrame,
    period: str = "all",
    ax: Any = None,
    context: style.ChartContext | None = None,
) -> Any:
    """Horizontal bars: each loop's contribution (percentage points) to each metric, with
    95% confidence intervals, from :class:`staffsim.experiment.explain.ExplainResult`'s
    table. ``context`` names the scenario, years and replications in the title."""
    part = table[table.period == period]
    loops = list(dict.fromkeys(part.loop))
    metrics = list(dict.fromkeys(part.metric))
    with style.house_style():
        ax = style.new_axes(ax, (8.5, 0.45 * len(loops) * len(metrics) ** 0.5 + 2.5))
        height = 0.8 / len(metrics)
        y = np.arange(len(loops))
        for i, metric in enumerate(metrics):
            rows = part[part.metric == metric].set_index("loop").reindex(loops)
            err = np.vstack(
                [rows.contribution - rows.ci_low, rows.ci_high - rows.contribution]
            ).clip(min=0)
            ax.barh(
                y + (i - (len(metrics) - 1) / 2) * height,
                rows.contribution,
                height=height,
                xerr=err,
                capsize=2,
                color=style.OPTION_COLOURS[i % len(style.OPTION_COLOURS)],
                error_kw={"ecolor": "#444444", "elinewidth": 0.9},
                label=get_label(metric).label,
            )
        ax.set_yticks(y, [loop[:1].upper() + loop[1:] for loop in loops])
        ax.invert_yaxis()
        ax.axvline(0, color="#444444", linewidth=0.9)
        ax.set_xlabel(
            "What the loop accounts for: the rate with it minus without it (percentage points)"
        )
        style.style_axes(ax, grid_axis="x")
        when = "mean over all years" if period == "all" else f"census year {period}"
        title = f"What each feedback loop accounts for ({when}), with 95% confidence intervals"
        style.set_title(ax, style.chart_title(title, context))
        style.legend_below(ax, columns=len(metrics))
    return ax


def tipping_chart(
    table: pd.DataFrame,
    tipping_points: list[float] | None = None,
    stable_levels: list[float] | None = None,
    ax: Any = None,
    context: style.ChartContext | None = None,
) -> Any:
    """The change in the outcome against the lever, with its 95% confidence band, the
    recovering (below zero) and declining (above zero) sides shaded, and any tipping point
    or stable level marked. ``table`` is :class:`staffsim.experiment.tipping.TippingResult`'s;
    ``context`` names the scenario, years and replications in the title.
    """
    metric = get_label(str(table.metric.iloc[0]))
    lever = lever_label(str(table.lever.iloc[0]))
    scale = lever.scale
    x = table.value.to_numpy() * scale
    red, green, blue = (
        style.OKABE_ITO["vermillion"],
        style.OKABE_ITO["bluish_green"],
        style.OKABE_ITO["blue"],
    )
    with style.house_style():
        ax = style.new_axes(ax, (8.5, 5.0))
        ax.axhspan(
            0,
            max(table.change_ci_high.max(), 0) * 1.1 + 1e-9,
            color=red,
            alpha=0.08,
            label="declines (worse than at the start)",
        )
        ax.axhspan(
            min(table.change_ci_low.min(), 0) * 1.1 - 1e-9,
            0,
            color=green,
            alpha=0.08,
            label="recovers (better than at the start)",
        )
        ax.fill_between(
            x,
            table.change_ci_low,
            table.change_ci_high,
            color=blue,
            alpha=0.25,
            linewidth=0,
            label="95% confidence interval",
        )
        ax.plot(x, table.change_mean, "o-", color=blue, label=f"change in {metric.label.lower()}")
        ax.axhline(0, color="#444444", linewidth=0.9)
        for point in tipping_points or []:
            ax.axvline(
                point * scale, color=red, linestyle="--", label=f"tipping point {point * scale:.3g}"
            )
        for level in stable_levels or []:
            ax.axvline(
                level * scale, color=green, linestyle=":", label=f"stable level {level * scale:.3g}"
            )
        if not tipping_points:
            ax.text(
                0.02,
                0.96,
                "no tipping point in this range",
                transform=ax.transAxes,
                va="top",
                fontsize=9,
            )
        ax.set_xlabel(style.axis_text(lever))
        unit = (
            "percentage points" if metric.kind in ("percent", "fraction") else metric.display_unit
        )
        ax.set_ylabel(f"{metric.label}: last census minus start\n({unit})")
        style.style_axes(ax)
        title = f"Where the service tips: {metric.label.lower()} against {lever.label.lower()}"
        style.set_title(ax, style.chart_title(title, context))
        style.legend_below(ax, columns=2)
    return ax

"""Charts of the loop diagnostics and of the tipping-point sweep.

Each function takes a result table, draws on ``ax`` (a new figure if none) and returns the
axes; nothing here runs the model or shows a window. matplotlib is an optional extra
(``pip install "staffsim[plot]"``), imported when a chart is drawn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["explain_chart", "tipping_chart"]

_METRIC_LABELS = {
    "vacancy_rate_fte": "vacancy rate",
    "agency_rate_fte": "agency rate",
    "turnover_rate_fte": "turnover rate",
    "caseload_fte": "caseload",
}


def _axes(ax: Any, size: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def explain_chart(table: pd.DataFrame, period: str = "all", ax: Any = None) -> Any:
    """Horizontal bars: each loop's contribution (percentage points) to each metric, with
    95% confidence intervals, from :class:`staffsim.experiment.explain.ExplainResult`'s
    table."""
    part = table[table.period == period]
    loops = list(dict.fromkeys(part.loop))
    metrics = list(dict.fromkeys(part.metric))
    ax = _axes(ax, (8, 0.45 * len(loops) * len(metrics) ** 0.5 + 1.5))
    height = 0.8 / len(metrics)
    y = np.arange(len(loops))
    for i, metric in enumerate(metrics):
        rows = part[part.metric == metric].set_index("loop").reindex(loops)
        err = np.vstack([rows.contribution - rows.ci_low, rows.ci_high - rows.contribution]).clip(
            min=0
        )
        ax.barh(
            y + (i - (len(metrics) - 1) / 2) * height,
            rows.contribution,
            height=height,
            xerr=err,
            capsize=2,
            label=_METRIC_LABELS.get(metric, metric),
        )
    ax.set_yticks(y, loops)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("contribution (percentage points): with the loop minus without it")
    when = "mean over all years" if period == "all" else period
    ax.set_title(f"What each feedback loop accounts for ({when})")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def tipping_chart(
    table: pd.DataFrame,
    tipping_points: list[float] | None = None,
    stable_levels: list[float] | None = None,
    ax: Any = None,
) -> Any:
    """The change in the outcome against the lever, with its 95% confidence band, the
    recovering (below zero) and declining (above zero) sides shaded, and any tipping point
    or stable level marked. ``table`` is :class:`staffsim.experiment.tipping.TippingResult`'s.
    """
    ax = _axes(ax, (8, 4.5))
    x = table.value.to_numpy()
    metric = _METRIC_LABELS.get(table.metric.iloc[0], table.metric.iloc[0])
    ax.axhspan(
        0,
        max(table.change_ci_high.max(), 0) * 1.1 + 1e-9,
        color="tab:red",
        alpha=0.08,
        label="declines",
    )
    ax.axhspan(
        min(table.change_ci_low.min(), 0) * 1.1 - 1e-9,
        0,
        color="tab:green",
        alpha=0.08,
        label="recovers",
    )
    ax.fill_between(
        x,
        table.change_ci_low,
        table.change_ci_high,
        color="tab:blue",
        alpha=0.25,
        label="95% confidence interval",
    )
    ax.plot(x, table.change_mean, "o-", color="tab:blue", label=f"change in {metric}")
    ax.axhline(0, color="black", linewidth=0.8)
    for point in tipping_points or []:
        ax.axvline(point, color="tab:red", linestyle="--", label=f"tipping point {point:.3g}")
    for level in stable_levels or []:
        ax.axvline(level, color="tab:green", linestyle=":", label=f"stable level {level:.3g}")
    if not tipping_points:
        ax.text(
            0.02,
            0.96,
            "no tipping point in this range",
            transform=ax.transAxes,
            va="top",
            fontsize="small",
        )
    ax.set_xlabel(table.lever.iloc[0])
    ax.set_ylabel(f"{metric}: final minus start (points)")
    ax.legend(loc="best", fontsize="small")
    return ax

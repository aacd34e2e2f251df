"""The standard set of charts a run or a comparison leaves in its folder.

For any run: ``fan_<metric>.png`` for each key metric of :data:`staffsim.charts.data.FAN_METRICS`.
For a comparison, also ``differences.png``, ``cumulative_cost.png`` and
``cost_waterfall.png`` (one waterfall per option after the first:
``cost_waterfall_<option>.png``). Each chart is written as PNG with an SVG beside it.
"""

from __future__ import annotations

import os
from pathlib import Path

from staffsim.charts import data, style
from staffsim.charts.money import ComparisonCosts, comparison_costs
from staffsim.results.results import ComparisonResults, Results, folder_name

__all__ = ["charts_available", "comparison_money", "draw_standard_charts"]


def charts_available() -> bool:
    """Whether matplotlib (the ``plot`` extra) is installed."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def comparison_money(results: ComparisonResults) -> ComparisonCosts:
    """The cost tables of a comparison (cash flows by financial year, components, NPV)."""
    monthly = {label: res.monthly for label, res in results.results.items()}
    return comparison_costs(monthly, results.base)


def draw_standard_charts(
    results: Results | ComparisonResults,
    out_dir: str | os.PathLike[str],
    costs: ComparisonCosts | None = None,
) -> list[Path]:
    """Draw the standard charts of ``results`` into ``out_dir``; the files written (PNG
    and SVG), or none if matplotlib is not installed. Reads only the result tables."""
    if not charts_available():
        return []
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from staffsim.charts.costs import cost_waterfall_chart, cumulative_cost_chart
    from staffsim.charts.differences import differences_chart
    from staffsim.charts.fan import fan_chart

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    context = data.chart_context(results)
    runs = data.scenario_results(results)
    base = results.base if isinstance(results, ComparisonResults) else None
    written: list[Path] = []

    def save(figure, name: str) -> None:
        try:
            written.extend(style.save_figure(figure, folder / name))
        finally:
            plt.close(figure)

    for metric, source in data.FAN_METRICS.items():
        series = data.fan_series(runs, metric)
        if series.empty:
            continue
        ax = fan_chart(series, source.column, base=base, context=context, source=source.note)
        save(ax.figure, f"fan_{metric}")
    if isinstance(results, ComparisonResults):
        save(differences_chart(results.comparison, context=context), "differences")
        costs = costs if costs is not None else comparison_money(results)
        ax = cumulative_cost_chart(costs.cashflows, payback=None, context=context)
        save(ax.figure, "cumulative_cost")
        for i, option in enumerate(results.options):
            name = "cost_waterfall" if i == 0 else f"cost_waterfall_{folder_name(option)}"
            ax = cost_waterfall_chart(costs.components, option, base=base, context=context)
            save(ax.figure, name)
    return written

"""The standard set of charts a run or a comparison leaves in its folder.

For any run: ``fan_<metric>.png`` for each key metric of :data:`staffsim.charts.data.FAN_METRICS`.
For a comparison, also ``differences.png``, ``cumulative_cost.png`` and
``cost_waterfall.png`` (one waterfall per option after the first:
``cost_waterfall_<option>.png``). Each chart is written as PNG with an SVG beside it.

The cost charts draw the comparison's appraisal (:func:`comparison_appraisal`): the one
saved beside it by ``staffsim appraise`` when it is there and made from these results,
else :func:`staffsim.appraisal.appraise_comparison` of the results, so that a chart's NPV
is the NPV of ``appraisal.csv``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from staffsim.appraisal.appraise import (
    APPRAISAL_CSV,
    OPTIMISM_BIAS_PCT,
    Appraisal,
    appraise_comparison,
)
from staffsim.appraisal.costs import FINANCIAL
from staffsim.charts import data, style
from staffsim.results.results import ComparisonResults, Results, folder_name

__all__ = ["charts_available", "comparison_appraisal", "draw_standard_charts"]


def charts_available() -> bool:
    """Whether matplotlib (the ``plot`` extra) is installed."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _made_from(appraisal: Appraisal, results: ComparisonResults) -> bool:
    """Whether a saved appraisal is of these results: the same base, options, seed and
    replications, and each scenario's total cost over the run the same."""
    settings = appraisal.settings
    if (
        settings.get("base") != results.base
        or list(settings.get("options", [])) != list(results.options)
        or settings.get("seed") != results.manifest.get("seed")
        or settings.get("replications") != results.manifest.get("replications")
    ):
        return False
    costs = appraisal.costs[appraisal.costs["year_type"] == FINANCIAL]
    for label, res in results.results.items():
        monthly = res.monthly
        recorded = float(monthly.loc[monthly["metric"] == "total_cost_gbp", "value"].sum())
        saved = float(costs.loc[costs["scenario"] == label, "total_cost_gbp"].sum())
        if not math.isclose(recorded, saved, rel_tol=1e-9, abs_tol=1e-6):
            return False
    return True


def comparison_appraisal(results: ComparisonResults) -> Appraisal:
    """The appraisal of a comparison: the one saved beside it (``staffsim appraise``) if it
    is made from these results, else appraised now with the defaults.

    A saved appraisal without the cost components and running totals (written before they
    were) is appraised again with its own optimism bias, keeping its switching values and
    behavioural grid, which took re-runs to find; the result is not saved here."""
    if results.path is not None and (results.path / APPRAISAL_CSV).is_file():
        try:
            saved = Appraisal.load(results.path)
        except (OSError, ValueError, KeyError):
            saved = None
        if saved is not None and _made_from(saved, results):
            saved.comparison = results
            if not (saved.components.empty or saved.cumulative.empty):
                return saved
            again = appraise_comparison(
                results,
                optimism_bias_pct=float(saved.settings.get("optimism_bias_pct", OPTIMISM_BIAS_PCT)),
            )
            again.switching = saved.switching
            again.switching_grid = saved.switching_grid
            again.settings["behavioural_grid"] = saved.settings.get("behavioural_grid", {})
            return again
    return appraise_comparison(results)


def draw_standard_charts(
    results: Results | ComparisonResults,
    out_dir: str | os.PathLike[str],
    appraisal: Appraisal | None = None,
    on_skip: Callable[[str], None] | None = None,
) -> list[Path]:
    """Draw the standard charts of ``results`` into ``out_dir``; the files written (PNG
    and SVG), or none if matplotlib is not installed. Reads only the result tables; the
    cost charts draw ``appraisal`` (default :func:`comparison_appraisal`).

    A fan chart is skipped only when its table has no rows at all (no replication
    finished, or no 30 September census inside the horizon), and ``on_skip`` is told why; a
    key metric's column missing from results that have rows raises
    :class:`staffsim.charts.data.MissingColumnError`."""
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

    def save(figure: Any, name: str) -> None:
        try:
            written.extend(style.save_figure(figure, folder / name))
        finally:
            plt.close(figure)

    empty = data.empty_runs(runs)
    if len(empty) == len(runs):
        if on_skip is not None:
            on_skip(
                f"charts skipped: no replication of {', '.join(empty)} finished, so there "
                "is nothing to draw"
            )
        return written
    for metric, source in data.FAN_METRICS.items():
        series = data.fan_series(runs, metric)
        if series.empty:
            # only when the source table has no rows at all: a run shorter than the time
            # to its first 30 September has no census
            if on_skip is not None:
                on_skip(f"fan_{metric} skipped: the results have no {source.table} rows")
            continue
        ax = fan_chart(series, source.column, base=base, context=context, source=source.note)
        save(ax.figure, f"fan_{metric}")
    if isinstance(results, ComparisonResults):
        save(differences_chart(results.comparison, context=context), "differences")
        appraisal = appraisal if appraisal is not None else comparison_appraisal(results)
        for i, group in enumerate(style.option_groups(results.options)):
            name = "cumulative_cost" if i == 0 else f"cumulative_cost_{folder_name(group[0])}"
            shown = context if len(group) > 1 else context.for_option(group[0])
            ax = cumulative_cost_chart(appraisal, options=group, context=shown)
            save(ax.figure, name)
        for i, option in enumerate(results.options):
            name = "cost_waterfall" if i == 0 else f"cost_waterfall_{folder_name(option)}"
            ax = cost_waterfall_chart(
                appraisal, option, base=base, context=context.for_option(option)
            )
            save(ax.figure, name)
    return written

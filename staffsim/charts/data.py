"""From saved results to the tables the charts take.

The chart functions take plain tables; this module cuts them from a :class:`Results` or a
:class:`ComparisonResults` (saved or in memory), so the same charts can be drawn after a
run, or later from its folder, without simulating anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from staffsim.charts.style import ChartContext
from staffsim.results.results import ComparisonResults, Results

__all__ = ["FAN_METRICS", "FanSource", "chart_context", "fan_series", "scenario_results"]


@dataclass(frozen=True)
class FanSource:
    """Where a key metric's fan chart reads its values.

    ``table`` is ``monthly`` (month-end values, denser) where the monthly table holds the
    same quantity under ``column``, else ``annual`` (the 30 September census values).
    """

    metric: str
    table: Literal["monthly", "annual"]
    column: str
    note: str


FAN_METRICS: dict[str, FanSource] = {
    f.metric: f
    for f in (
        FanSource("vacancy_rate_fte", "monthly", "vacancy_fraction", "month ends"),
        FanSource("agency_rate_fte", "monthly", "agency_fraction", "month ends"),
        FanSource(
            "turnover_rate_fte",
            "annual",
            "turnover_rate_fte",
            "census on 30 September, for the year to it",
        ),
        FanSource("caseload_fte", "monthly", "caseload_mean", "month ends"),
        FanSource("cases_unallocated", "monthly", "cases_waiting", "month ends"),
        FanSource(
            "children_3plus_sw_pct",
            "annual",
            "children_3plus_sw_pct",
            "census on 30 September, for the year to it",
        ),
        FanSource(
            "total_cost_gbp",
            "annual",
            "total_cost_gbp",
            "census on 30 September, for the year to it",
        ),
    )
}
"""The key metrics drawn as fan charts (vacancy, agency, turnover, caseload, children
waiting, continuity, cost), each with its source; ``fan_<metric>.png`` is named after the
key."""


def scenario_results(results: Results | ComparisonResults) -> dict[str, Results]:
    """Each scenario's results by label (base first for a comparison)."""
    if isinstance(results, ComparisonResults):
        return dict(results.results)
    return {results.name: results}


def chart_context(results: Results | ComparisonResults) -> ChartContext:
    """The scenarios, start, years and replications a chart's title names."""
    runs = scenario_results(results)
    first = next(iter(runs.values()))
    scenario = first.scenario
    base = results.base if isinstance(results, ComparisonResults) else None
    return ChartContext(
        scenarios=tuple(runs),
        start_date=str(scenario["start_date"]),
        years=float(scenario["horizon_years"]),
        replications=min(len(r.replications) for r in runs.values()),
        base=base,
    )


def fan_series(runs: Mapping[str, Results], metric: str) -> pd.DataFrame:
    """The tidy series ``scenario, replication, date, value`` of a key metric (see
    :data:`FAN_METRICS`) for every scenario in ``runs``; values in the source column's
    stored unit."""
    source = FAN_METRICS[metric]
    frames = []
    for label, res in runs.items():
        if source.table == "monthly":
            monthly = res.monthly
            part = monthly[monthly["metric"] == source.column]
            frame = pd.DataFrame(
                {
                    "scenario": label,
                    "replication": part["replication"].to_numpy(),
                    "date": pd.to_datetime(part["period_end"]).to_numpy(),
                    "value": part["value"].to_numpy(dtype=float),
                }
            )
        else:
            annual = res.annual
            frame = pd.DataFrame(
                {
                    "scenario": label,
                    "replication": annual["replication"].to_numpy(),
                    "date": pd.to_datetime(annual["census_date"]).to_numpy(),
                    "value": annual[source.column].to_numpy(dtype=float),
                }
            )
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)

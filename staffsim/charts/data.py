"""From saved results to the tables the charts take.

The chart functions take plain tables; this module cuts them from a :class:`Results` or a
:class:`ComparisonResults` (saved or in memory), so the same charts can be drawn after a
run, or later from its folder, without simulating anything.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from staffsim import registry
from staffsim.charts.style import ChartContext
from staffsim.results.results import ComparisonResults, Results

__all__ = [
    "FAN_METRICS",
    "FanSource",
    "MissingColumnError",
    "chart_context",
    "empty_runs",
    "fan_series",
    "scenario_results",
]


class MissingColumnError(LookupError):
    """A fan chart's column is not in the results that should hold it: the registry and
    the chart's source disagree (a renamed column), or the results come from a version of
    staffsim that did not record it. Never skipped silently."""


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
key. Each source column is a registered column of its table (:mod:`staffsim.registry`)."""


def _registered(table: str) -> tuple[str, ...]:
    return registry.names(registry.MONTHLY if table == "monthly" else registry.ANNUAL)


def empty_runs(runs: Mapping[str, Results]) -> list[str]:
    """The labels of the runs with no replication's rows to draw (every replication
    failed, or none was run)."""
    return [label for label, res in runs.items() if res.monthly.empty and res.annual.empty]


def _missing(label: str, source: FanSource, present: Iterable[str]) -> MissingColumnError:
    known = sorted(set(present))
    close = difflib.get_close_matches(source.column, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    where = "registered" if source.column in _registered(source.table) else "not registered"
    return MissingColumnError(
        f"{label!r}: the {source.table} table has no {source.column!r} (the {source.metric} "
        f"fan chart's column, {where} in staffsim.registry){hint} Results made by another "
        "version of staffsim need re-running."
    )


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
    stored unit. A run without rows (:func:`empty_runs`) adds none; a run with rows that
    lack the column raises :class:`MissingColumnError`."""
    source = FAN_METRICS[metric]
    frames = []
    for label, res in runs.items():
        if source.table == "monthly":
            monthly = res.monthly
            if monthly.empty:
                continue
            part = monthly[monthly["metric"] == source.column]
            if part.empty:
                raise _missing(label, source, monthly["metric"].unique())
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
            if annual.empty:
                continue
            if source.column not in annual.columns:
                raise _missing(label, source, annual.columns)
            frame = pd.DataFrame(
                {
                    "scenario": label,
                    "replication": annual["replication"].to_numpy(),
                    "date": pd.to_datetime(annual["census_date"]).to_numpy(),
                    "value": annual[source.column].to_numpy(dtype=float),
                }
            )
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["scenario", "replication", "date", "value"])
    return pd.concat(frames, ignore_index=True)

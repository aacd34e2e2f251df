"""Loop diagnostics: how much of a run's outcome each feedback loop accounts for.

Each loop is a group of effects (:data:`staffsim.scenario.loops.LOOPS`, the one list that the
causal loop diagram also reads). The scenario is run as it is, with each
loop switched off in turn, and with every effect switched off, all on the same random
numbers. A loop's contribution to a metric is the full run's value minus the value with the
loop off (a paired difference over replications, with its 95% confidence interval); the
loops' total is the full run minus the run with every effect off. The loops interact, so
their contributions need not add up to the total; the table shows each beside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from staffsim.experiment.compare import compare_scenarios
from staffsim.experiment.options import RunOptions
from staffsim.results import io
from staffsim.scenario.loops import LOOPS
from staffsim.scenario.schema import Effects, Scenario

__all__ = ["EXPLAIN_METRICS", "LOOPS", "ExplainResult", "explain", "switch_off"]


EXPLAIN_METRICS = ("vacancy_rate_fte", "agency_rate_fte", "turnover_rate_fte")
"""The metrics whose change the diagnostics apportion."""

ALL_OFF = "all loops together"


def switch_off(scenario: Scenario, effects: Sequence[str]) -> Scenario:
    """``scenario`` with the named effects switched off (multiplier exactly 1)."""
    unknown = [name for name in effects if name not in Effects.model_fields]
    if unknown:
        raise ValueError(f"unknown effects: {unknown}")
    current = scenario.effects
    update = {name: getattr(current, name).off() for name in effects}
    return scenario.model_copy(update={"effects": current.model_copy(update=update)})


@dataclass
class ExplainResult:
    """Contributions of each loop (rows) to each metric, per period and over all years."""

    scenario: str
    table: pd.DataFrame

    def summary(self, period: str = "all") -> pd.DataFrame:
        """One row per loop, a column per metric: contribution over ``period``."""
        part = self.table[self.table.period == period]
        return part.pivot(index="loop", columns="metric", values="contribution").reindex(
            list(dict.fromkeys(part.loop))
        )

    def save(self, directory: str | Path) -> Path:
        """Write ``explain.csv`` (atomically) into ``directory``."""
        root = io.ensure_writable_dir(directory)
        io.write_csv(self.table, root / "explain.csv")
        return root


def explain(
    scenario: Scenario,
    *,
    loops: Mapping[str, Sequence[str]] = LOOPS,
    metrics: Sequence[str] = EXPLAIN_METRICS,
    run_options: RunOptions | None = None,
) -> ExplainResult:
    """Run ``scenario`` with each loop switched off in turn, on common random numbers."""
    labels = [*loops, ALL_OFF]
    options = [switch_off(scenario, effects) for effects in loops.values()]
    options.append(scenario.with_effects_off())
    comparison = compare_scenarios(
        scenario,
        options,
        run_options,
        labels=[scenario.name, *labels],
        metrics=list(metrics),
    )
    table = comparison.comparison
    total = table[table.option == ALL_OFF].set_index(["metric", "period"])
    rows = []
    for _, row in table.iterrows():
        loop_total = -total.loc[(row.metric, row.period), "diff"]
        contribution = -row["diff"]
        rows.append(
            {
                "loop": row.option,
                "effects": " ".join(loops.get(row.option, ("all",))),
                "metric": row.metric,
                "period": row.period,
                "with_loops": row.mean_base,
                "without_loop": row.mean_option,
                "contribution": contribution,
                "ci_low": -row.ci_high,
                "ci_high": -row.ci_low,
                "share_of_all_loops": contribution / loop_total if loop_total else float("nan"),
                "replications": row.replications,
            }
        )
    return ExplainResult(scenario.name, pd.DataFrame(rows))

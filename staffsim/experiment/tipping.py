"""The tipping point: where a lever turns a service from holding or recovering to declining.

A sweep of one lever (the starting vacancy, the admin share, demand, ...) over its
plausible range, each value run on the same random numbers. For each value the outcome is
the change in a metric (the vacancy rate by default) from the starting state to the mean
of the last ``final_years`` census snapshots, with a 95% confidence interval over
replications. A value *recovers* if the whole interval is below zero and *declines* if it
is above; in between it *holds*.

A tipping point is where, as the lever rises, the service starts to decline: the lower end
of the interval crosses zero upwards, from a value that holds or recovers to one that
declines. Its position is interpolated linearly between the two values either side. For a
starting-state lever, a downward crossing of the mean change (declining below, recovering
above) is a stable level the service returns to from either side, not a tipping point;
both are reported. If neither happens in the range, :class:`TippingResult` says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from staffsim.experiment.options import RunOptions
from staffsim.experiment.sweep import sweep_scenarios
from staffsim.model.run import build
from staffsim.results import io, stats
from staffsim.scenario.loader import load_scenario
from staffsim.scenario.overrides import Overrides
from staffsim.scenario.schema import Scenario
from staffsim.scenario.variants import override_scenario

__all__ = ["TippingResult", "find_tipping_point"]


@dataclass
class TippingResult:
    """The sweep's table and the crossings found in it."""

    lever: str
    metric: str
    table: pd.DataFrame
    tipping_points: list[float] = field(default_factory=list)
    stable_levels: list[float] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        """Whether a tipping point lies inside the swept range."""
        return bool(self.tipping_points)

    def describe(self) -> str:
        """A plain-words statement of what the sweep found."""
        lo, hi = self.table.value.min(), self.table.value.max()
        if self.tipping_points:
            where = ", ".join(f"{x:.4g}" for x in self.tipping_points)
            return (
                f"Tipping point in {self.lever} at about {where}: above it the service "
                f"declines ({self.metric} rises, its 95% interval above zero); below it the "
                f"service holds or recovers."
            )
        verdicts = set(self.table.verdict)
        text = f"No tipping point in {self.lever} between {lo:.4g} and {hi:.4g}"
        if self.stable_levels:
            where = ", ".join(f"{x:.4g}" for x in self.stable_levels)
            text += f": the service returns towards a stable level near {where} from either side"
        elif verdicts == {"recovers"}:
            text += ": the service recovers across the whole range"
        elif verdicts == {"declines"}:
            text += ": the service declines across the whole range"
        return text + "."

    def save(self, directory: str | Path) -> Path:
        """Write ``tipping.csv`` (atomically) into ``directory``."""
        root = io.ensure_writable_dir(directory)
        io.write_csv(self.table, root / "tipping.csv")
        return root


def _start_value(scenario: Scenario, metric: str) -> float:
    _, observer = build(scenario, 0)
    return observer.start_rates()[metric]


def _crossings(values: np.ndarray, mean: np.ndarray, upward: bool) -> list[float]:
    out = []
    for i in range(len(values) - 1):
        a, b = mean[i], mean[i + 1]
        if (upward and a <= 0 < b) or (not upward and a > 0 >= b):
            out.append(float(values[i] + (values[i + 1] - values[i]) * (-a) / (b - a)))
    return out


def find_tipping_point(
    scenario: Scenario | str | Path,
    lever: str,
    values: Sequence[Any],
    *,
    metric: str = "vacancy_rate_fte",
    final_years: int = 1,
    overrides: Overrides | None = None,
    run_options: RunOptions | None = None,
) -> TippingResult:
    """Sweep ``lever`` over ``values`` and locate where the service tips into decline.

    ``metric`` must be one the starting state defines: ``vacancy_rate_fte``,
    ``agency_rate_fte`` or ``caseload_fte``. The sweep's replications are kept in memory
    (``run_options.out_dir`` is not used).
    """
    run_options = (run_options or RunOptions()).replace(out_dir=None, resume=False)
    base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    base = override_scenario(base, overrides)
    values = sorted(values)
    # Each value checked as the lever's before anything runs, so a problem names the lever.
    point_scenarios = [override_scenario(base, {lever: v}, source="lever") for v in values]
    sweep = sweep_scenarios(base, {lever: list(values)}, run_options)
    annual = sweep.annual
    rows = []
    for point, value in enumerate(values):
        start = _start_value(point_scenarios[point], metric)
        part = annual[annual.point == point]
        last_periods = sorted(part.time_period.unique())[-final_years:]
        final = part[part.time_period.isin(last_periods)].groupby("replication")[metric].mean()
        change = final.to_numpy() - start
        interval = stats.t_interval(change)
        if interval.high < 0:
            verdict = "recovers"
        elif interval.low > 0:
            verdict = "declines"
        else:
            verdict = "holds"
        rows.append(
            {
                "lever": lever,
                "value": float(value),
                "metric": metric,
                "start": start,
                "final_mean": float(final.mean()),
                "change_mean": interval.mean,
                "change_ci_low": interval.low,
                "change_ci_high": interval.high,
                "replications": len(change),
                "verdict": verdict,
            }
        )
    table = pd.DataFrame(rows)
    xs = table.value.to_numpy()
    return TippingResult(
        lever=lever,
        metric=metric,
        table=table,
        tipping_points=_crossings(xs, table.change_ci_low.to_numpy(), upward=True),
        stable_levels=_crossings(xs, table.change_mean.to_numpy(), upward=False),
    )

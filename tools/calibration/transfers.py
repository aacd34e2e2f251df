"""Fit the one pathway rate no source publishes: cases' changes of team after assessment.

DfE publishes, for every council, the share of children looked after on 31 March who had
three or more social workers in the year to that date (27% in England in the year to 31
March 2024). In the model that share comes from three things: the move from assessment to a
long-term worker (its time is stated in Working Together), workers leaving (turnover,
fitted elsewhere), and changes of team after assessment, at a rate nobody publishes. This
module finds the rate at which the typical English council (``scenarios/england_2025.yaml``)
has the published share, by bisection on the rate with the replications' random numbers
held fixed (common random numbers), so that the simulated share moves smoothly with it.

The fit uses the national figure only. The relation across councils between the share and
turnover is left out of the fit, as the check that the mechanism is right
(``benchmarks/continuity_by_turnover.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from staffsim.data import cla_social_worker_stability
from staffsim.scenario.schema import Scenario

__all__ = [
    "TransferFit",
    "fit_transfer_rate",
    "published_cla_3plus_pct",
    "simulated_cla_3plus_pct",
]

Simulate = Callable[[Scenario, int], float]
"""(scenario, replications) -> mean simulated ``cla_3plus_sw_pct``."""


def published_cla_3plus_pct(year: int = 2024) -> float:
    """England's share (%) of children looked after on 31 March ``year`` with three or more
    social workers in the year to that date, from the shipped DfE file."""
    table = cla_social_worker_stability()
    rows = table[
        (table.geographic_level == "National")
        & (table.time_period == year)
        & (table.sw_stability == "3 or more social workers during the year")
    ]
    total = table[
        (table.geographic_level == "National")
        & (table.time_period == year)
        & (table.sw_stability == "Total children")
    ]
    return 100.0 * float(rows.number.iloc[0]) / float(total.number.iloc[0])


def simulated_cla_3plus_pct(scenario: Scenario, replications: int) -> float:
    """Mean over replications and over the census rows that have it of the simulated
    ``cla_3plus_sw_pct`` (the scenario's own seed, so every call shares random numbers)."""
    from staffsim.experiment.options import RunOptions
    from staffsim.experiment.runner import run_replications

    results = run_replications(scenario, RunOptions(replications=replications))
    values = results.annual["cla_3plus_sw_pct"].dropna()
    return float(values.mean())


@dataclass(frozen=True)
class TransferFit:
    """The fitted rate, the share it gives and the bisection's steps."""

    rate_per_year: float
    simulated_pct: float
    target_pct: float
    steps: tuple[tuple[float, float], ...]


def fit_transfer_rate(
    scenario: Scenario,
    target_pct: float,
    replications: int = 24,
    simulate: Simulate = simulated_cla_3plus_pct,
    low: float = 0.0,
    high: float = 3.0,
    iterations: int = 12,
) -> TransferFit:
    """The ``pathways.transfer_rate_per_year`` at which ``scenario`` has ``target_pct`` of
    children looked after with three or more workers, by bisection (rounded to 0.01)."""

    def share(rate: float) -> float:
        varied = scenario.model_copy(
            update={
                "pathways": scenario.pathways.model_copy(update={"transfer_rate_per_year": rate})
            }
        )
        return simulate(varied, replications)

    steps: list[tuple[float, float]] = []
    at_low = share(low)
    steps.append((low, at_low))
    if at_low >= target_pct:
        return TransferFit(low, at_low, target_pct, tuple(steps))
    at_high = share(high)
    steps.append((high, at_high))
    if at_high < target_pct:
        raise ValueError(
            f"even {high:g} transfers a year give {at_high:.1f}%, below the target "
            f"{target_pct:.1f}%"
        )
    for _ in range(iterations):
        mid = (low + high) / 2
        value = share(mid)
        steps.append((mid, value))
        if value < target_pct:
            low = mid
        else:
            high = mid
    rate = round((low + high) / 2, 2)
    final = share(rate)
    steps.append((rate, final))
    if not math.isfinite(final):
        raise ValueError("the scenario reports no cla_3plus_sw_pct (no looked-after case type?)")
    return TransferFit(rate, final, target_pct, tuple(steps))

"""Does a scenario hold its own start? The first simulated year against the stated start.

A scenario states a start (vacancies, agency cover, optionally the turnover of the year to
the start date) and behaviour (resignation hazard, applicants, agency availability). If the
behaviour does not fit the start, the service moves away from it in the first year, for
reasons that have nothing to do with any policy: a 120-post council at 20% vacancy built
from ``example_small.yaml`` falls to about 6% within a year. This module measures that
drift and says when it exceeds a tolerance:

* vacancy and agency rates (DfE definitions, percent) of the starting state, built as a
  run builds it, against the first 30 September snapshot;
* turnover: ``initial.turnover_rate_per_year`` (if the scenario states it) against the first
  year's turnover (only when that year is a whole year).

The drift is the mean over replications with a 95% t interval. Nothing here prints: the
report's :meth:`DriftReport.lines` are for the caller to show.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffsim.experiment.options import RunOptions
from staffsim.experiment.progress import ProgressCallback
from staffsim.experiment.runner import run_replications
from staffsim.model.run import build
from staffsim.results.stats import t_interval
from staffsim.scenario.schema import Scenario
from staffsim.scenario.variants import override_scenario

__all__ = [
    "DEFAULT_TOLERANCE_POINTS",
    "DRIFT_METRICS",
    "STEADY_REPLICATIONS",
    "Drift",
    "DriftReport",
    "check_steady",
    "drift_report",
]

DEFAULT_TOLERANCE_POINTS = 3.0
"""Percentage points the first year may move a rate from its start before a warning: about
the year-to-year change of a typical council's published vacancy and agency rates."""

STEADY_REPLICATIONS = 4
"""Replications of one year ``validate --check-steady`` runs by default."""

DRIFT_METRICS = ("vacancy_rate_fte", "agency_rate_fte", "turnover_rate_fte")
"""The rates checked, as named in ``annual.csv`` (percent)."""

_WHOLE_YEAR_DAYS = 360.0
_START_BUILDS = 3  # the starting state differs between replications only by part-time draws

_ADVICE = {
    ("vacancy_rate_fte", -1): "recruitment fills posts faster than staff leave at this start: "
    "lower recruitment.applicants_per_campaign (or raise attrition.resignation_rate_per_year) "
    "until the first year holds; `staffsim sweep` over either finds the value",
    ("vacancy_rate_fte", 1): "staff leave faster than recruitment fills posts at this start: "
    "raise recruitment.applicants_per_campaign (or lower attrition.resignation_rate_per_year) "
    "until the first year holds; `staffsim sweep` over either finds the value",
    ("agency_rate_fte", -1): "agency cover ends faster than it is found: raise "
    "agency.availability (or agency.extra_workers), or check the vacancies it covers",
    ("agency_rate_fte", 1): "agency cover is found faster than it ends: lower "
    "agency.availability (or agency.extra_workers), or check the vacancies it covers",
    ("turnover_rate_fte", -1): "staff leave more slowly than the stated turnover: raise "
    "attrition.resignation_rate_per_year",
    ("turnover_rate_fte", 1): "staff leave faster than the stated turnover: lower "
    "attrition.resignation_rate_per_year",
}

_LABEL = {
    "vacancy_rate_fte": "vacancy rate",
    "agency_rate_fte": "agency rate",
    "turnover_rate_fte": "turnover",
}


@dataclass(frozen=True)
class Drift:
    """One rate's move over the first simulated year (percent and percentage points)."""

    metric: str
    start: float
    first_year: float
    ci_low: float
    ci_high: float
    tolerance: float
    stated_by: str
    turnover_suggestion: float | None = None  # resignation hazard scaled to the stated turnover

    @property
    def drift(self) -> float:
        """First year minus start, percentage points."""
        return self.first_year - self.start

    @property
    def exceeded(self) -> bool:
        """Whether the mean drift is larger than the tolerance either way."""
        return abs(self.drift) > self.tolerance

    def advice(self) -> str:
        """What to change so that the scenario holds its start."""
        if self.turnover_suggestion is not None:
            return _ADVICE[(self.metric, int(np.sign(self.drift)))] + (
                f" (about {self.turnover_suggestion:.4g} per year, in proportion)"
            )
        return _ADVICE[(self.metric, int(np.sign(self.drift)))]

    def line(self) -> str:
        """One line: the rate, its start, the first year, the drift and its interval."""
        interval = (
            f" (95% CI {self.ci_low - self.start:+.1f} to {self.ci_high - self.start:+.1f})"
            if math.isfinite(self.ci_low)
            else ""
        )
        return (
            f"{_LABEL[self.metric]} {self.start:.1f}% at the start ({self.stated_by}), "
            f"{self.first_year:.1f}% after the first year: {self.drift:+.1f} points{interval}"
        )


@dataclass(frozen=True)
class DriftReport:
    """The drift of each rate over a scenario's first simulated year."""

    scenario: str
    census: str
    replications: int
    tolerance: float
    drifts: tuple[Drift, ...]
    unchecked: tuple[str, ...] = ()
    policies_in_first_year: int = 0

    @property
    def warnings(self) -> list[Drift]:
        """The rates that moved more than the tolerance."""
        return [d for d in self.drifts if d.exceeded]

    def warnings_text(self) -> list[str]:
        """A warning per rate that drifted, with its size and what to do (empty if none)."""
        out = []
        vacancy = next((d for d in self.warnings if d.metric == "vacancy_rate_fte"), None)
        for d in self.warnings:
            advice = d.advice()
            if d.metric == "agency_rate_fte" and vacancy and vacancy.drift * d.drift > 0:
                advice = (
                    "it follows the vacancies (a permanent hire releases the agency worker "
                    "covering the post): correct the vacancy drift first"
                )
            out.append(
                f"warning: {self.scenario} drifts from its start in the first year (to "
                f"{self.census}, {self.replications} replication"
                f"{'s' if self.replications != 1 else ''}): {d.line()}, more than the "
                f"{self.tolerance:g}-point tolerance. {advice[0].upper() + advice[1:]}."
            )
        if out and self.policies_in_first_year:
            out.append(
                f"note: {self.policies_in_first_year} polic"
                f"{'y takes' if self.policies_in_first_year == 1 else 'ies take'} effect in "
                "the first year; the drift includes what they do."
            )
        return out

    def lines(self) -> list[str]:
        """The whole report in words: the warnings, or one line saying the start holds,
        then what could not be checked."""
        out = self.warnings_text()
        if not out:
            held = "; ".join(d.line() for d in self.drifts)
            out.append(
                f"{self.scenario} holds its start within {self.tolerance:g} points in the "
                f"first year: {held}."
            )
        return out + [f"not checked: {u}" for u in self.unchecked]


def _start_rates(scenario: Scenario, replications: Sequence[int]) -> dict[str, float]:
    rates = [build(scenario, r)[1].start_rates() for r in list(replications)[:_START_BUILDS]]
    return {
        k: float(np.mean([r[k] for r in rates])) for k in ("vacancy_rate_fte", "agency_rate_fte")
    }


def drift_report(
    scenario: Scenario,
    annual: pd.DataFrame,
    tolerance: float = DEFAULT_TOLERANCE_POINTS,
) -> DriftReport | None:
    """The drift of the first 30 September snapshot in ``annual`` (the wide annual table of
    a run of ``scenario``) from the scenario's start; None if the run has no snapshot."""
    if annual.empty:
        return None
    first = annual[annual.time_period == annual.time_period.min()]
    reps = sorted(int(r) for r in first.replication)
    start = _start_rates(scenario, reps)
    stated = "the starting state"
    drifts = []
    unchecked = []
    for metric in DRIFT_METRICS:
        values = first[metric].astype(float).to_numpy()
        if metric == "turnover_rate_fte":
            stated_rate = scenario.initial.turnover_rate_per_year
            if stated_rate is None:
                unchecked.append("turnover (the scenario states no initial.turnover_rate_per_year)")
                continue
            if float(first.days_in_period.min()) < _WHOLE_YEAR_DAYS:
                unchecked.append("turnover (the first snapshot closes less than a year)")
                continue
            start_value, by = 100 * stated_rate, "initial.turnover_rate_per_year"
        else:
            start_value, by = start[metric], stated
        interval = t_interval(values)
        suggestion = None
        if metric == "turnover_rate_fte" and interval.mean > 0:
            suggestion = scenario.attrition.resignation_rate_per_year * start_value / interval.mean
        drifts.append(
            Drift(
                metric,
                start_value,
                interval.mean,
                interval.low,
                interval.high,
                tolerance,
                by,
                turnover_suggestion=suggestion,
            )
        )
    census = str(first.census_date.iloc[0])
    policies = sum(
        1
        for p in scenario.policies
        if scenario.start_date <= p.date <= dt.date.fromisoformat(census)
    )
    return DriftReport(
        scenario.name,
        census,
        len(reps),
        tolerance,
        tuple(drifts),
        tuple(unchecked),
        policies,
    )


def check_steady(
    scenario: Scenario,
    replications: int = STEADY_REPLICATIONS,
    tolerance: float = DEFAULT_TOLERANCE_POINTS,
    seed: int | None = None,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
) -> DriftReport | None:
    """Run ``replications`` of the scenario's first year and report its drift.

    The run covers the first year from the start date, so its snapshot is the first
    30 September (a whole year when the scenario starts on 1 October).
    """
    one_year = override_scenario(scenario, {"horizon_years": 1})
    options = RunOptions(replications=replications, seed=seed, jobs=jobs, progress=progress)
    results = run_replications(one_year, options)
    return drift_report(one_year, results.annual, tolerance)

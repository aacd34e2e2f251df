"""Demand: cases arriving, by type, with a duration each.

Arrivals are Poisson with a rate that may swing with the season and grow with a trend.
Each gap is a standard exponential draw divided by the rate at the current time; the rate
changes over months while gaps are minutes to hours, so this is the time-varying Poisson
process to within a negligible error, and it keeps the arrival draws identical across
scenarios (common random numbers). Type and duration are drawn when the case arrives.
"""

from __future__ import annotations

import bisect
import math

from staffsim.model.calendar import DAYS_PER_YEAR
from staffsim.model.caseload import Caseload
from staffsim.model.context import Context
from staffsim.model.engine import ScheduledCall, clock
from staffsim.model.entities import Case
from staffsim.model.sampling import Sampler, residual_sampler, sampler
from staffsim.scenario.schema import Demand, Scenario

__all__ = ["Arrivals", "arrival_rate_per_day", "open_initial_cases"]


def arrival_rate_per_day(in_force: Scenario, now: float) -> float:
    """Expected case arrivals a day at day offset ``now`` under the scenario ``in_force``."""
    d = in_force.demand
    rate = d.arrivals_per_day
    if d.trend_per_year:
        rate *= (1.0 + d.trend_per_year) ** (now / DAYS_PER_YEAR)
    if d.seasonality_amplitude:
        start = in_force.start_date
        # day of year of the middle of the peak month, relative to the start date
        peak = (d.seasonality_peak_month - 0.5) * DAYS_PER_YEAR / 12
        doy = (start.timetuple().tm_yday - 1 + now) % DAYS_PER_YEAR
        rate *= 1.0 + d.seasonality_amplitude * math.cos(2 * math.pi * (doy - peak) / DAYS_PER_YEAR)
    return rate


class _TypeDraws:
    """Case types and durations under the scenario in force; rebuilt when demand changes."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.demand: Demand | None = None
        self.refresh()

    def refresh(self) -> None:
        demand = self.ctx.in_force.demand
        if demand == self.demand:
            return
        self.demand = demand
        streams = self.ctx.streams
        self.names = list(demand.case_types)
        types = list(demand.case_types.values())
        self.weights = [t.weight for t in types]
        self.hours = [t.direct_hours_per_week for t in types]
        cumulative: list[float] = []
        total = 0.0
        for t in types:
            total += t.share
            cumulative.append(total)
        cumulative[-1] = 1.0
        self.cumulative = cumulative
        self.last = len(cumulative) - 1
        self.durations: list[Sampler] = [
            sampler(t.duration, streams[f"demand.duration.{name}"])
            for name, t in demand.case_types.items()
        ]

    def kind(self, u: float) -> int:
        return min(bisect.bisect_right(self.cumulative, u), self.last)


class Arrivals:
    """The arrival process: one new case at each Poisson arrival.

    Written as a chain of scheduled calls rather than a generator process, because it runs
    once per case and a process costs about twice as much per event.
    """

    def __init__(self, ctx: Context, caseload: Caseload) -> None:
        self.ctx = ctx
        self.env = ctx.env
        self.caseload = caseload
        self.gaps = ctx.streams.exponential("demand.arrivals")
        self.kinds = ctx.streams.uniform("demand.case_type")
        self.draws = _TypeDraws(ctx)
        self.case_id = 0
        self.refresh()

    def start(self) -> None:
        """Schedule the first arrival."""
        self._next()

    def refresh(self) -> None:
        """Follow the demand in force (after a policy changes it)."""
        self.draws.refresh()
        demand = self.ctx.in_force.demand
        # a constant rate is read once; a varying one at every arrival
        self.constant = not (demand.seasonality_amplitude or demand.trend_per_year)
        self.rate = arrival_rate_per_day(self.ctx.in_force, self.env.now)

    def _next(self) -> None:
        if not self.constant:
            self.rate = arrival_rate_per_day(self.ctx.in_force, self.env.now)
        if self.rate <= 0:
            ScheduledCall(self.env, 1.0, self._idle, None)
            return
        ScheduledCall(self.env, self.gaps() / self.rate, self._arrive, None)

    def _idle(self, event: ScheduledCall) -> None:
        self._next()

    def _arrive(self, event: ScheduledCall) -> None:
        now = clock(self.env)
        self.case_id += 1
        draws = self.draws
        k = min(bisect.bisect_right(draws.cumulative, self.kinds()), draws.last)
        case = Case(self.case_id, k, draws.weights[k], draws.hours[k], now)
        case.duration = draws.durations[k]()
        self.caseload.place_new(case, now)
        self._next()


def open_initial_cases(ctx: Context, caseload: Caseload) -> None:
    """The cases open on the start date, with remaining durations from the equilibrium law.

    Types are split in proportion to arrival share x mean duration (their shares of open
    cases in equilibrium); each case has already been open for an unknown time, so its
    remaining duration is drawn from the residual distribution.
    """
    d = ctx.in_force.demand
    n_total = ctx.in_force.initial.open_cases
    if n_total is None:
        n_total = round(d.arrivals_per_day * d.mean_duration_days)
    names = list(d.case_types)
    weights = [t.share * t.duration.mean for t in d.case_types.values()]
    total = sum(weights) or 1.0
    rng = ctx.streams["initial.cases"]
    counts = rng.multinomial(n_total, [w / total for w in weights]) if n_total else [0] * len(names)
    cases: list[Case] = []
    for k, (name, count) in enumerate(zip(names, counts, strict=False)):
        ctype = d.case_types[name]
        remaining = residual_sampler(ctype.duration, ctx.streams[f"initial.cases.{name}"])
        for _ in range(int(count)):
            case = Case(-1 - len(cases), k, ctype.weight, ctype.direct_hours_per_week, 0.0)
            case.duration = remaining()
            cases.append(case)
    # allocate in random order, so that any cases the workforce cannot hold are of mixed types
    for i in rng.permutation(len(cases)):
        caseload.place_new(cases[i], 0.0)
    caseload.n_arrived = 0  # arrivals count cases that arrive during the run

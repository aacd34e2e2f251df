"""Attrition: each employee's hazard of leaving, and notice periods.

Each employee carries an exponential(1) "clock" drawn when they start. Their hazard
h(t) (per day) is recomputed at every review (and whenever something that drives it
changes); between reviews it is constant, and they resign when the integrated hazard
reaches their clock. So the leaving time is exact in continuous time for a piecewise
constant hazard, a constant hazard gives exactly exponential tenure, and an employee in
post at the start needs no special treatment: accruing hazard from their tenure so far
draws their remaining tenure conditional on it.

hazard = resignation_rate x product of effect multipliers + retirement_rate.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from simpy.events import Event

from staffsim.model.calendar import DAYS_PER_YEAR
from staffsim.model.caseload import Caseload
from staffsim.model.context import Context
from staffsim.model.engine import ScheduledCall, payload
from staffsim.model.entities import Worker
from staffsim.model.interfaces import SpiralLoops, WorkforceReactions
from staffsim.model.staff import Staff

__all__ = ["Attrition"]


class Attrition:
    """Employees' leaving hazards, their clocks, notices and the periodic reviews."""

    def __init__(
        self,
        ctx: Context,
        caseload: Caseload,
        staff: Staff,
        spiral: SpiralLoops,
        reactions: WorkforceReactions,
    ) -> None:
        self.ctx = ctx
        self.caseload = caseload
        self.staff = staff
        self.spiral = spiral
        self.reactions = reactions
        self.next_review = ctx.scenario.attrition.review_interval_days
        """Day of the next review (hazards are constant until then)."""
        self._clock_draws = ctx.streams.exponential("attrition.clock")
        self._reason_draws = ctx.streams.uniform("attrition.reason")

    def resignation_multiplier(self, worker: Worker, now: float) -> float:
        """Product of the effect multipliers on ``worker``'s resignation hazard at ``now``."""
        eff = self.ctx.in_force.effects
        tenure_years = worker.tenure_days(now) / DAYS_PER_YEAR
        m = (
            eff.pressure_on_resignation(self.caseload.pressure_of(worker))
            * eff.tenure_on_resignation(tenure_years)
            * eff.pay_on_resignation(self.ctx.pay_ratio())
        )
        return m * self.spiral.resignation_multiplier(worker, now)

    def hazard_per_day(self, worker: Worker, now: float) -> tuple[float, float]:
        """(resignation, retirement) hazards of ``worker`` at ``now``, per day."""
        a = self.ctx.in_force.attrition
        resign = a.resignation_rate_per_year * self.resignation_multiplier(worker, now)
        return resign / DAYS_PER_YEAR, a.retirement_rate_per_year / DAYS_PER_YEAR

    def start_clock(self, worker: Worker, now: float) -> None:
        """Draw a new employee's clock and schedule their leaving if it falls before the
        review."""
        worker.clock_remaining = self._clock_draws()
        worker.clock_last = now
        worker.clock_hazard = 0.0
        self.update_clock(worker, now)

    def update_clock(self, worker: Worker, now: float) -> None:
        """Accrue hazard up to ``now``, recompute it, and schedule a resignation due before
        the next review (any earlier schedule is cancelled)."""
        if not worker.active or worker.notice_day is not None:
            return
        worker.clock_remaining -= worker.clock_hazard * (now - worker.clock_last)
        worker.clock_last = now
        resign, retire = self.hazard_per_day(worker, now)
        worker.clock_hazard = resign + retire
        worker.clock_token += 1
        if worker.clock_hazard <= 0:
            return
        delay = max(worker.clock_remaining, 0.0) / worker.clock_hazard
        if now + delay <= self.next_review:
            self.ctx.schedule(delay, self._on_clock, (worker, worker.clock_token, retire))

    def _on_clock(self, event: ScheduledCall) -> None:
        worker, token, retire = payload(event)
        if token != worker.clock_token or not worker.active or worker.notice_day is not None:
            return
        now = self.ctx.env.now
        worker.clock_remaining -= worker.clock_hazard * (now - worker.clock_last)
        worker.clock_last = now
        u = self._reason_draws()
        reason = "retired" if u * worker.clock_hazard < retire else "resigned"
        self.give_notice(worker, now, reason)

    def give_notice(self, worker: Worker, now: float, reason: str) -> None:
        """``worker`` gives notice; they leave when it has been worked."""
        worker.notice_day = now
        worker.clock_token += 1
        self.ctx.flows["notices_given"] += 1
        self.ctx.log("notice", worker=worker.id, post=worker.post.id, reason=reason)  # type: ignore[union-attr]
        notice = self.ctx.draw("attrition.notice")
        self.ctx.schedule(notice, self._on_notice_served, (worker, reason))
        self.reactions.on_notice(worker, now)

    def _on_notice_served(self, event: ScheduledCall) -> None:
        worker, reason = payload(event)
        self.staff.employee_leaves(worker, self.ctx.env.now, reason)

    def reviews(self) -> Generator[Event, Any, None]:
        """The review process: bring the spiral and every employee's hazard up to date at
        each review interval."""
        env = self.ctx.env
        interval = self.ctx.in_force.attrition.review_interval_days
        while True:
            yield env.timeout(interval)
            interval = self.ctx.in_force.attrition.review_interval_days
            self.next_review = env.now + interval
            now = env.now
            self.spiral.review(now, self.next_review)
            for worker in list(self.staff.employees.values()):
                self.update_clock(worker, now)

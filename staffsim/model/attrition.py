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

from simpy.events import Timeout

from staffsim.model.entities import Worker
from staffsim.model.service import DAYS_PER_YEAR, Service

__all__ = ["hazard_per_day", "resignation_multiplier", "reviews", "start_clock", "update_clock"]


def resignation_multiplier(svc: Service, worker: Worker, now: float) -> float:
    """Product of the effect multipliers on ``worker``'s resignation hazard at ``now``."""
    eff = svc.p.effects
    tenure_years = worker.tenure_days(now) / DAYS_PER_YEAR
    m = (
        eff.pressure_on_resignation(svc.pressure_of(worker))
        * eff.tenure_on_resignation(tenure_years)
        * eff.pay_on_resignation(svc.pay_ratio())
    )
    return m * svc.extra_resignation_multiplier(worker, now)


def hazard_per_day(svc: Service, worker: Worker, now: float) -> tuple[float, float]:
    """(resignation, retirement) hazards of ``worker`` at ``now``, per day."""
    a = svc.p.attrition
    resign = a.resignation_rate_per_year * resignation_multiplier(svc, worker, now)
    return resign / DAYS_PER_YEAR, a.retirement_rate_per_year / DAYS_PER_YEAR


def start_clock(svc: Service, worker: Worker, now: float) -> None:
    """Draw a new employee's clock and schedule their leaving if it falls before the review."""
    worker.clock_remaining = svc.clock_draws()
    worker.clock_last = now
    worker.clock_hazard = 0.0
    update_clock(svc, worker, now)


def update_clock(svc: Service, worker: Worker, now: float) -> None:
    """Accrue hazard up to ``now``, recompute it, and schedule a resignation due before the
    next review (any earlier schedule is cancelled)."""
    if not worker.active or worker.notice_day is not None:
        return
    worker.clock_remaining -= worker.clock_hazard * (now - worker.clock_last)
    worker.clock_last = now
    resign, retire = hazard_per_day(svc, worker, now)
    worker.clock_hazard = resign + retire
    worker.clock_token += 1
    if worker.clock_hazard <= 0:
        return
    delay = max(worker.clock_remaining, 0.0) / worker.clock_hazard
    if now + delay <= svc.next_review:
        svc.schedule(delay, _on_clock, (svc, worker, worker.clock_token, retire))


def _on_clock(event: Timeout) -> None:
    svc, worker, token, retire = event.value
    if token != worker.clock_token or not worker.active or worker.notice_day is not None:
        return
    now = svc.env.now
    worker.clock_remaining -= worker.clock_hazard * (now - worker.clock_last)
    worker.clock_last = now
    u = svc.uniforms["attrition.reason"]()
    reason = "retired" if u * worker.clock_hazard < retire else "resigned"
    give_notice(svc, worker, now, reason)


def give_notice(svc: Service, worker: Worker, now: float, reason: str) -> None:
    """``worker`` gives notice; they leave when it has been worked."""
    worker.notice_day = now
    worker.clock_token += 1
    svc.flows["notices_given"] += 1
    svc.log("notice", worker=worker.id, post=worker.post.id, reason=reason)
    notice = svc.draw("attrition.notice")
    svc.schedule(notice, _on_notice_served, (svc, worker, reason))
    svc.hooks.on_notice(worker, now)


def _on_notice_served(event: Timeout) -> None:
    svc, worker, reason = event.value
    svc.employee_leaves(worker, svc.env.now, reason)


def reviews(svc: Service):
    """Bring every employee's hazard up to date at each review interval."""
    env = svc.env
    interval = svc.p.attrition.review_interval_days
    while True:
        yield env.timeout(interval)
        interval = svc.p.attrition.review_interval_days
        svc.next_review = env.now + interval
        now = env.now
        svc.before_review(now)
        for worker in list(svc.employees.values()):
            update_clock(svc, worker, now)

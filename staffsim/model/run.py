"""One replication as a pure function: ``run_one(scenario, replication) -> RunRecord``.

The phases are explicit (wire the mechanisms, build the initial state, start the
processes, run, collect), the result is plain data (:class:`~staffsim.registry.RunRecord`:
lists of rows and numbers) and the function has no globals, so it can be pickled to worker
processes and its records tabulated by the layers above.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Generator
from typing import Any

import simpy
from simpy.events import Event

from staffsim.model.calendar import Calendar
from staffsim.model.demand import open_initial_cases
from staffsim.model.engine import events_processed, urgent_timeout
from staffsim.model.observe import Observer
from staffsim.model.policies import policy_process
from staffsim.model.service import Service, Trace
from staffsim.model.workforce import open_initial_workforce
from staffsim.registry import RunRecord
from staffsim.scenario.schema import Scenario
from staffsim.scenario.timeline import policy_timeline
from staffsim.streams import RandomStreams

__all__ = ["build", "run_one"]


def build(
    scenario: Scenario,
    replication: int = 0,
    seed: int | None = None,
    trace: Trace | None = None,
    *,
    spiral: bool = True,
) -> tuple[Service, Observer]:
    """Build a service in its initial state with every process started, ready to run.

    ``spiral=False`` builds it without the spiral's loops (every multiplier 1, no incidents
    or inspections, no ``spiral`` columns).
    """
    streams = RandomStreams(scenario.seed if seed is None else seed, replication)
    steps = policy_timeline(scenario)
    at_start = [s for s in steps if s.day <= 0]
    in_force = at_start[-1].scenario if at_start else scenario
    svc = Service(scenario, streams, trace, in_force=in_force, spiral=spiral)
    for step in at_start:
        for policy in step.policies:
            svc.ctx.flows["policy_cost_gbp"] += policy.cost_gbp_one_off
    svc.arrivals.start()
    open_initial_workforce(svc)
    open_initial_cases(svc.ctx, svc.caseload)
    svc.agency.open_extra_searches()
    svc.spiral.start(svc.attrition.next_review)
    svc.agency.update_price(0.0)
    observer = Observer(svc.ctx, svc.caseload, svc.staff, svc.spiral)
    env = svc.env
    env.process(_observe(env, svc.ctx.calendar, observer))
    env.process(svc.attrition.reviews())
    nq = svc.ctx.in_force.recruitment.newly_qualified
    env.process(svc.recruitment.newly_qualified_cohorts(svc.ctx.calendar.yearly(nq.month, nq.day)))
    later = [s for s in steps if s.day > 0]
    if later:
        env.process(policy_process(svc, later))
    return svc, observer


def _observe(
    env: simpy.Environment, calendar: Calendar, observer: Observer
) -> Generator[Event, Any, None]:
    marks: list[tuple[float, int, dt.date]] = [
        (day, 0, date) for day, date in calendar.month_ends()
    ]
    marks += [(day, 1, date) for day, date in calendar.snapshots()]
    observer.pending = sorted(marks)
    while observer.pending:
        day, kind, date = observer.pending[0]
        if day > env.now:
            # processed before any other event due at the same instant, so that a period's
            # row shows the state at its end, before a policy dated the next day acts
            yield urgent_timeout(env, day - env.now)
        observer.pending.pop(0)
        if kind == 0:
            observer.record_month(date)
        else:
            observer.record_snapshot(date)


def _observe_end(observer: Observer, horizon_days: float) -> None:
    """Record the marks that fall on the last instant, which ``env.run(until=...)`` leaves
    unprocessed."""
    for day, kind, date in observer.pending:
        if day <= horizon_days:
            if kind == 0:
                observer.record_month(date)
            else:
                observer.record_snapshot(date)
    observer.pending = []


def run_one(
    scenario: Scenario,
    replication: int = 0,
    seed: int | None = None,
    trace: Trace | None = None,
    *,
    spiral: bool = True,
) -> RunRecord:
    """Run one replication of ``scenario`` and return its record.

    ``seed`` replaces the scenario's; ``trace(day, kind, fields)`` receives each event of
    the log; ``spiral=False`` runs the model without the spiral's loops.
    """
    started = time.perf_counter()
    # A run allocates hundreds of thousands of short-lived cases and events while tens of
    # thousands of objects stay alive; the default collector thresholds would traverse those
    # every few hundred allocations and cost a quarter of the run.
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        svc, observer = build(scenario, replication, seed, trace, spiral=spiral)
        horizon_days = svc.ctx.calendar.horizon_days
        svc.env.run(until=horizon_days)
        _observe_end(observer, horizon_days)
    finally:
        gc.set_threshold(*thresholds)
    return {
        "replication": replication,
        "seed": scenario.seed if seed is None else seed,
        "monthly": observer.monthly,
        "annual": observer.annual,
        "events": events_processed(svc.env),
        "cases_arrived": svc.caseload.n_arrived,
        "wall_seconds": time.perf_counter() - started,
    }

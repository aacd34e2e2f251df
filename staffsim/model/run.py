"""One replication as a pure function: ``run_one(scenario, replication) -> records``.

The phases are explicit (build the initial state, start the processes, run, collect), the
result is plain data (lists of dicts and numbers) and the function has no globals, so it
can be pickled to worker processes and its records tabulated by the layers above.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from simpy.core import URGENT
from simpy.events import Event

from staffsim.model import agency, attrition, demand, recruitment
from staffsim.model.observe import Observer
from staffsim.model.policies import policy_process
from staffsim.model.service import Service, Trace
from staffsim.model.workforce import WorkforceHooks, open_initial_workforce
from staffsim.scenario.schema import Scenario
from staffsim.scenario.timeline import policy_timeline
from staffsim.streams import RandomStreams

__all__ = ["build", "run_one"]


def build(
    scenario: Scenario, replication: int = 0, seed: int | None = None, trace: Trace | None = None
) -> tuple[Service, Observer]:
    """Build a service in its initial state with every process started, ready to run."""
    streams = RandomStreams(scenario.seed if seed is None else seed, replication)
    steps = policy_timeline(scenario)
    svc = Service(scenario, streams, trace=trace)
    at_start = [s for s in steps if s.day <= 0]
    if at_start:
        svc.p = at_start[-1].scenario
        svc.refresh_samplers()
        for step in at_start:
            for policy in step.policies:
                svc.flows["policy_cost_gbp"] += policy.cost_gbp_one_off
    svc.hooks = WorkforceHooks(svc)
    svc.attach_spiral()
    env = svc.env
    demand.Arrivals(svc)
    open_initial_workforce(svc)
    demand.open_initial_cases(svc)
    agency.open_extra_searches(svc)
    if svc.spiral is not None:
        svc.spiral.start()
    svc.update_agency_price(0.0)
    observer = Observer(svc)
    env.process(_observe(svc, observer))
    env.process(attrition.reviews(svc))
    env.process(recruitment.newly_qualified_cohorts(svc, _cohort_days(svc)))
    later = [s for s in steps if s.day > 0]
    if later:
        env.process(policy_process(svc, later))
    return svc, observer


def _cohort_days(svc: Service) -> list[float]:
    nq = svc.p.recruitment.newly_qualified
    return svc.calendar.yearly(nq.month, nq.day)


def _observe(svc: Service, observer: Observer):
    env = svc.env
    marks = [(day, 0, date) for day, date in svc.calendar.month_ends()]
    marks += [(day, 1, date) for day, date in svc.calendar.snapshots()]
    observer.pending = sorted(marks)
    while observer.pending:
        day, kind, date = observer.pending[0]
        if day > env.now:
            yield _before_others(env, day - env.now)
        observer.pending.pop(0)
        if kind == 0:
            observer.record_month(date)
        else:
            observer.record_snapshot(date)


def _before_others(env, delay: float) -> Event:
    """A timeout processed before any other event due at the same instant, so that a
    period's row shows the state at its end, before a policy dated the next day acts."""
    event = Event(env)
    event._ok = True
    event._value = None
    env.schedule(event, URGENT, delay)
    return event


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
    scenario: Scenario, replication: int = 0, seed: int | None = None, trace: Trace | None = None
) -> dict[str, Any]:
    """Run one replication of ``scenario`` and return its records.

    Returns a dict with ``monthly`` and ``annual`` (lists of row dicts), ``replication``,
    ``seed``, ``events`` (SimPy events processed), ``cases_arrived`` and ``wall_seconds``.
    """
    started = time.perf_counter()
    # A run allocates hundreds of thousands of short-lived cases and events while tens of
    # thousands of objects stay alive; the default collector thresholds would traverse those
    # every few hundred allocations and cost a quarter of the run.
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        svc, observer = build(scenario, replication, seed, trace)
        svc.env.run(until=svc.calendar.horizon_days)
        _observe_end(observer, svc.calendar.horizon_days)
    finally:
        gc.set_threshold(*thresholds)
    queue_left = len(svc.env._queue)  # scheduled but not processed
    events = next(svc.env._eid) - queue_left
    return {
        "replication": replication,
        "seed": scenario.seed if seed is None else seed,
        "monthly": observer.monthly,
        "annual": observer.annual,
        "events": events,
        "cases_arrived": svc.n_arrived,
        "wall_seconds": time.perf_counter() - started,
    }

"""Policies: on each date of the scenario's timeline the scenario in force changes.

The timeline is computed and validated in the scenario layer; here each step puts its
scenario in force and makes the state follow: posts added or cut, caps and capacities
recomputed, agency searches opened or stopped, samplers rebuilt for changed distributions.
Parameters read when they are used (rates, effects, prices) need nothing more.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from simpy.events import Event

from staffsim.model.entities import CASE_HOLDING, NON_CASE_HOLDING
from staffsim.model.service import Service
from staffsim.scenario.timeline import PolicyStep

__all__ = ["apply_step", "policy_process"]


def apply_step(svc: Service, step: PolicyStep) -> None:
    """Put ``step.scenario`` in force now and bring the state into line with it."""
    ctx = svc.ctx
    old, new = ctx.in_force, step.scenario
    now = ctx.env.now
    ctx.put_in_force(new)
    svc.arrivals.refresh()
    for policy in step.policies:
        ctx.flows["policy_cost_gbp"] += policy.cost_gbp_one_off
        ctx.log("policy", name=policy.name)
    for role, attr in (
        (CASE_HOLDING, "case_holding_posts"),
        (NON_CASE_HOLDING, "non_case_holding_posts"),
    ):
        change = getattr(new.establishment, attr) - getattr(old.establishment, attr)
        if change > 0:
            for post in svc.staff.add_posts(role, change):
                svc.recruitment.open_campaign(post)
                svc.agency.open_search(post)
        elif change < 0:
            svc.staff.remove_posts(role, -change)
    if (
        new.caseload != old.caseload
        or new.capacity != old.capacity
        or (new.recruitment.ramp_up_cap_fraction != old.recruitment.ramp_up_cap_fraction)
    ):
        svc.caseload.refresh_all_holders(now)
    if new.agency != old.agency or new.costs != old.costs:
        svc.agency.update_price(now)
    if new.agency != old.agency:
        if new.agency.cover_vacancies:
            for post in svc.staff.posts:
                svc.agency.open_search(post)
        svc.agency.open_extra_searches()
    if new.effects != old.effects or new.attrition != old.attrition or new.costs != old.costs:
        for worker in list(svc.staff.employees.values()):
            svc.attrition.update_clock(worker, now)
    svc.spiral.policy_changed(old, new)


def policy_process(svc: Service, steps: list[PolicyStep]) -> Generator[Event, Any, None]:
    """Apply each step of the timeline on its day."""
    env = svc.env
    for step in steps:
        if step.day > env.now:
            yield env.timeout(step.day - env.now)
        apply_step(svc, step)

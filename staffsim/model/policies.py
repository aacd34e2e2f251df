"""Policies: on each date of the scenario's timeline the parameters in force change.

The timeline is computed and validated in the scenario layer; here each step swaps the
scenario in force and makes the state follow: posts added or cut, caps and capacities
recomputed, agency searches opened or stopped, samplers rebuilt for changed distributions.
Parameters read when they are used (rates, effects, prices) need nothing more.
"""

from __future__ import annotations

from staffsim.model import agency, attrition, recruitment
from staffsim.model.entities import CASE_HOLDING, NON_CASE_HOLDING
from staffsim.model.service import Service
from staffsim.model.workforce import add_posts, remove_posts
from staffsim.scenario.timeline import PolicyStep

__all__ = ["apply_step", "policy_process"]


def apply_step(svc: Service, step: PolicyStep) -> None:
    """Put ``step.scenario`` in force now and bring the state into line with it."""
    old, new = svc.p, step.scenario
    now = svc.env.now
    svc.p = new
    svc.refresh_samplers()
    svc.refresh_demand()
    for policy in step.policies:
        svc.flows["policy_cost_gbp"] += policy.cost_gbp_one_off
        svc.log("policy", name=policy.name)
    for role, attr in (
        (CASE_HOLDING, "case_holding_posts"),
        (NON_CASE_HOLDING, "non_case_holding_posts"),
    ):
        change = getattr(new.establishment, attr) - getattr(old.establishment, attr)
        if change > 0:
            for post in add_posts(svc, role, change):
                recruitment.open_campaign(svc, post)
                agency.open_search(svc, post)
        elif change < 0:
            remove_posts(svc, role, -change)
    if (
        new.caseload != old.caseload
        or new.capacity != old.capacity
        or (new.recruitment.ramp_up_cap_fraction != old.recruitment.ramp_up_cap_fraction)
    ):
        svc.refresh_all_holders(now)
    if new.agency != old.agency or new.costs != old.costs:
        svc.update_agency_price(now)
    if new.agency != old.agency:
        if new.agency.cover_vacancies:
            for post in svc.posts:
                agency.open_search(svc, post)
        agency.open_extra_searches(svc)
    if new.effects != old.effects or new.attrition != old.attrition or new.costs != old.costs:
        for worker in list(svc.employees.values()):
            attrition.update_clock(svc, worker, now)
    svc.spiral_policy_changed(old, new)


def policy_process(svc: Service, steps: list[PolicyStep]):
    """Apply each step of the timeline on its day."""
    env = svc.env
    for step in steps:
        if step.day > env.now:
            yield env.timeout(step.day - env.now)
        apply_step(svc, step)

"""The policy timeline: the scenario in force on each date.

Each policy's ``set`` paths are applied, in date order, on top of the scenario before it,
and the result is validated like a scenario file, so a policy can never put the model in a
state a file could not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from staffsim.scenario.paths import set_path
from staffsim.scenario.schema import Policy, Scenario

__all__ = ["PolicyStep", "policy_timeline"]


@dataclass(frozen=True)
class PolicyStep:
    """From ``day`` (days after the start date) on, ``scenario`` is in force."""

    day: float
    date: dt.date
    policies: tuple[Policy, ...]
    scenario: Scenario


def policy_timeline(scenario: Scenario) -> list[PolicyStep]:
    """The scenario after each policy date that falls inside the run, in date order.

    Policies dated before the start date are applied at the start (day 0); policies dated
    on or after the end date are ignored. Raises ``ValueError`` if a policy's values do not
    validate.
    """
    policies = sorted(scenario.policies, key=lambda p: p.date)
    base = scenario.model_dump(mode="python", exclude={"policies"})
    steps: list[PolicyStep] = []
    current = base
    by_date: dict[dt.date, list[Policy]] = {}
    for policy in policies:
        effective = max(policy.date, scenario.start_date)
        if effective >= scenario.end_date:
            continue
        by_date.setdefault(effective, []).append(policy)
    for date, group in sorted(by_date.items()):
        for policy in group:
            for path, value in policy.set.items():
                current = set_path(current, path, value)
        validated = Scenario.model_validate({**current, "policies": scenario.policies})
        steps.append(
            PolicyStep(
                day=float((date - scenario.start_date).days),
                date=date,
                policies=tuple(group),
                scenario=validated,
            )
        )
    return steps

"""What every mechanism of one replication shares: the clock, the scenario in force, the
random streams and duration samplers, the flow counters and the trace.

The context holds no mechanism's state; each mechanism (:mod:`~staffsim.model.caseload`,
:mod:`~staffsim.model.staff`, :mod:`~staffsim.model.attrition`, ...) keeps its own and
receives the context at construction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy

from staffsim.model.calendar import Calendar
from staffsim.model.engine import ScheduledCall
from staffsim.model.sampling import Sampler, sampler
from staffsim.registry import FLOWS
from staffsim.scenario.schema import Scenario
from staffsim.streams import RandomStreams

__all__ = ["Context", "Trace"]

Trace = Callable[[float, str, dict[str, Any]], None]
"""``trace(day, kind, fields)``: called on each workforce event, incident, inspection and
policy."""


class Context:
    """The clock, parameters, randomness and counters one replication's mechanisms share.

    Parameters
    ----------
    scenario:
        The validated scenario, as given (its ``policies`` listed, not applied).
    streams:
        The replication's random streams.
    trace:
        Optional ``trace(day, kind, fields)`` for event logs in tests and diagnostics;
        ``None`` costs nothing.
    in_force:
        The scenario in force at the start (``scenario`` with the policies dated on or
        before the start date applied); ``scenario`` itself if omitted.
    """

    def __init__(
        self,
        scenario: Scenario,
        streams: RandomStreams,
        trace: Trace | None = None,
        in_force: Scenario | None = None,
    ) -> None:
        self.scenario = scenario
        self.in_force: Scenario = scenario if in_force is None else in_force
        """The scenario in force now: ``scenario`` with every policy dated on or before
        today applied (the scenario layer's policy timeline works each one out). Every
        mechanism reads its parameters here, when it uses them; :meth:`put_in_force`
        changes it on a policy's date."""
        self.streams = streams
        self.trace = trace
        self.env = simpy.Environment()
        self.calendar = Calendar(scenario.start_date, scenario.end_date)
        self.flows: dict[str, float] = dict.fromkeys(FLOWS, 0.0)
        """Cumulative flow counters (:data:`staffsim.registry.FLOWS`)."""
        self.samplers: dict[str, Sampler] = {}
        self.refresh_samplers()

    def put_in_force(self, scenario: Scenario) -> None:
        """Make ``scenario`` the one in force now (a policy's date) and rebuild the samplers
        of the distributions it changes."""
        self.in_force = scenario
        self.refresh_samplers()

    def refresh_samplers(self) -> None:
        """(Re)build the duration samplers from the scenario in force, one stream each; a
        sampler whose distribution is unchanged keeps its place in its stream."""
        p, s = self.in_force, self.streams
        specs = {
            "workforce.experience": p.workforce.experience_at_hire_days,
            "attrition.notice": p.attrition.notice_days,
            "recruitment.campaign": p.recruitment.campaign_days,
            "recruitment.starter_notice": p.recruitment.starter_notice_days,
            "agency.search": p.agency.search_days,
            "agency.assignment": p.agency.assignment_days,
        }
        for name, dist in specs.items():
            old = self.samplers.get(name)
            if old is None or old.dist != dist:
                new = sampler(dist, s[name])
                new.dist = dist
                self.samplers[name] = new

    def draw(self, name: str) -> float:
        """Next duration in days from sampler ``name``."""
        return self.samplers[name]()

    def schedule(self, delay: float, callback: Callable[[ScheduledCall], None], value: Any) -> None:
        """Call ``callback(event)`` after ``delay`` days, with ``event.value == value``."""
        ScheduledCall(self.env, delay, callback, value)

    def log(self, kind: str, **fields: Any) -> None:
        """Send an event to the trace, if one is attached."""
        if self.trace is not None:
            self.trace(self.env.now, kind, fields)

    def pay_ratio(self) -> float:
        """Employed pay (salary + retention supplement) over the market salary, in force."""
        c = self.in_force.costs
        return (c.salary_gbp_per_year + c.retention_supplement_gbp_per_year) / (
            c.market_salary_gbp_per_year
        )

"""One replication's simulated service: the shared context and every mechanism, wired.

:class:`Service` builds each mechanism once, handing it what it needs, and is the one
object that knows which mechanism follows which: it implements the
:class:`~staffsim.model.interfaces.WorkforceReactions` the workforce primitives call (a
starter gets an attrition clock, a vacated post a campaign and an agency search) and the
:class:`~staffsim.model.interfaces.LoopReactions` the spiral calls. Nothing is replaced
after construction.

Where each mechanism's state lives:

* :attr:`Service.ctx` (:mod:`~staffsim.model.context`): the clock, the scenario in force,
  random streams, samplers, flow counters, trace;
* :attr:`Service.caseload` (:mod:`~staffsim.model.caseload`): cases, case holders,
  allocation, the waiting list, capacity;
* :attr:`Service.staff` (:mod:`~staffsim.model.staff`): posts, employees, agency workers,
  post counts and FTE integrals;
* :attr:`Service.spiral` (:mod:`~staffsim.model.spiral`): supervision, quality, incidents,
  culture, inspections, reputation (a :class:`~staffsim.model.spiral.NoSpiral` when off);
* :attr:`Service.attrition`, :attr:`Service.recruitment`, :attr:`Service.agency`,
  :attr:`Service.arrivals`: hazards and notices, campaigns and cohorts, agency searches
  and price, case arrivals.
"""

from __future__ import annotations

from staffsim.model.agency import Agency
from staffsim.model.attrition import Attrition
from staffsim.model.calendar import DAYS_PER_YEAR
from staffsim.model.caseload import Caseload
from staffsim.model.context import Context, Trace
from staffsim.model.demand import Arrivals
from staffsim.model.entities import Post, Worker
from staffsim.model.interfaces import SpiralLoops
from staffsim.model.recruitment import Recruitment
from staffsim.model.spiral import NoSpiral, Spiral
from staffsim.model.staff import Staff
from staffsim.scenario.schema import Scenario
from staffsim.streams import RandomStreams

__all__ = ["DAYS_PER_YEAR", "Service", "Trace"]


class Service:
    """One replication's service, every mechanism built and connected.

    Parameters
    ----------
    scenario:
        The validated scenario, as given.
    streams:
        The replication's random streams.
    trace:
        Optional ``trace(day, kind, fields)`` called on each workforce event, incident,
        inspection and policy; ``None`` costs nothing.
    in_force:
        The scenario in force on the start date (``scenario`` with the policies dated on or
        before it applied); ``scenario`` if omitted.
    spiral:
        ``False`` builds the service without the spiral's loops (a do-nothing
        :class:`~staffsim.model.spiral.NoSpiral`).
    """

    def __init__(
        self,
        scenario: Scenario,
        streams: RandomStreams,
        trace: Trace | None = None,
        *,
        in_force: Scenario | None = None,
        spiral: bool = True,
    ) -> None:
        self.ctx = Context(scenario, streams, trace, in_force)
        self.env = self.ctx.env
        self.caseload = Caseload(self.ctx)
        self.staff = Staff(self.ctx, self.caseload, reactions=self)
        self.spiral: SpiralLoops = (
            Spiral(self.ctx, self.caseload, self.staff, reactions=self) if spiral else NoSpiral()
        )
        self.agency = Agency(self.ctx, self.staff, self.spiral)
        self.recruitment = Recruitment(self.ctx, self.staff, self.spiral)
        self.attrition = Attrition(self.ctx, self.caseload, self.staff, self.spiral, self)
        self.arrivals = Arrivals(self.ctx, self.caseload)

    # ------------------------------------------------------------ workforce reactions
    def on_employee_start(self, worker: Worker, now: float) -> None:
        """A starter's leaving clock starts."""
        self.attrition.start_clock(worker, now)

    def on_notice(self, worker: Worker, now: float) -> None:
        """Recruitment opens at notice, if the scenario says so."""
        if self.ctx.in_force.recruitment.open_at == "notice":
            self.recruitment.open_campaign(worker.post)  # type: ignore[arg-type]

    def on_post_vacated(self, post: Post, now: float) -> None:
        """A cut post goes; a starter already hired starts; otherwise recruit and cover."""
        if post.removed:
            self.staff.drop_post(post)
            return
        if post.pending_starter:
            self.staff.start_employee(post, now)
            return
        self.recruitment.open_campaign(post)
        self.agency.open_search(post)

    def on_agency_end(self, worker: Worker, post: Post | None, now: float, reason: str) -> None:
        """An agency worker whose assignment ended is replaced by a new search; a cut post
        left empty goes."""
        if post is None:
            if reason == "assignment_end":
                self.agency.open_extra_searches()
        elif post.removed and post.employee is None:
            self.staff.drop_post(post)
        elif reason == "assignment_end":
            self.agency.open_search(post)

    # ----------------------------------------------------------------- loop reactions
    def refresh_hazard(self, worker: Worker, now: float) -> None:
        """Recompute ``worker``'s leaving hazard (blame began or ended in their team)."""
        self.attrition.update_clock(worker, now)

    def refresh_agency_price(self, now: float) -> None:
        """Recompute the agency price (the reputation moved)."""
        self.agency.update_price(now)

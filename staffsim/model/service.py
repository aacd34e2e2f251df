"""The state of one simulated service and the primitives every process uses.

:class:`Service` owns the SimPy environment, the posts, workers and cases, the allocation
heap and the waiting list, and the running totals that the observers read. The processes
(demand, attrition, recruitment, agency cover, policies, observation) live in their own
modules and act through the methods here, so that each bookkeeping rule is written once.

Allocation rule: a case goes to the case holder whose caseload is lowest relative to their
own cap; if that holder has no room for the case's weight, the case waits, first come first
served, until room is made (a closure, a starter, a higher cap). Reallocated cases of a
leaver that find no room go to the front of the queue.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from typing import Any

import simpy
from simpy.events import NORMAL, Event, Timeout

from staffsim.model.calendar import Calendar
from staffsim.model.entities import CASE_HOLDING, Case, Post, Worker
from staffsim.model.sampling import Sampler, sampler
from staffsim.scenario.schema import Scenario
from staffsim.streams import RandomStreams

__all__ = ["Service"]

WEEKS_PER_YEAR = 365.25 / 7
DAYS_PER_YEAR = 365.25

Trace = Callable[[float, str, dict[str, Any]], None]


class Service:
    """One replication's simulated service.

    Parameters
    ----------
    scenario:
        The validated scenario (its policies are applied by :mod:`staffsim.model.policies`).
    streams:
        The replication's random streams.
    trace:
        Optional ``trace(day, kind, fields)`` called on each workforce event, incident,
        inspection and policy (for event logs in tests and diagnostics); ``None`` costs
        nothing.
    """

    def __init__(self, scenario: Scenario, streams: RandomStreams, trace: Trace | None = None):
        self.scenario = scenario
        self.p = scenario
        self.streams = streams
        self.trace = trace
        self.env = simpy.Environment()
        self.calendar = Calendar(scenario.start_date, scenario.end_date)
        self.posts: list[Post] = []
        self.employees: dict[int, Worker] = {}
        self.agency: dict[int, Worker] = {}
        self.holders: dict[int, Worker] = {}
        self._heap: list[tuple[float, int, Worker]] = []
        self._seq = 0
        self._next_worker_id = 0
        self.waiting: deque[Case] = deque()
        self._new_waiting: deque[Case] = deque()  # never-allocated waiting cases, by arrival
        self._step_down_due = False
        self.n_waiting = 0
        self.total_need_hours = 0.0
        self.total_avail_hours = 0.0
        self.extra_admin_share = 0.0
        self.agency_price_multiplier = 1.0
        self.spiral = None
        self.next_review = scenario.attrition.review_interval_days
        self.extra_agency_target = scenario.agency.extra_workers
        self.extra_agency_searching = 0
        # counts kept current on every change
        self.n_posts = 0
        self.n_vacant = 0
        self.n_uncovered = 0
        self.employed_fte = 0.0
        self.agency_fte = 0.0
        self.open_cases = 0
        # integrals over time, brought up to date by touch_posts / touch_cases
        self._t_posts = 0.0
        self.vacant_post_days = 0.0
        self.uncovered_post_days = 0.0
        self.employed_fte_days = 0.0
        self.agency_fte_days = 0.0
        self.agency_price_fte_days = 0.0
        # integrals of open and waiting cases: each change of a count by d at time t adds
        # -d * t, so integral(0, now) = sum + count * now, with no work between changes
        self._open_time_sum = 0.0
        self._waiting_time_sum = 0.0
        # cumulative flows; observers difference them at period ends
        self.flows: dict[str, float] = dict.fromkeys(FLOW_NAMES, 0.0)
        self.n_arrived = 0
        self.n_closed = 0
        self.n_first_allocated = 0
        self.n_waited = 0
        self.wait_days_total = 0.0
        self.n_sw_changes = 0
        self.closed_recent: list[Case] = []
        self.samplers: dict[str, Sampler] = {}
        self.uniforms = {
            name: streams.uniform(name)
            for name in ("workforce.fte", "attrition.reason", "recruitment.outcome", "agency.found")
        }
        self.clock_draws = streams.exponential("attrition.clock")
        self.refresh_samplers()

    # ----------------------------------------------------------------------------- helpers
    def refresh_samplers(self) -> None:
        """(Re)build the duration samplers from the scenario in force, one stream each."""
        p, s = self.p, self.streams
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
            if old is None or getattr(old, "dist", None) != dist:
                new = sampler(dist, s[name])
                new.dist = dist
                self.samplers[name] = new

    def draw(self, name: str) -> float:
        """Next duration in days from sampler ``name``."""
        return self.samplers[name]()

    def schedule(self, delay: float, callback: Callable[[Timeout], None], value: Any) -> None:
        """Call ``callback(event)`` after ``delay`` days, with ``event.value == value``.

        A bare scheduled call costs a fraction of a process, which matters for the hundreds
        of thousands of case closures in a run.
        """
        _Call(self.env, delay, callback, value)

    def log(self, kind: str, **fields: Any) -> None:
        """Send an event to the trace, if one is attached."""
        if self.trace is not None:
            self.trace(self.env.now, kind, fields)

    def new_worker_id(self) -> int:
        self._next_worker_id += 1
        return self._next_worker_id

    # ------------------------------------------------------------------------- integrals
    def touch_posts(self, now: float) -> None:
        """Bring the post and FTE integrals up to ``now`` before a count changes."""
        dt = now - self._t_posts
        if dt > 0:
            self.vacant_post_days += self.n_vacant * dt
            self.uncovered_post_days += self.n_uncovered * dt
            self.employed_fte_days += self.employed_fte * dt
            self.agency_fte_days += self.agency_fte * dt
            self.agency_price_fte_days += self.agency_fte * self.agency_price_multiplier * dt
            self._t_posts = now

    @property
    def case_days(self) -> float:
        """Integral of open cases over time from the start to now (case-days)."""
        return self._open_time_sum + self.open_cases * self.env.now

    @property
    def waiting_case_days(self) -> float:
        """Integral of waiting cases over time from the start to now (case-days)."""
        return self._waiting_time_sum + self.n_waiting * self.env.now

    # -------------------------------------------------------------------------- capacity
    def admin_share(self) -> float:
        """Share of contracted time going to administration now (with any defensive extra)."""
        return min(0.95, self.p.capacity.admin_share + self.extra_admin_share)

    def available_hours(self, worker: Worker) -> float:
        """Direct-work hours a week ``worker`` has after admin, absence, training, supervision."""
        cap = self.p.capacity
        contracted = worker.fte * cap.contracted_hours_per_week
        training = worker.fte * cap.training_days_per_year * cap.contracted_hours_per_week / 5
        supervision = cap.supervision_hours_per_month * 12
        hours = (
            contracted * (1.0 - self.admin_share() - cap.absence_rate)
            - (training + supervision) / WEEKS_PER_YEAR
        )
        return max(hours, 0.01 * contracted)

    def cap_units(self, worker: Worker, now: float) -> float:
        """Caseload units ``worker`` may hold now."""
        cl = self.p.caseload
        cap = cl.cap_per_fte * worker.fte
        if worker.nq_until > now:
            cap *= cl.newly_qualified_cap_fraction
        if worker.ramp_until > now:
            cap *= self.p.recruitment.ramp_up_cap_fraction
        return cap

    def service_pressure(self) -> float:
        """Direct-work hours the allocated cases need over the hours case holders have."""
        if self.total_avail_hours <= 0:
            return 0.0
        return self.total_need_hours / self.total_avail_hours

    def pressure_of(self, worker: Worker) -> float:
        """A case holder's own pressure; the service's for roles that hold no cases."""
        if worker.holds_cases and worker.avail_hours > 0:
            return worker.need_hours / worker.avail_hours
        return self.service_pressure()

    # ------------------------------------------------------------------------ allocation
    def _push(self, worker: Worker) -> None:
        self._seq += 1
        worker.heap_seq = self._seq
        if worker.cap > 0:
            heapq.heappush(self._heap, (worker.load / worker.cap, self._seq, worker))
        if len(self._heap) > 4 * len(self.holders) + 256:
            self._rebuild_heap()

    def _rebuild_heap(self) -> None:
        entries = []
        for worker in self.holders.values():
            self._seq += 1
            worker.heap_seq = self._seq
            if worker.cap > 0:
                entries.append((worker.load / worker.cap, self._seq, worker))
        heapq.heapify(entries)
        self._heap = entries

    def allocate(self, case: Case, now: float) -> bool:
        """Give ``case`` to the least-loaded case holder if it fits under their cap."""
        heap = self._heap
        while heap:
            _, seq, worker = heap[0]
            if worker.heap_seq != seq:
                heapq.heappop(heap)
                continue
            load = worker.load + case.weight
            if load > worker.cap + 1e-9:
                return False
            worker.cases[case] = None
            worker.load = load
            hours = case.hours
            worker.need_hours += hours
            self.total_need_hours += hours
            case.worker = worker
            case.alloc_days.append(now)
            seq = self._seq = self._seq + 1
            worker.heap_seq = seq
            heapq.heapreplace(heap, (load / worker.cap, seq, worker))
            return True
        return False

    def _release(self, case: Case) -> Worker:
        worker = case.worker
        del worker.cases[case]
        worker.load -= case.weight
        worker.need_hours -= case.hours
        self.total_need_hours -= case.hours
        case.worker = None
        return worker

    def place_new(self, case: Case, now: float) -> None:
        """An arriving case: allocate it, or queue it behind those already waiting."""
        self._open_time_sum -= now
        self.open_cases += 1
        self.n_arrived += 1
        if not self.waiting and self.allocate(case, now):
            self._first_allocated(case, now)
        else:
            self.waiting.append(case)
            self.n_waiting += 1
            self._waiting_time_sum -= now
            limit = self.p.demand.step_down_after_days
            if limit is not None:
                self._new_waiting.append(case)
                if not self._step_down_due:
                    self._step_down_due = True
                    self.schedule(limit, self._on_step_down, None)

    def _on_step_down(self, event: Timeout) -> None:
        """Step down the new cases that have waited their limit without a social worker.

        New cases join the waiting list in arrival order, so those due are always at the
        front: one scheduled call serves them all, rather than one event per case.
        """
        self._step_down_due = False
        limit = self.p.demand.step_down_after_days
        queue = self._new_waiting
        if limit is None:
            queue.clear()
            return
        now = self.env.now
        while queue:
            case = queue[0]
            if case.closed or case.alloc_days:
                queue.popleft()
                continue
            due = case.arrive_day + limit
            if due > now + 1e-9:
                self._step_down_due = True
                self.schedule(due - now, self._on_step_down, None)
                return
            queue.popleft()
            case.closed = True  # the waiting list drops it lazily
            case.close_day = now
            self.open_cases -= 1
            self._open_time_sum += now
            self.n_waiting -= 1
            self._waiting_time_sum += now
            self.flows["cases_stepped_down"] += 1

    def _first_allocated(self, case: Case, now: float) -> None:
        waited = now - case.arrive_day
        self.n_first_allocated += 1
        if waited > 0:
            self.n_waited += 1
            self.wait_days_total += waited
        _Call(self.env, case.duration, self._on_close, case)

    def _on_close(self, event: Timeout) -> None:
        case: Case = event._value
        now = self.env._now
        self.open_cases -= 1
        self._open_time_sum += now
        self.n_closed += 1
        case.closed = True
        case.close_day = now
        worker = case.worker
        if worker is None:
            self.n_waiting -= 1  # closed while waiting again after its worker left
            self._waiting_time_sum += now
        else:
            del worker.cases[case]
            worker.load -= case.weight
            worker.need_hours -= case.hours
            self.total_need_hours -= case.hours
            case.worker = None
            if worker.active:
                self._push(worker)
        self.closed_recent.append(case)
        if self.waiting:
            self.drain(now)

    def drain(self, now: float) -> None:
        """Allocate waiting cases, first come first served, while the head one fits."""
        waiting = self.waiting
        while waiting:
            case = waiting[0]
            if case.closed:
                waiting.popleft()
                continue
            if not self.allocate(case, now):
                return
            waiting.popleft()
            self.n_waiting -= 1
            self._waiting_time_sum += now
            if len(case.alloc_days) == 1:
                # first allocation: the case's duration starts now
                self.n_first_allocated += 1
                waited = now - case.arrive_day
                if waited > 0:
                    self.n_waited += 1
                    self.wait_days_total += waited
                _Call(self.env, case.duration, self._on_close, case)
            else:
                self.n_sw_changes += 1

    # ---------------------------------------------------------------------- case holders
    def add_holder(self, worker: Worker, now: float) -> None:
        """Make ``worker`` available to hold cases and allocate waiting cases to them."""
        worker.cap = self.cap_units(worker, now)
        worker.avail_hours = self.available_hours(worker)
        self.total_avail_hours += worker.avail_hours
        self.holders[worker.id] = worker
        self._push(worker)
        if self.waiting:
            self.drain(now)

    def remove_holder(self, worker: Worker, now: float) -> None:
        """Take ``worker`` off the rota and reallocate each of their cases (a change each)."""
        self.holders.pop(worker.id, None)
        worker.heap_seq = -1
        self.total_avail_hours -= worker.avail_hours
        moving = list(worker.cases)
        for case in moving:
            self._release(case)
        worker.load = 0.0
        worker.need_hours = 0.0
        requeue = []
        for case in moving:
            if self.allocate(case, now):
                self.n_sw_changes += 1
            else:
                requeue.append(case)
        if requeue:
            self.n_waiting += len(requeue)
            self._waiting_time_sum -= len(requeue) * now
            self.waiting.extendleft(reversed(requeue))

    def refresh_holder(self, worker: Worker, now: float) -> None:
        """Recompute a holder's cap and capacity (ramp-up or ASYE ended, policy changed)."""
        if not worker.active or worker.id not in self.holders:
            return
        self.total_avail_hours -= worker.avail_hours
        worker.avail_hours = self.available_hours(worker)
        self.total_avail_hours += worker.avail_hours
        worker.cap = self.cap_units(worker, now)
        self._push(worker)
        if self.waiting:
            self.drain(now)

    def refresh_all_holders(self, now: float) -> None:
        """Recompute every holder's cap and capacity, then allocate what now fits."""
        total = 0.0
        for worker in self.holders.values():
            worker.avail_hours = self.available_hours(worker)
            worker.cap = self.cap_units(worker, now)
            total += worker.avail_hours
        self.total_avail_hours = total
        self._rebuild_heap()
        if self.waiting:
            self.drain(now)

    def _refresh_callback(self, event: Timeout) -> None:
        self.refresh_holder(event.value, self.env.now)

    # --------------------------------------------------------------------------- workers
    def draw_fte(self) -> float:
        """An employee's FTE: part time with the scenario's probability."""
        wf = self.p.workforce
        return wf.part_time_fte if self.uniforms["workforce.fte"]() < wf.part_time_share else 1.0

    def _count_post(self, post: Post, sign: int) -> None:
        """Add (+1) or remove (-1) ``post``'s contribution to the vacancy counts."""
        if post.employee is None:
            self.n_vacant += sign
            if post.agency is None:
                self.n_uncovered += sign

    def start_employee(
        self,
        post: Post,
        now: float,
        *,
        newly_qualified: bool = False,
        tenure_at_start_days: float = 0.0,
        ramp: bool = True,
        starter: bool = True,
    ) -> Worker:
        """Put a new employee in ``post`` (vacant); a covering agency worker is released."""
        self.touch_posts(now)
        self._count_post(post, -1)
        experience = 0.0 if newly_qualified else self.draw("workforce.experience")
        worker = Worker(
            self.new_worker_id(),
            is_agency=False,
            holds_cases=post.role == CASE_HOLDING,
            post=post,
            fte=self.draw_fte(),
            start_day=now,
            experience_start_days=experience,
            tenure_at_start_days=tenure_at_start_days,
        )
        post.employee = worker
        post.vacant_since = None
        post.pending_starter = False
        self._count_post(post, +1)
        self.employees[worker.id] = worker
        self.employed_fte += worker.fte
        if starter:
            flows = self.flows
            flows["starters_headcount"] += 1
            flows["starters_fte"] += worker.fte
            if newly_qualified:
                flows["newly_qualified_starters"] += 1
        if newly_qualified:
            nq_days = self.p.caseload.newly_qualified_days - tenure_at_start_days
            if nq_days > 0:
                worker.nq_until = now + nq_days
                self.schedule(nq_days, self._refresh_callback, worker)
        ramp_days = self.p.recruitment.ramp_up_days
        if ramp and ramp_days > 0:
            worker.ramp_until = now + ramp_days
            self.schedule(ramp_days, self._refresh_callback, worker)
        if worker.holds_cases:
            self.add_holder(worker, now)
        self.log(
            "start", worker=worker.id, post=post.id, fte=worker.fte, newly_qualified=newly_qualified
        )
        if post.agency is not None:
            self.end_agency(post.agency, now, "released")
        self.hooks.on_employee_start(worker, now)
        return worker

    def employee_leaves(self, worker: Worker, now: float, reason: str) -> None:
        """``worker`` leaves their post; their cases are reallocated and the post is refilled."""
        if not worker.active:
            return
        self.touch_posts(now)
        worker.active = False
        del self.employees[worker.id]
        self.employed_fte -= worker.fte
        flows = self.flows
        flows["leavers_headcount"] += 1
        flows["leavers_fte"] += worker.fte
        flows[f"leavers_{reason}"] += 1
        post = worker.post
        self._count_post(post, -1)
        post.employee = None
        post.vacant_since = now
        self._count_post(post, +1)
        self.log("leave", worker=worker.id, post=post.id, reason=reason)
        if worker.holds_cases:
            self.remove_holder(worker, now)
        self.hooks.on_post_vacated(post, now)

    def start_agency(self, post: Post | None, now: float, remaining_days: float | None = None):
        """An agency worker starts, covering ``post`` (vacant) or, with ``None``, extra work."""
        self.touch_posts(now)
        holds = post is None or post.role == CASE_HOLDING
        worker = Worker(
            self.new_worker_id(),
            is_agency=True,
            holds_cases=holds,
            post=post,
            fte=1.0,
            start_day=now,
            experience_start_days=self.draw("workforce.experience"),
        )
        if post is not None:
            self._count_post(post, -1)
            post.agency = worker
            self._count_post(post, +1)
        self.agency[worker.id] = worker
        self.agency_fte += worker.fte
        self.flows["agency_starts"] += 1
        stay = self.draw("agency.assignment") if remaining_days is None else remaining_days
        self.schedule(stay, self._on_assignment_end, worker)
        if holds:
            self.add_holder(worker, now)
        self.log("agency_start", worker=worker.id, post=None if post is None else post.id)
        return worker

    def _on_assignment_end(self, event: Timeout) -> None:
        self.end_agency(event.value, self.env.now, "assignment_end")

    def end_agency(self, worker: Worker, now: float, reason: str) -> None:
        """An agency worker goes: assignment over, or released by a permanent starter."""
        if not worker.active:
            return
        self.touch_posts(now)
        worker.active = False
        del self.agency[worker.id]
        self.agency_fte -= worker.fte
        self.flows["agency_ends"] += 1
        post = worker.post
        if post is not None:
            self._count_post(post, -1)
            post.agency = None
            self._count_post(post, +1)
        self.log(
            "agency_end", worker=worker.id, post=None if post is None else post.id, reason=reason
        )
        if worker.holds_cases:
            self.remove_holder(worker, now)
        self.hooks.on_agency_end(worker, post, now, reason)

    # ------------------------------------------------------------------------- effects
    def attach_spiral(self) -> None:
        """Connect the spiral's loops (supervision, quality, incidents, inspections)."""
        from staffsim.model.spiral import Spiral

        self.spiral = Spiral(self)

    def extra_resignation_multiplier(self, worker: Worker, now: float) -> float:
        """Multiplier on ``worker``'s resignation hazard from the spiral's loops (1 = none)."""
        spiral = self.spiral
        return 1.0 if spiral is None else spiral.resignation_multiplier(worker, now)

    def applicant_multiplier(self) -> float:
        """Multiplier on applicants per campaign from the spiral's loops (1 = none)."""
        return 1.0 if self.spiral is None else self.spiral.applicant_multiplier()

    def agency_market_day_rate(self) -> float:
        """The day rate agencies ask now (GBP/day): the scenario's rate, moved by reputation."""
        rate = self.p.costs.agency_day_rate_gbp
        return rate if self.spiral is None else rate * self.spiral.agency_market_multiplier()

    def update_agency_price(self, now: float) -> None:
        """Set the price paid for agency time (the market rate, or the cap if lower)."""
        market = self.agency_market_day_rate()
        cap = self.p.agency.price_cap_gbp_per_day
        paid = market if cap is None else min(market, cap)
        base = self.p.costs.agency_day_rate_gbp
        multiplier = paid / base if base > 0 else 1.0
        if multiplier != self.agency_price_multiplier:
            self.touch_posts(now)
            self.agency_price_multiplier = multiplier

    def agency_availability_multiplier(self) -> float:
        """Multiplier on the chance an agency search succeeds: reputation and any price cap."""
        m = 1.0 if self.spiral is None else self.spiral.agency_availability_multiplier()
        cap = self.p.agency.price_cap_gbp_per_day
        if cap is not None:
            market = self.agency_market_day_rate()
            if market > 0 and cap < market:
                m *= self.p.effects.price_cap_on_agency_availability(cap / market)
        return m

    def spiral_cumulative(self) -> dict[str, float]:
        """Cumulative counters of the spiral's loops (for the observers)."""
        return {} if self.spiral is None else self.spiral.cumulative()

    def spiral_month_row(self, flows: dict[str, float]) -> dict[str, float]:
        """The spiral's monthly metrics."""
        return {} if self.spiral is None else self.spiral.month_row(flows)

    def spiral_snapshot_row(self, flows: dict[str, float]) -> dict:
        """The spiral's metrics at a 30 September snapshot."""
        if self.spiral is None:
            return {}
        row = self.spiral.snapshot_row()
        row["incidents"] = flows["incidents"]
        row["inspections"] = flows["inspections"]
        return row

    def spiral_policy_changed(self, old: Scenario, new: Scenario) -> None:
        """Let the spiral's loops follow a policy change."""
        if self.spiral is not None:
            self.spiral.policy_changed(old, new)

    def before_review(self, now: float) -> None:
        """Bring the spiral up to date before hazards are recomputed at a review."""
        if self.spiral is not None:
            self.spiral.review(now, self.next_review)

    def refresh_demand(self) -> None:
        """Rebuild case-type draws after a policy; replaced by the arrival process."""

    def pay_ratio(self) -> float:
        """Employed pay (salary + retention supplement) over the market salary."""
        c = self.p.costs
        return (c.salary_gbp_per_year + c.retention_supplement_gbp_per_year) / (
            c.market_salary_gbp_per_year
        )


class _Call(Event):
    """A scheduled call: after ``delay`` days, ``callback(event)`` with ``event.value``.

    It is a SimPy event, processed in the environment's order like any other, without the
    checks and the callback list a general timeout sets up.
    """

    def __init__(self, env: simpy.Environment, delay: float, callback, value: Any) -> None:
        self.env = env
        self.callbacks = [callback]
        self._value = value
        self._ok = True
        env.schedule(self, NORMAL, delay)


class Hooks:
    """What happens next when the workforce changes; the processes fill these in."""

    def on_employee_start(self, worker: Worker, now: float) -> None:
        """Called after an employee starts."""

    def on_post_vacated(self, post: Post, now: float) -> None:
        """Called after an employee leaves ``post``."""

    def on_notice(self, worker: Worker, now: float) -> None:
        """Called after an employee gives notice."""

    def on_agency_end(self, worker: Worker, post: Post | None, now: float, reason: str) -> None:
        """Called after an agency worker goes."""


Service.hooks = Hooks()

FLOW_NAMES = (
    "starters_headcount",
    "starters_fte",
    "newly_qualified_starters",
    "leavers_headcount",
    "leavers_fte",
    "leavers_resigned",
    "leavers_retired",
    "notices_given",
    "agency_starts",
    "agency_ends",
    "campaigns_started",
    "hires_accepted",
    "newly_qualified_unplaced",
    "cases_stepped_down",
    "policy_cost_gbp",
)

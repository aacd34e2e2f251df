"""Cases and case holders: allocation, the waiting list, capacity and their running totals.

Allocation rule: a case goes to the case holder whose caseload is lowest relative to their
own target, above the target if need be: a target flexes, as services' do when they are
short-staffed, and the pressure on the staff shows the shortage. Only a hard ceiling, if the
scenario sets one, makes a case wait: when the least-loaded holder has no room under it, the
case waits with the duty team, first come first served, until room is made (a closure, a
starter, a higher ceiling). Reallocated cases of a leaver that find no room go to the front
of the queue. Waiting cases are duty-held and never counted as allocated.

Capacity: a holder's target and ceiling (caseload units) and direct-work hours follow the
scenario in force and the defensive paperwork the spiral adds
(:meth:`Caseload.set_extra_admin_share`).

Pathways (:mod:`staffsim.model.pathways`) move allocated cases between workers by design
through :meth:`Caseload.transfer`.

Every count and integral here changes in one method each: a case opens in
:meth:`Caseload.place_new`, is first allocated in ``_first_allocated``, leaves a worker in
``_release``, changes worker in ``_assign`` after the first, and closes in ``_on_close``
or ``_on_step_down``.
"""

from __future__ import annotations

import heapq
import math
from collections import deque

from staffsim.model.calendar import WEEKS_PER_YEAR
from staffsim.model.context import Context
from staffsim.model.engine import ScheduledCall, clock, payload
from staffsim.model.entities import Case, Worker
from staffsim.model.pathways import CasePathways

__all__ = ["Caseload"]


class Caseload:
    """The open cases, the workers holding them, and the waiting list of one replication."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.env = ctx.env
        self.holders: dict[int, Worker] = {}
        """Workers who hold cases now, by id."""
        self._heap: list[tuple[float, int, Worker]] = []
        self._seq = 0
        self.waiting: deque[Case] = deque()
        """Cases waiting for a social worker, in allocation order (closed ones dropped
        lazily)."""
        self._new_waiting: deque[Case] = deque()  # never-allocated waiting cases, by arrival
        self._step_down_due = False
        self.extra_admin_share = 0.0
        """Share of contracted time added to administration by defensive paperwork."""
        self.total_need_hours = 0.0
        """Direct-work hours a week the allocated cases need."""
        self.total_avail_hours = 0.0
        """Direct-work hours a week the case holders have."""
        # counts kept current on every change
        self.open_cases = 0
        self.n_waiting = 0
        # integrals of open and waiting cases: each change of a count by d at time t adds
        # -d * t, so integral(0, now) = sum + count * now, with no work between changes
        self._open_time_sum = 0.0
        self._waiting_time_sum = 0.0
        # cumulative counters; observers difference them at period ends
        self.n_arrived = 0
        self.n_closed = 0
        self.n_first_allocated = 0
        self.n_waited = 0
        self.wait_days_total = 0.0
        self.n_sw_changes = 0
        """Changes of social worker: reallocations after a worker left and planned moves."""
        self.n_moved = 0
        """Planned moves between teams (:mod:`staffsim.model.pathways`), among the changes."""
        self.closed_recent: list[Case] = []
        """Cases closed since the observer last pruned the list (for continuity)."""
        self.pathways = CasePathways(ctx, self.transfer)

    # ------------------------------------------------------------------------- integrals
    @property
    def case_days(self) -> float:
        """Integral of open cases over time from the start to now (case-days)."""
        return self._open_time_sum + self.open_cases * self.env.now

    @property
    def unplanned_changes(self) -> int:
        """Changes of social worker forced by a worker leaving (every change but the
        planned moves between teams)."""
        return self.n_sw_changes - self.n_moved

    @property
    def waiting_case_days(self) -> float:
        """Integral of waiting cases over time from the start to now (case-days)."""
        return self._waiting_time_sum + self.n_waiting * self.env.now

    # -------------------------------------------------------------------------- capacity
    def admin_share(self) -> float:
        """Share of contracted time going to administration now (with any defensive extra)."""
        return min(0.95, self.ctx.in_force.capacity.admin_share + self.extra_admin_share)

    def available_hours(self, worker: Worker) -> float:
        """Direct-work hours a week ``worker`` has after admin, absence, training, supervision."""
        cap = self.ctx.in_force.capacity
        contracted = worker.fte * cap.contracted_hours_per_week
        training = worker.fte * cap.training_days_per_year * cap.contracted_hours_per_week / 5
        supervision = cap.supervision_hours_per_month * 12
        hours = (
            contracted * (1.0 - self.admin_share() - cap.absence_rate)
            - (training + supervision) / WEEKS_PER_YEAR
        )
        return max(hours, 0.01 * contracted)

    def target_units(self, worker: Worker, now: float) -> tuple[float, float]:
        """(target, ceiling) of ``worker`` now, in caseload units; the ceiling is infinite
        when the scenario sets none."""
        p = self.ctx.in_force
        cl = p.caseload
        scale = worker.fte
        if worker.nq_until > now:
            scale *= cl.newly_qualified_cap_fraction
        if worker.ramp_until > now:
            scale *= p.recruitment.ramp_up_cap_fraction
        ceiling = math.inf if cl.ceiling_per_fte is None else cl.ceiling_per_fte * scale
        return cl.target_per_fte * scale, ceiling

    def _set_targets(self, worker: Worker, now: float) -> None:
        worker.target, worker.ceiling = self.target_units(worker, now)

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

    def set_extra_admin_share(self, extra: float, now: float) -> None:
        """Set the defensive paperwork's share of contracted time; every holder's hours
        follow."""
        self.extra_admin_share = extra
        self.refresh_all_holders(now)

    # ------------------------------------------------------------------------ allocation
    def _push(self, worker: Worker) -> None:
        self._seq += 1
        worker.heap_seq = self._seq
        if worker.target > 0:
            heapq.heappush(self._heap, (worker.load / worker.target, self._seq, worker))
        if len(self._heap) > 4 * len(self.holders) + 256:
            self._rebuild_heap()

    def _rebuild_heap(self) -> None:
        entries = []
        for worker in self.holders.values():
            self._seq += 1
            worker.heap_seq = self._seq
            if worker.target > 0:
                entries.append((worker.load / worker.target, self._seq, worker))
        heapq.heapify(entries)
        self._heap = entries

    def _least_loaded(self) -> Worker | None:
        """The holder lowest relative to their target (stale heap entries dropped)."""
        heap = self._heap
        while heap:
            worker = heap[0][2]
            if worker.heap_seq != heap[0][1]:
                heapq.heappop(heap)
                continue
            return worker
        return None

    def _assign(self, case: Case, worker: Worker, load: float, now: float) -> None:
        """Put ``case`` on ``worker``'s caseload, whose load becomes ``load``."""
        worker.cases[case] = None
        worker.load = load
        hours = case.hours
        worker.need_hours += hours
        self.total_need_hours += hours
        case.worker = worker
        case.alloc_days.append(now)

    def allocate(self, case: Case, now: float) -> bool:
        """Give ``case`` to the least-loaded case holder, unless it would take them over
        their ceiling."""
        worker = self._least_loaded()
        if worker is None:
            return False
        load = worker.load + case.weight
        if load > worker.ceiling + 1e-9:
            return False
        self._assign(case, worker, load, now)
        seq = self._seq = self._seq + 1
        worker.heap_seq = seq
        heapq.heapreplace(self._heap, (load / worker.target, seq, worker))
        return True

    def transfer(self, case: Case, now: float) -> bool:
        """Move an allocated ``case`` to the least-loaded other holder with room under their
        ceiling (a change of social worker); ``False``, and the case stays, if none has."""
        current = case.worker
        if current is None:
            return False
        target = self._least_loaded()
        if target is current:
            # look past the current worker to the next least-loaded
            entry = heapq.heappop(self._heap)
            target = self._least_loaded()
            heapq.heappush(self._heap, entry)
        if target is None:
            return False
        load = target.load + case.weight
        if load > target.ceiling + 1e-9:
            return False
        self._release(case)
        self._assign(case, target, load, now)
        self.n_sw_changes += 1
        self.n_moved += 1
        self._push(current)
        self._push(target)
        if self.waiting:
            self.drain(now)
        return True

    def _release(self, case: Case) -> Worker:
        """Take ``case`` off its worker's caseload; returns the worker."""
        worker: Worker = case.worker  # type: ignore[assignment]  # an allocated case
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
            limit = self.ctx.in_force.demand.step_down_after_days
            if limit is not None:
                self._new_waiting.append(case)
                if not self._step_down_due:
                    self._step_down_due = True
                    ScheduledCall(self.env, limit, self._on_step_down, None)

    def _on_step_down(self, event: ScheduledCall) -> None:
        """Step down the new cases that have waited their limit without a social worker.

        New cases join the waiting list in arrival order, so those due are always at the
        front: one scheduled call serves them all, rather than one event per case.
        """
        self._step_down_due = False
        limit = self.ctx.in_force.demand.step_down_after_days
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
                ScheduledCall(self.env, due - now, self._on_step_down, None)
                return
            queue.popleft()
            case.closed = True  # the waiting list drops it lazily
            case.close_day = now
            self.open_cases -= 1
            self._open_time_sum += now
            self.n_waiting -= 1
            self._waiting_time_sum += now
            self.ctx.flows["cases_stepped_down"] += 1

    def _first_allocated(self, case: Case, now: float) -> None:
        """``case`` has its first social worker: its duration starts now."""
        waited = now - case.arrive_day
        self.n_first_allocated += 1
        if waited > 0:
            self.n_waited += 1
            self.wait_days_total += waited
        ScheduledCall(self.env, case.duration, self._on_close, case)
        self.pathways.start(case, now)

    def _on_close(self, event: ScheduledCall) -> None:
        case: Case = payload(event)
        now = clock(self.env)
        self.open_cases -= 1
        self._open_time_sum += now
        self.n_closed += 1
        case.closed = True
        case.close_day = now
        if case.worker is None:
            self.n_waiting -= 1  # closed while waiting again after its worker left
            self._waiting_time_sum += now
        else:
            worker = self._release(case)
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
                self._first_allocated(case, now)
            else:
                self.n_sw_changes += 1

    def closed_since(self, start: float) -> list[Case]:
        """The cases closed at or after day ``start`` (older ones are forgotten)."""
        self.closed_recent = [c for c in self.closed_recent if c.close_day >= start]
        return self.closed_recent

    # ---------------------------------------------------------------------- case holders
    def add_holder(self, worker: Worker, now: float) -> None:
        """Make ``worker`` available to hold cases and allocate waiting cases to them."""
        self._set_targets(worker, now)
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
        """Recompute a holder's target, ceiling and capacity (ramp-up or ASYE ended, policy
        changed)."""
        if not worker.active or worker.id not in self.holders:
            return
        self.total_avail_hours -= worker.avail_hours
        worker.avail_hours = self.available_hours(worker)
        self.total_avail_hours += worker.avail_hours
        self._set_targets(worker, now)
        self._push(worker)
        if self.waiting:
            self.drain(now)

    def on_refresh_due(self, event: ScheduledCall) -> None:
        """A scheduled :meth:`refresh_holder` of the worker ``event.value``."""
        self.refresh_holder(payload(event), self.env.now)

    def refresh_all_holders(self, now: float) -> None:
        """Recompute every holder's target, ceiling and capacity, then allocate what now
        fits."""
        total = 0.0
        for worker in self.holders.values():
            worker.avail_hours = self.available_hours(worker)
            self._set_targets(worker, now)
            total += worker.avail_hours
        self.total_avail_hours = total
        self._rebuild_heap()
        if self.waiting:
            self.drain(now)

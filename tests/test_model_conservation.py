"""Conservation at every step: the bookkeeping balances after every SimPy event.

A checker wraps the environment's ``step`` so that, after each event is processed, the
running counts are recounted from the entities themselves: posts, employees, vacancies
and agency workers; the FTE establishment against vacancy FTE plus in-post FTE; open,
allocated and waiting cases; caseloads against ceilings; hours; and headcount against
starters and leavers since the start. It runs on a service with every
process switched on: attrition with its effects, notices, campaigns opened at notice that
sometimes fail, starters who ramp up, yearly newly qualified cohorts, agency cover with a
use cap and agency workers for extra capacity, cases moving between teams, and policies
that cut and raise the caseload ceiling, the establishment of both kinds of post and the
agency policy.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from modelkit import CUT_DAY, everything_on

from staffsim.model.entities import CASE_HOLDING
from staffsim.model.run import build


class Checker:
    """Recounts the service after every event and asserts that the counts balance."""

    def __init__(self, svc) -> None:
        self.svc = svc
        self.start_headcount = len(svc.staff.employees)
        self.start_cases = svc.caseload.open_cases
        self.steps = 0
        self.over_cap: dict[int, float] = {}  # holder id -> load when last seen over the ceiling
        self.allocations = 0
        self.transfers = 0
        self.seen = dict.fromkeys(
            (
                "leave",
                "notice",
                "start",
                "agency",
                "wait",
                "cut",
                "newly_qualified",
                "cut_post_held",
            ),
            0,
        )
        allocate = svc.caseload.allocate

        def checked_allocate(case, now):
            ok = allocate(case, now)
            if ok:
                self.allocations += 1
                worker = case.worker
                assert worker.load <= worker.ceiling + 1e-9, "an allocation went over the ceiling"
            return ok

        svc.caseload.allocate = checked_allocate
        move = svc.caseload.pathways.move

        def checked_move(case, now):
            before = case.worker
            moved = move(case, now)
            if moved:
                self.transfers += 1
                worker = case.worker
                assert worker is not before, "a transfer left the case with the same worker"
                assert worker.load <= worker.ceiling + 1e-9, "a transfer went over the ceiling"
            else:
                assert case.worker is before, "a refused transfer moved the case"
            return moved

        svc.caseload.pathways.move = checked_move
        start_agency = svc.staff.start_agency

        def checked_start_agency(post, now, remaining_days=None):
            worker = start_agency(post, now, remaining_days)
            if remaining_days is None:  # found by a search, which the use cap limits
                cap = svc.ctx.in_force.agency.max_share_of_posts * svc.staff.n_posts
                assert len(svc.staff.agency) <= cap + 1e-9, "a search went over the agency use cap"
            return worker

        svc.staff.start_agency = checked_start_agency
        step = svc.env.step

        def checked_step():
            step()
            self.check()

        svc.env.step = checked_step

    def check(self) -> None:
        svc = self.svc
        now = svc.env.now
        self.steps += 1
        posts = svc.staff.posts
        where = f"day {now:.4f}, step {self.steps}"

        # posts: employees + vacancies = posts; posts not being cut = the establishment
        assert svc.staff.n_posts == len(posts), where
        est = svc.ctx.in_force.establishment
        funded = [p for p in posts if not p.removed]
        assert sum(p.role == CASE_HOLDING for p in funded) == est.case_holding_posts, where
        assert sum(p.role != CASE_HOLDING for p in funded) == est.non_case_holding_posts, where
        vacant = [p for p in posts if p.employee is None]
        assert svc.staff.n_vacant == len(vacant), where
        assert svc.staff.n_uncovered == sum(1 for p in vacant if p.agency is None), where
        assert len(svc.staff.employees) + svc.staff.n_vacant == svc.staff.n_posts, where
        for post in posts:
            if post.employee is not None:
                assert post.employee.active, where
                assert svc.staff.employees[post.employee.id] is post.employee, where
                assert post.agency is None, f"{where}: an employee and an agency worker in a post"
        assert {w.post for w in svc.staff.employees.values()} <= set(posts), where
        assert len({id(w.post) for w in svc.staff.employees.values()}) == len(
            svc.staff.employees
        ), where
        assert math.isclose(
            svc.staff.employed_fte, sum(w.fte for w in svc.staff.employees.values()), abs_tol=1e-9
        ), where

        # posts in FTE: vacancy FTE + in-post FTE = the FTE establishment, whoever fills a post
        staff = svc.staff
        assert math.isclose(staff.establishment_fte, sum(p.fte for p in posts), abs_tol=1e-9)
        assert math.isclose(staff.vacant_fte, sum(p.fte for p in vacant), abs_tol=1e-9), where
        assert math.isclose(
            staff.vacant_fte + staff.employed_fte, staff.establishment_fte, abs_tol=1e-9
        ), where
        for post in posts:
            for holder in (post.employee, post.agency):
                assert holder is None or holder.fte == post.fte, f"{where}: not the post's FTE"

        # agency workers = those covering vacancies + those covering absence or extra work
        covering = [p.agency for p in posts if p.agency is not None]
        extra = [w for w in svc.staff.agency.values() if w.post is None]
        assert len(svc.staff.agency) == len(covering) + len(extra), where
        for worker in covering:
            assert worker.active and svc.staff.agency[worker.id] is worker, where
        assert math.isclose(
            svc.staff.agency_fte, sum(w.fte for w in svc.staff.agency.values()), abs_tol=1e-9
        ), where

        # headcount = start + starters - leavers
        flows = svc.ctx.flows
        assert len(svc.staff.employees) == (
            self.start_headcount + flows["starters_headcount"] - flows["leavers_headcount"]
        ), where

        # case holders: every active case-holding worker, and nobody else
        expected_holders = {
            w.id
            for w in (*svc.staff.employees.values(), *svc.staff.agency.values())
            if w.holds_cases and w.active
        }
        assert set(svc.caseload.holders) == expected_holders, where
        for worker in svc.staff.employees.values():
            assert worker.holds_cases == (worker.post.role == CASE_HOLDING), where

        # every open case allocated or waiting
        held = 0
        need = 0.0
        avail = 0.0
        for worker in svc.caseload.holders.values():
            load = 0.0
            hours = 0.0
            for case in worker.cases:
                assert case.worker is worker and not case.closed, where
                load += case.weight
                hours += case.hours
            held += len(worker.cases)
            assert math.isclose(worker.load, load, abs_tol=1e-6), where
            assert math.isclose(worker.need_hours, hours, abs_tol=1e-6), where
            need += worker.need_hours
            avail += worker.avail_hours
            self._check_cap(worker, now, where)
        waiting = [c for c in svc.caseload.waiting if not c.closed]
        for case in waiting:
            assert case.worker is None, where
        assert svc.caseload.n_waiting == len(waiting), where
        assert len({id(c) for c in waiting}) == len(waiting), f"{where}: a case queued twice"
        assert held + len(waiting) == svc.caseload.open_cases, where
        assert (
            svc.caseload.open_cases
            == self.start_cases + svc.caseload.n_arrived - svc.caseload.n_closed
        ), where
        assert math.isclose(svc.caseload.total_need_hours, need, rel_tol=1e-9, abs_tol=1e-6), where
        assert math.isclose(svc.caseload.total_avail_hours, avail, rel_tol=1e-9, abs_tol=1e-6), (
            where
        )

        seen = self.seen
        seen["leave"] = flows["leavers_headcount"]
        seen["notice"] = flows["notices_given"]
        seen["start"] = flows["starters_headcount"]
        seen["agency"] = flows["agency_starts"]
        seen["wait"] = max(seen["wait"], len(waiting))
        seen["newly_qualified"] = flows["newly_qualified_starters"]
        seen["cut_post_held"] = max(seen["cut_post_held"], len(posts) - len(funded))

    def _check_cap(self, worker, now: float, where: str) -> None:
        """Caseload units within the ceiling; a holder above it (the ceiling was cut under
        them) gets no new cases until they are back under it."""
        if worker.load <= worker.ceiling + 1e-9:
            self.over_cap.pop(worker.id, None)
            return
        assert now >= CUT_DAY, f"{where}: holder {worker.id} over the ceiling before any cut"
        previous = self.over_cap.get(worker.id)
        if previous is None:
            self.seen["cut"] += 1
        else:
            assert worker.load <= previous + 1e-9, f"{where}: holder over the ceiling got a case"
        self.over_cap[worker.id] = worker.load


def _run_checked(scenario, replication: int) -> Checker:
    svc, _ = build(scenario, replication)
    checker = Checker(svc)
    checker.check()  # the initial state balances too
    svc.env.run(until=svc.ctx.calendar.horizon_days)
    return checker


@pytest.mark.slow
def test_conservation_at_every_step_with_everything_on():
    """Every count balances after every event of three replications of three years; the
    runs exercise leavers, notices, starters, newly qualified starters, agency starts,
    waiting cases, holders left above a cut ceiling, cases moved between teams and cut
    posts still held by their employee (so no rule holds vacuously)."""
    scenario = everything_on()
    for replication in range(3):
        checker = _run_checked(scenario, replication)
        assert checker.steps > 3000
        assert checker.allocations > 1000
        assert checker.transfers > 50
        assert all(count > 0 for count in checker.seen.values()), checker.seen


@pytest.mark.slow
@settings(max_examples=12, deadline=None)
@given(
    open_at=st.sampled_from(["leaving", "notice"]),
    cap=st.floats(min_value=7.0, max_value=14.0),
    resignation=st.floats(min_value=0.0, max_value=2.0),
    extra=st.integers(min_value=0, max_value=3),
    availability=st.floats(min_value=0.0, max_value=1.0),
    arrivals=st.floats(min_value=0.5, max_value=2.0),
    replication=st.integers(min_value=0, max_value=1000),
)
def test_conservation_at_every_step_for_any_parameters(
    open_at, cap, resignation, extra, availability, arrivals, replication
):
    """The same balances hold after every event whatever the recruitment timing, cap,
    attrition, agency market and load, and for any replication."""
    scenario = everything_on(
        {
            "recruitment.open_at": open_at,
            "caseload.target_per_fte": cap,
            "caseload.ceiling_per_fte": cap,
            "attrition.resignation_rate_per_year": resignation,
            "agency.extra_workers": extra,
            "agency.availability": availability,
            "demand.arrivals_per_day": arrivals,
            "horizon_years": 2.0,
        }
    )
    checker = _run_checked(scenario, replication)
    assert checker.steps > 500

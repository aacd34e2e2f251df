"""Posts and the people in them: the establishment, employees and agency workers.

:class:`Staff` keeps the posts, the employees and agency workers, the post counts (posts,
vacant, uncovered) and FTE totals, and their integrals over time, and offers the four
workforce changes every process uses: an employee starts or leaves, an agency worker starts
or goes.

Posts are in FTE: a post's FTE is drawn when it is created (part time in the workforce's
share) and whoever fills it, employee or agency cover, works that FTE, so vacancy FTE plus
in-post FTE is always the FTE establishment, the identity DfE's vacancy rate assumes.

Each count changes in one place: a post's contribution to the vacancy counts in
``_count_post``, the integrals in :meth:`Staff.touch` before any count changes. What happens
next (an attrition clock, a campaign, a search) is up to the
:class:`~staffsim.model.interfaces.WorkforceReactions` given at construction.
"""

from __future__ import annotations

from staffsim.model.caseload import Caseload
from staffsim.model.context import Context
from staffsim.model.engine import ScheduledCall, payload
from staffsim.model.entities import CASE_HOLDING, Post, Worker
from staffsim.model.interfaces import WorkforceReactions

__all__ = ["MIN_ASSIGNMENT_DAYS", "Staff"]

MIN_ASSIGNMENT_DAYS = 1.0
"""The shortest agency assignment (days): an agency worker is booked for a day at least."""


class Staff:
    """The establishment and workforce of one replication."""

    def __init__(self, ctx: Context, caseload: Caseload, reactions: WorkforceReactions) -> None:
        self.ctx = ctx
        self.caseload = caseload
        self.reactions = reactions
        self.posts: list[Post] = []
        self.employees: dict[int, Worker] = {}
        self.agency: dict[int, Worker] = {}
        """Agency workers by id (covering a post, or extra with ``post`` ``None``)."""
        self._next_worker_id = 0
        self._fte_draws = ctx.streams.uniform("workforce.fte")
        self.agency_price_multiplier = 1.0
        """Price paid for agency time over the scenario's day rate."""
        # counts kept current on every change
        self.n_posts = 0
        self.establishment_fte = 0.0
        """FTE of every post, filled or not."""
        self.n_vacant = 0
        """Posts with no employee (covered by an agency worker or not)."""
        self.vacant_fte = 0.0
        """FTE of the posts with no employee."""
        self.n_uncovered = 0
        """Posts with neither an employee nor an agency worker."""
        self.employed_fte = 0.0
        self.agency_fte = 0.0
        # integrals over time, brought up to date by touch
        self._t_posts = 0.0
        self.vacant_post_days = 0.0
        self.uncovered_post_days = 0.0
        self.employed_fte_days = 0.0
        self.agency_fte_days = 0.0
        self.agency_price_fte_days = 0.0

    # ------------------------------------------------------------------------- integrals
    def touch(self, now: float) -> None:
        """Bring the post and FTE integrals up to ``now`` before a count changes."""
        dt = now - self._t_posts
        if dt > 0:
            self.vacant_post_days += self.n_vacant * dt
            self.uncovered_post_days += self.n_uncovered * dt
            self.employed_fte_days += self.employed_fte * dt
            self.agency_fte_days += self.agency_fte * dt
            self.agency_price_fte_days += self.agency_fte * self.agency_price_multiplier * dt
            self._t_posts = now

    def set_agency_price_multiplier(self, multiplier: float, now: float) -> None:
        """Pay ``multiplier`` x the scenario's day rate for agency time from ``now``."""
        if multiplier != self.agency_price_multiplier:
            self.touch(now)
            self.agency_price_multiplier = multiplier

    # ----------------------------------------------------------------------------- posts
    def _count_post(self, post: Post, sign: int) -> None:
        """Add (+1) or remove (-1) ``post``'s contribution to the post counts."""
        self.n_posts += sign
        self.establishment_fte += sign * post.fte
        if post.employee is None:
            self.n_vacant += sign
            self.vacant_fte += sign * post.fte
            if post.agency is None:
                self.n_uncovered += sign

    def add_posts(self, role: str, count: int) -> list[Post]:
        """Add ``count`` vacant posts of ``role`` (numbered after the existing ones), each of
        an FTE drawn as :meth:`draw_fte` says."""
        n_teams = self.ctx.in_force.establishment.teams
        same_role = sum(1 for post in self.posts if post.role == role)
        self.touch(self.ctx.env.now)
        new = []
        for i in range(count):
            index = same_role + i
            if role == CASE_HOLDING:
                team = index % n_teams
            else:
                # the first non-case-holding posts are the team managers'
                team = index if index < n_teams else -1
            post = Post(len(self.posts), role, team=team, fte=self.draw_fte())
            self.posts.append(post)
            self._count_post(post, +1)
            new.append(post)
        return new

    def drop_post(self, post: Post) -> None:
        """Take a post that has been cut out of the establishment once it is empty."""
        if post.employee is not None or post.agency is not None or post not in self.posts:
            return
        self.touch(self.ctx.env.now)
        self.posts.remove(post)
        self._count_post(post, -1)

    def remove_posts(self, role: str, count: int) -> None:
        """Cut ``count`` posts of ``role``: vacant ones first, then as their holders leave."""
        candidates = [p for p in reversed(self.posts) if p.role == role and not p.removed]
        candidates.sort(key=lambda p: (p.employee is not None, p.agency is not None))
        for post in candidates[:count]:
            post.removed = True
            if post.employee is None:
                if post.agency is not None:
                    self.end_agency(post.agency, self.ctx.env.now, "post_removed")
                self.drop_post(post)

    def _fill(self, post: Post, employee: Worker | None, agency: Worker | None) -> None:
        """Put ``employee`` and ``agency`` in ``post``, keeping the post counts."""
        self._count_post(post, -1)
        post.employee = employee
        post.agency = agency
        self._count_post(post, +1)

    # --------------------------------------------------------------------------- workers
    def new_worker_id(self) -> int:
        """A fresh worker id (1 upwards)."""
        self._next_worker_id += 1
        return self._next_worker_id

    def draw_fte(self) -> float:
        """A new post's FTE: part time with the scenario's probability."""
        wf = self.ctx.in_force.workforce
        return wf.part_time_fte if self._fte_draws() < wf.part_time_share else 1.0

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
        """Put a new employee in ``post`` (vacant); a covering agency worker is released.

        ``starter=False`` is an employee already in post on the start date (not counted as
        a starter, no ramp-up); ``tenure_at_start_days`` is their time in post by then.
        """
        ctx = self.ctx
        p = ctx.in_force
        self.touch(now)
        experience = 0.0 if newly_qualified else ctx.draw("workforce.experience")
        worker = Worker(
            self.new_worker_id(),
            is_agency=False,
            holds_cases=post.role == CASE_HOLDING,
            post=post,
            fte=post.fte,
            start_day=now,
            experience_start_days=experience,
            tenure_at_start_days=tenure_at_start_days,
        )
        self._fill(post, worker, post.agency)
        post.vacant_since = None
        post.pending_starter = False
        self.employees[worker.id] = worker
        self.employed_fte += worker.fte
        if starter:
            flows = ctx.flows
            flows["starters_headcount"] += 1
            flows["starters_fte"] += worker.fte
            if newly_qualified:
                flows["newly_qualified_starters"] += 1
        if newly_qualified:
            nq_days = p.caseload.newly_qualified_days - tenure_at_start_days
            if nq_days > 0:
                worker.nq_until = now + nq_days
                ctx.schedule(nq_days, self.caseload.on_refresh_due, worker)
        ramp_days = p.recruitment.ramp_up_days
        if ramp and ramp_days > 0:
            worker.ramp_until = now + ramp_days
            ctx.schedule(ramp_days, self.caseload.on_refresh_due, worker)
        if worker.holds_cases:
            self.caseload.add_holder(worker, now)
        ctx.log(
            "start", worker=worker.id, post=post.id, fte=worker.fte, newly_qualified=newly_qualified
        )
        if post.agency is not None:
            self.end_agency(post.agency, now, "released")
        self.reactions.on_employee_start(worker, now)
        return worker

    def employee_leaves(self, worker: Worker, now: float, reason: str) -> None:
        """``worker`` leaves their post; their cases are reallocated, and what follows for
        the post is up to the reactions."""
        if not worker.active:
            return
        self.touch(now)
        worker.active = False
        del self.employees[worker.id]
        self.employed_fte -= worker.fte
        flows = self.ctx.flows
        flows["leavers_headcount"] += 1
        flows["leavers_fte"] += worker.fte
        flows[f"leavers_{reason}"] += 1
        post: Post = worker.post  # type: ignore[assignment]  # an employee has a post
        self._fill(post, None, post.agency)
        post.vacant_since = now
        self.ctx.log("leave", worker=worker.id, post=post.id, reason=reason)
        if worker.holds_cases:
            self.caseload.remove_holder(worker, now)
        self.reactions.on_post_vacated(post, now)

    def start_agency(
        self, post: Post | None, now: float, remaining_days: float | None = None
    ) -> Worker:
        """An agency worker starts, covering ``post`` (vacant) or, with ``None``, extra work.

        ``remaining_days`` is the rest of an assignment already under way on the start
        date; otherwise the assignment's length is drawn.
        """
        ctx = self.ctx
        self.touch(now)
        holds = post is None or post.role == CASE_HOLDING
        worker = Worker(
            self.new_worker_id(),
            is_agency=True,
            holds_cases=holds,
            post=post,
            fte=1.0 if post is None else post.fte,
            start_day=now,
            experience_start_days=ctx.draw("workforce.experience"),
        )
        if post is not None:
            self._fill(post, post.employee, worker)
        self.agency[worker.id] = worker
        self.agency_fte += worker.fte
        ctx.flows["agency_starts"] += 1
        if remaining_days is None:
            # booked for a day at least: a duration law that puts its mass near zero must
            # not turn cover into endless zero-length assignments
            stay = max(ctx.draw("agency.assignment"), MIN_ASSIGNMENT_DAYS)
        else:
            stay = remaining_days
        ctx.schedule(stay, self._on_assignment_end, worker)
        if holds:
            self.caseload.add_holder(worker, now)
        ctx.log("agency_start", worker=worker.id, post=None if post is None else post.id)
        return worker

    def _on_assignment_end(self, event: ScheduledCall) -> None:
        self.end_agency(payload(event), self.ctx.env.now, "assignment_end")

    def end_agency(self, worker: Worker, now: float, reason: str) -> None:
        """An agency worker goes: assignment over, released by a permanent starter, or
        their post cut."""
        if not worker.active:
            return
        self.touch(now)
        worker.active = False
        del self.agency[worker.id]
        self.agency_fte -= worker.fte
        self.ctx.flows["agency_ends"] += 1
        post = worker.post
        if post is not None:
            self._fill(post, post.employee, None)
        self.ctx.log(
            "agency_end", worker=worker.id, post=None if post is None else post.id, reason=reason
        )
        if worker.holds_cases:
            self.caseload.remove_holder(worker, now)
        self.reactions.on_agency_end(worker, post, now, reason)

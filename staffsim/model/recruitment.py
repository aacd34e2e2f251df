"""Recruitment: campaigns that fill vacant posts, and yearly newly qualified cohorts.

A campaign runs for its duration; appointable applicants who would accept arrive as a
Poisson count (applicants x appointable share x acceptance, thinned), so the campaign
succeeds with probability 1 - exp(-mean). A failed campaign is re-run after a gap. The
successful applicant works their notice elsewhere, then starts (after the leaver has gone,
if the campaign opened at notice) and ramps up.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from simpy.events import Event

from staffsim.model.context import Context
from staffsim.model.entities import CASE_HOLDING, Post
from staffsim.model.interfaces import SpiralLoops
from staffsim.model.sampling import poisson_at_least_one
from staffsim.model.staff import Staff

__all__ = ["Recruitment", "needs_recruit"]


def needs_recruit(post: Post) -> bool:
    """Whether ``post`` wants a permanent starter: vacant or its holder working notice."""
    if post.removed or post.pending_starter:
        return False
    return post.employee is None or post.employee.notice_day is not None


class Recruitment:
    """Recruitment campaigns and the yearly newly qualified cohorts of one replication."""

    def __init__(self, ctx: Context, staff: Staff, spiral: SpiralLoops) -> None:
        self.ctx = ctx
        self.staff = staff
        self.spiral = spiral
        self._outcome_draws = ctx.streams.uniform("recruitment.outcome")

    def open_campaign(self, post: Post) -> None:
        """Start a campaign for ``post`` unless one is already running."""
        if post.campaign_open or not needs_recruit(post):
            return
        post.campaign_open = True
        self.ctx.env.process(self.campaign(post))

    def campaign(self, post: Post) -> Generator[Event, Any, None]:
        """Advertise until someone accepts, then bring them in after their notice."""
        ctx = self.ctx
        env = ctx.env
        try:
            while needs_recruit(post):
                ctx.flows["campaigns_started"] += 1
                ctx.log("campaign", post=post.id)
                yield env.timeout(ctx.draw("recruitment.campaign"))
                if not needs_recruit(post):
                    return
                p = ctx.in_force
                r = p.recruitment
                mean = (
                    r.applicants_per_campaign
                    * r.appointable_share
                    * r.offer_acceptance
                    * p.effects.pay_on_applicants(ctx.pay_ratio())
                    * self.spiral.applicant_multiplier()
                )
                if poisson_at_least_one(mean, self._outcome_draws()):
                    ctx.flows["hires_accepted"] += 1
                    ctx.log("offer_accepted", post=post.id)
                    post.offer_accepted = True
                    yield env.timeout(ctx.draw("recruitment.starter_notice"))
                    post.offer_accepted = False
                    if post.removed:
                        return
                    if post.employee is None:
                        self.staff.start_employee(post, env.now)
                    elif post.employee.notice_day is not None:
                        post.pending_starter = True  # starts the day the leaver goes
                    return
                yield env.timeout(ctx.in_force.recruitment.readvertise_gap_days)
        finally:
            post.campaign_open = False

    def newly_qualified_cohorts(self, days: list[float]) -> Generator[Event, Any, None]:
        """Each year's ASYE cohort (on each of ``days``) takes vacant case-holding posts,
        lowest post number first."""
        ctx = self.ctx
        env = ctx.env
        for day in days:
            if day > env.now:
                yield env.timeout(day - env.now)
            n = ctx.in_force.recruitment.newly_qualified.per_year
            placed = 0
            for post in self.staff.posts:
                if placed >= n:
                    break
                if post.role == CASE_HOLDING and post.employee is None and not post.removed:
                    if post.pending_starter or post.offer_accepted:
                        continue  # the post's new starter is on their way
                    self.staff.start_employee(post, env.now, newly_qualified=True)
                    placed += 1
            ctx.flows["newly_qualified_unplaced"] += n - placed

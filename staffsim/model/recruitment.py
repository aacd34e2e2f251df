"""Recruitment: campaigns that fill vacant posts, and yearly newly qualified cohorts.

A campaign runs for its duration; appointable applicants who would accept arrive as a
Poisson count (applicants x appointable share x acceptance, thinned), so the campaign
succeeds with probability 1 - exp(-mean). A failed campaign is re-run after a gap. The
successful applicant works their notice elsewhere, then starts (after the leaver has gone,
if the campaign opened at notice) and ramps up.
"""

from __future__ import annotations

from staffsim.model.entities import CASE_HOLDING, Post
from staffsim.model.sampling import poisson_at_least_one
from staffsim.model.service import Service

__all__ = ["campaign", "newly_qualified_cohorts", "open_campaign"]


def needs_recruit(post: Post) -> bool:
    """Whether ``post`` wants a permanent starter: vacant or its holder working notice."""
    if post.removed or post.pending_starter:
        return False
    return post.employee is None or post.employee.notice_day is not None


def open_campaign(svc: Service, post: Post) -> None:
    """Start a campaign for ``post`` unless one is already running."""
    if post.campaign_open or not needs_recruit(post):
        return
    post.campaign_open = True
    svc.env.process(campaign(svc, post))


def campaign(svc: Service, post: Post):
    """Advertise until someone accepts, then bring them in after their notice."""
    env = svc.env
    try:
        while needs_recruit(post):
            svc.flows["campaigns_started"] += 1
            svc.log("campaign", post=post.id)
            yield env.timeout(svc.draw("recruitment.campaign"))
            if not needs_recruit(post):
                return
            r = svc.p.recruitment
            mean = (
                r.applicants_per_campaign
                * r.appointable_share
                * r.offer_acceptance
                * svc.p.effects.pay_on_applicants(svc.pay_ratio())
                * svc.applicant_multiplier()
            )
            if poisson_at_least_one(mean, svc.uniforms["recruitment.outcome"]()):
                svc.flows["hires_accepted"] += 1
                svc.log("offer_accepted", post=post.id)
                post.offer_accepted = True
                yield env.timeout(svc.draw("recruitment.starter_notice"))
                post.offer_accepted = False
                if post.removed:
                    return
                if post.employee is None:
                    svc.start_employee(post, env.now)
                elif post.employee.notice_day is not None:
                    post.pending_starter = True  # starts the day the leaver goes
                return
            yield env.timeout(svc.p.recruitment.readvertise_gap_days)
    finally:
        post.campaign_open = False


def newly_qualified_cohorts(svc: Service, days: list[float]):
    """Each year's ASYE cohort takes vacant case-holding posts, lowest post number first."""
    env = svc.env
    for day in days:
        if day > env.now:
            yield env.timeout(day - env.now)
        n = svc.p.recruitment.newly_qualified.per_year
        placed = 0
        for post in svc.posts:
            if placed >= n:
                break
            if post.role == CASE_HOLDING and post.employee is None and not post.removed:
                if post.pending_starter or post.offer_accepted:
                    continue  # the post's new starter is on their way
                svc.start_employee(post, env.now, newly_qualified=True)
                placed += 1
        svc.flows["newly_qualified_unplaced"] += n - placed

"""The workforce on the start date, and what follows each change in it.

:class:`WorkforceHooks` connects the primitives in :mod:`staffsim.model.service` to the
processes: a starter gets an attrition clock, a vacated post gets a campaign and an agency
search, an agency worker who leaves a still-vacant post is replaced by another search.
"""

from __future__ import annotations

from staffsim.model import agency, attrition, recruitment
from staffsim.model.entities import CASE_HOLDING, NON_CASE_HOLDING, Post, Worker
from staffsim.model.sampling import residual_sampler, sampler
from staffsim.model.service import Hooks, Service

__all__ = ["WorkforceHooks", "add_posts", "open_initial_workforce"]


class WorkforceHooks(Hooks):
    """The model's reactions to starters, notices, leavers and agency workers ending."""

    def __init__(self, svc: Service) -> None:
        self.svc = svc

    def on_employee_start(self, worker: Worker, now: float) -> None:
        attrition.start_clock(self.svc, worker, now)

    def on_notice(self, worker: Worker, now: float) -> None:
        if self.svc.p.recruitment.open_at == "notice":
            recruitment.open_campaign(self.svc, worker.post)

    def on_post_vacated(self, post: Post, now: float) -> None:
        svc = self.svc
        if post.removed:
            _drop_post(svc, post)
            return
        if post.pending_starter:
            svc.start_employee(post, now)
            return
        recruitment.open_campaign(svc, post)
        agency.open_search(svc, post)

    def on_agency_end(self, worker: Worker, post: Post | None, now: float, reason: str) -> None:
        svc = self.svc
        if post is None:
            if reason == "assignment_end":
                agency.open_extra_searches(svc)
        elif post.removed and post.employee is None:
            _drop_post(svc, post)
        elif reason == "assignment_end":
            agency.open_search(svc, post)


def add_posts(svc: Service, role: str, count: int) -> list[Post]:
    """Add ``count`` vacant posts of ``role`` (numbered after the existing ones)."""
    n_teams = svc.p.establishment.teams
    same_role = sum(1 for post in svc.posts if post.role == role)
    new = []
    for i in range(count):
        index = same_role + i
        if role == CASE_HOLDING:
            team = index % n_teams
        else:
            # the first non-case-holding posts are the team managers'
            team = index if index < n_teams else -1
        post = Post(len(svc.posts), role, team=team)
        svc.posts.append(post)
        new.append(post)
    svc.touch_posts(svc.env.now)
    svc.n_posts += count
    svc.n_vacant += count
    svc.n_uncovered += count
    return new


def _drop_post(svc: Service, post: Post) -> None:
    """Take a post that has been cut out of the counts once it is empty."""
    if post.employee is not None or post.agency is not None or post not in svc.posts:
        return
    svc.touch_posts(svc.env.now)
    svc.posts.remove(post)
    svc.n_posts -= 1
    svc.n_vacant -= 1
    svc.n_uncovered -= 1


def remove_posts(svc: Service, role: str, count: int) -> None:
    """Cut ``count`` posts of ``role``: vacant ones first, then as their holders leave."""
    candidates = [p for p in reversed(svc.posts) if p.role == role and not p.removed]
    candidates.sort(key=lambda p: (p.employee is not None, p.agency is not None))
    for post in candidates[:count]:
        post.removed = True
        if post.employee is None:
            if post.agency is not None:
                svc.end_agency(post.agency, svc.env.now, "post_removed")
            _drop_post(svc, post)


def open_initial_workforce(svc: Service) -> None:
    """Fill the establishment as the scenario's initial state describes it.

    Employees in post get a tenure so far from ``initial.tenure_days`` (for newly qualified
    ones, within the ASYE year); agency workers in post get remaining assignments from the
    residual distribution; every vacancy starts a campaign and, if uncovered, a search.
    """
    p = svc.p
    est, ini = p.establishment, p.initial
    case_posts = add_posts(svc, CASE_HOLDING, est.case_holding_posts)
    other_posts = add_posts(svc, NON_CASE_HOLDING, est.non_case_holding_posts)
    rng_tenure = sampler(ini.tenure_days, svc.streams["initial.tenure"])
    nq_flags = svc.streams.uniform("initial.newly_qualified")
    nq_tenure = svc.streams.uniform("initial.newly_qualified_tenure")
    agency_left = residual_sampler(p.agency.assignment_days, svc.streams["initial.agency"])
    vacant = set()
    vacant.update(case_posts[len(case_posts) - ini.vacant_case_holding_posts :])
    vacant.update(other_posts[len(other_posts) - ini.vacant_non_case_holding_posts :])
    for post in case_posts + other_posts:
        if post in vacant:
            continue
        is_nq = post.role == CASE_HOLDING and nq_flags() < ini.newly_qualified_share
        tenure = nq_tenure() * p.caseload.newly_qualified_days if is_nq else rng_tenure()
        svc.start_employee(
            post,
            0.0,
            newly_qualified=is_nq,
            tenure_at_start_days=tenure,
            ramp=False,
            starter=False,
        )
    covered = 0
    ordered_vacancies = [post for post in case_posts + other_posts if post in vacant]
    for post in ordered_vacancies:
        if covered < p.initial_agency_cover:
            svc.start_agency(post, 0.0, remaining_days=agency_left())
            covered += 1
    for _ in range(p.agency.extra_workers):
        svc.start_agency(None, 0.0, remaining_days=agency_left())
    for post in ordered_vacancies:
        recruitment.open_campaign(svc, post)
        agency.open_search(svc, post)

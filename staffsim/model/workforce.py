"""The workforce on the start date: the establishment filled as the initial state says."""

from __future__ import annotations

from staffsim.model.entities import CASE_HOLDING, NON_CASE_HOLDING, Post
from staffsim.model.sampling import residual_sampler, sampler
from staffsim.model.service import Service

__all__ = ["open_initial_workforce"]


def open_initial_workforce(svc: Service) -> None:
    """Fill the establishment as the scenario's initial state describes it.

    Employees in post get a tenure so far from ``initial.tenure_days`` (for newly qualified
    ones, within the ASYE year); agency workers in post get remaining assignments from the
    residual distribution; every vacancy starts a campaign and, if uncovered, a search.
    """
    ctx, staff = svc.ctx, svc.staff
    p = ctx.in_force
    est, ini = p.establishment, p.initial
    case_posts = staff.add_posts(CASE_HOLDING, est.case_holding_posts)
    other_posts = staff.add_posts(NON_CASE_HOLDING, est.non_case_holding_posts)
    rng_tenure = sampler(ini.tenure_days, ctx.streams["initial.tenure"])
    nq_flags = ctx.streams.uniform("initial.newly_qualified")
    nq_tenure = ctx.streams.uniform("initial.newly_qualified_tenure")
    agency_left = residual_sampler(p.agency.assignment_days, ctx.streams["initial.agency"])
    vacant: set[Post] = set()
    vacant.update(case_posts[len(case_posts) - ini.vacant_case_holding_posts :])
    vacant.update(other_posts[len(other_posts) - ini.vacant_non_case_holding_posts :])
    for post in case_posts + other_posts:
        if post in vacant:
            continue
        is_nq = post.role == CASE_HOLDING and nq_flags() < ini.newly_qualified_share
        tenure = nq_tenure() * p.caseload.newly_qualified_days if is_nq else rng_tenure()
        staff.start_employee(
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
            staff.start_agency(post, 0.0, remaining_days=agency_left())
            covered += 1
    for _ in range(p.agency.extra_workers):
        staff.start_agency(None, 0.0, remaining_days=agency_left())
    for post in ordered_vacancies:
        svc.recruitment.open_campaign(post)
        svc.agency.open_search(post)

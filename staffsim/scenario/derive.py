"""Scenario parameters derived from published workforce figures: the shared steps.

``scripts/derive_england_2025.py`` derives a typical English council from DfE's national
figures, and ``staffsim init`` (:mod:`staffsim.scenario.init_writer`) a named council from
its own row; both use the steps here, so that a council and England are sized the same way.
Each function states its formula; counts are FTE, people, posts or cases as named, durations
days, rates fractions (DfE's percentages divided by 100).

The steps (method in the script's docstring):

* posts: a post has an FTE (part time in the workforce's share), so the FTE establishment
  is in-post FTE + vacancy FTE, posts = establishment / mean FTE per post, and the
  part-time share follows from the published FTE per head;
* the case-holding split: the case-holding posts whose employees, agency cover and extra
  agency workers give the published case-holder FTE;
* the initial vacancy split between case-holding and other posts;
* demand by Little's law: arrivals a day = cases held / mean case duration;
* the stationary workforce's completed tenure and the agency cover of vacant time, which
  the England derivation solves for the behaviour nobody publishes.

:data:`ENGLAND_2025_BEHAVIOUR` holds the values the England derivation gives that behaviour
(its Monte Carlo takes seconds, so ``init`` reads them here); a test holds them equal to
``scenarios/england_2025.yaml``, which another test holds equal to the derivation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from staffsim.scenario.distributions import Lognormal
from staffsim.scenario.schema import Scenario
from staffsim.units import DAYS_PER_YEAR, WEEKS_PER_YEAR

__all__ = [
    "AGENCY_ASSIGNMENT",
    "AGENCY_SEARCH_DAYS",
    "APPOINTABLE_SHARE",
    "CAMPAIGN_DAYS",
    "DAYS_PER_YEAR",
    "ENGLAND_2025_BEHAVIOUR",
    "NOTICE_DAYS",
    "OFFER_ACCEPTANCE",
    "PART_TIME_FTE",
    "READVERTISE_GAP_DAYS",
    "RETIREMENT_RATE_PER_YEAR",
    "STARTER_NOTICE_DAYS",
    "STEP_DOWN_AFTER_DAYS",
    "arrivals_per_day",
    "available_hours",
    "case_holding_posts",
    "covered_share",
    "initial_vacancy_split",
    "mean_completed_tenure_days",
    "open_case_mix",
    "part_time_share",
]


# ---------------------------------------------------------------------- assumptions
# Values the DfE file does not give; each is stated in a derived scenario with its reason.
PART_TIME_FTE = 0.55  # a typical part-time contract, three days a week or so
RETIREMENT_RATE_PER_YEAR = 0.01  # leaving for reasons no effect changes
NOTICE_DAYS = 28.0  # employee's notice to the council
CAMPAIGN_DAYS = 60.0  # advert, shortlisting and interview
READVERTISE_GAP_DAYS = 14.0  # pause before a failed campaign is run again
STARTER_NOTICE_DAYS = 42.0  # notice the successful applicant works elsewhere
APPOINTABLE_SHARE = 0.5
OFFER_ACCEPTANCE = 0.8
AGENCY_SEARCH_DAYS = 21.0
AGENCY_ASSIGNMENT = Lognormal(mean_days=270.0, sd_days=200.0)  # months, not years
STEP_DOWN_AFTER_DAYS = 90.0  # a new case unallocated for three months is stepped down

ENGLAND_2025_BEHAVIOUR: Mapping[str, float] = MappingProxyType(
    {
        "attrition.resignation_rate_per_year": 0.1118,
        "initial.tenure_days.mean_days": 3383.0,
        "initial.tenure_days.sd_days": 3476.0,
        "recruitment.applicants_per_campaign": 0.4171,
        "agency.availability": 0.3182,
    }
)
"""Behaviour the England 2025 derivation solves from the national flows (turnover, time to
fill, agency cover of vacancies) at a good judgement: the resignation hazard at reference,
the stationary tenure of those in post, applicants per campaign and the chance an agency
search succeeds. Nobody publishes them per council."""


def part_time_share(fte_per_head: float, part_time_fte: float = PART_TIME_FTE) -> float:
    """Share of employees part time, so that the mean FTE per person is ``fte_per_head``:
    (1 - FTE per head) / (1 - part-time FTE), unrounded."""
    return (1 - fte_per_head) / (1 - part_time_fte)


def case_holding_posts(
    case_holders_fte: float,
    extra_agency_fte: float,
    vacant_share: float,
    fte_per_head: float,
    covered_share_of_vacancies: float,
) -> float:
    """Case-holding posts C (unrounded) whose holders give the published case-holder FTE.

    Agency workers holding cases count among the case holders (``staffsim/model/observe.py``),
    a post of mean FTE f is filled at its FTE by an employee or agency cover, and a share v
    of every post is vacant, a share c of vacancies covered, for either role, so
    case holders = C f (1 - v) + C f v c + extra agency FTE, solved for C.
    """
    per_post = fte_per_head * ((1 - vacant_share) + vacant_share * covered_share_of_vacancies)
    return (case_holders_fte - extra_agency_fte) / per_post


def initial_vacancy_split(
    case_posts: int,
    fte_per_head: float,
    covered: int,
    extra: int,
    vacancies: int,
    case_holders_fte: float,
) -> tuple[int, int]:
    """(case-holding, non-case-holding) vacancies on the start date.

    DfE does not publish vacancies by role. The model puts the agency workers of the
    initial state into case-holding vacancies first, so the split is the one with which the
    initial case holders (employees in case-holding posts, agency workers in case-holding
    vacancies at the posts' FTE, and the extra agency workers, full time) have the published
    case-holder FTE: (C - k) f + min(k, a) f + e = case holders, solved for k (with k > a:
    k = C + a - (holders - e) / f) and kept within the posts. With k <= a every vacancy is
    covered and the case holders do not depend on k, so k = a.
    """
    k = case_posts + covered - (case_holders_fte - extra) / fte_per_head
    k = max(k, covered)
    k = int(min(max(round(k), 0), vacancies, case_posts))
    other = vacancies - k
    return k, other


def arrivals_per_day(cases_held: float, mean_duration_days: float) -> float:
    """Little's law: the arrival rate (cases a day) that keeps ``cases_held`` open when a
    case stays open ``mean_duration_days`` on average (and waits about nothing)."""
    return cases_held / mean_duration_days


def open_case_mix(scn: Scenario) -> tuple[float, float]:
    """(mean weight, mean direct hours a week) of an open case in equilibrium.

    Types are open in proportion to share x mean duration.
    """
    types = scn.demand.case_types.values()
    open_share = [t.share * t.duration.mean for t in types]
    total = sum(open_share)
    weight = sum(s * t.weight for s, t in zip(open_share, types, strict=True)) / total
    hours = sum(s * t.direct_hours_per_week for s, t in zip(open_share, types, strict=True)) / total
    return weight, hours


def available_hours(scn: Scenario, fte: float, admin_share: float) -> float:
    """Direct-work hours a week of a case holder (as ``Caseload.available_hours``)."""
    cap = scn.capacity
    contracted = fte * cap.contracted_hours_per_week
    training = fte * cap.training_days_per_year * cap.contracted_hours_per_week / 5
    supervision = cap.supervision_hours_per_month * 12
    weeks = WEEKS_PER_YEAR
    return contracted * (1 - admin_share - cap.absence_rate) - (training + supervision) / weeks


def mean_completed_tenure_days(
    rate_per_year: float,
    other: float,
    scn: Scenario,
    step: float = 1.0,
    retirement_rate_per_year: float = RETIREMENT_RATE_PER_YEAR,
    notice_days: float = NOTICE_DAYS,
) -> tuple[float, float, float]:
    """Mean, second and third moments (days) of completed tenure, notice included.

    The hazard at tenure t (years) is rate x other x tenure_on_resignation(t) + retirement.
    """
    t = np.arange(0.0, 120 * DAYS_PER_YEAR, step)
    curve = scn.effects.tenure_on_resignation
    # the model brings hazards up to date monthly, so the tenure multiplier is held for 30 days
    tenure_m = np.array([curve(x / DAYS_PER_YEAR) for x in t[:: int(30 / step)]])
    tenure_m = np.repeat(tenure_m, int(30 / step))[: len(t)]
    hazard = (rate_per_year * other * tenure_m + retirement_rate_per_year) / DAYS_PER_YEAR
    cumulative = np.concatenate([[0.0], np.cumsum(hazard[:-1] * step)])
    survival = np.exp(-cumulative)
    # time to notice X has survival S; completed tenure T = X + notice
    m1 = survival.sum() * step
    m2 = (2 * t * survival).sum() * step
    m3 = (3 * t**2 * survival).sum() * step
    n = notice_days
    return m1 + n, m2 + 2 * n * m1 + n**2, m3 + 3 * n * m2 + 3 * n**2 * m1 + n**3


def covered_share(
    availability: float,
    vacancy_days: np.ndarray,
    search_log: np.ndarray,
    stays: np.ndarray,
    search_days: float = AGENCY_SEARCH_DAYS,
) -> float:
    """Expected share of vacant time covered by agency, for given vacancy durations.

    Each vacancy starts with a search; searches of ``search_days`` succeed with chance
    ``availability``, so their number is geometric, drawn by inverse transform from
    ``search_log`` (= log of uniforms) so that the result moves smoothly with the
    availability; ``stays`` are the assignment lengths that follow each search.
    """
    t = np.zeros_like(vacancy_days)
    covered = np.zeros_like(vacancy_days)
    log_fail = math.log1p(-availability) if availability < 1 else None
    for k in range(search_log.shape[0]):
        live = t < vacancy_days
        if not live.any():
            break
        searches = np.ceil(search_log[k] / log_fail) if log_fail is not None else 1.0
        t = t + np.where(live, searches * search_days, 0.0)
        covered += np.where(live, np.clip(vacancy_days - t, 0.0, stays[k]), 0.0)
        t = t + np.where(live, stays[k], 0.0)
    return float(covered.sum() / vacancy_days.sum())

"""Fitting the reputation effects to the published pattern across councils.

Evidence: each council's DfE 30 September figures for 2022-2025 joined to its latest Ofsted
judgement before that date (:func:`staffsim.data.latest_rating_by_census`), averaged over
council-year rows by judgement. Councils judged worse have higher turnover, longer
vacancies and a larger covered share of vacancies.

Method. A judgement pulls reputation towards ``reputation.target_by_rating`` (the schema
default), so each judgement group is read as a council whose reputation sits at that
target; the "good" group, whose target is the typical council's, is the reference
(multiplier 1). For each group ``r``:

* resignation: the resignation part of turnover, ``(t_r - retirement) / (t_good -
  retirement)``, is ``reputation_on_resignation`` at the group's reputation;
* applicants: by the renewal relation (vacant share = time to fill / (tenure + time to
  fill)), the mean time to fill is ``D_r = v_r / ((1 - v_r) t_r)`` years. The model's time
  to fill is ``notice + (campaign + gap) / p - gap`` with ``p = 1 - exp(-m A)`` the chance a
  campaign succeeds, ``m`` the reference offers per campaign and ``A`` the applicants
  multiplier; so ``A_r / A_good = ln(1 - p_r) / ln(1 - p_good)``, whatever ``m`` is;
* agency availability: within a vacancy of length ``D_r``, cover alternates between
  searching (mean ``search / q``) and an assignment (mean ``L``); started uncovered, the
  covered share of the vacancy is ``L/(U+L) (1 - (1 - exp(-k D))/(k D))`` with
  ``U = search / q`` and ``k = 1/U + 1/L`` (exponential spells). Solving for ``q`` in each
  group gives ``q_r / q_good``.

The recruitment and agency timings come from ``scenarios/england_2025.yaml``. The fitted
points are ``(target reputation of r, multiplier of r)`` for the four judgements.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.optimize import brentq

from staffsim.scenario.schema import Scenario
from staffsim.scenario.spiral import RATINGS

__all__ = ["GroupRates", "ReputationFit", "fit_reputation_effects", "published_group_rates"]

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class GroupRates:
    """Mean published rates (fractions) of one judgement group, and its size."""

    rating: str
    turnover: float
    vacancy: float
    vacancy_cover: float
    n: int


@dataclass(frozen=True)
class ReputationFit:
    """Fitted curve points per effect and the quantities behind them, per judgement."""

    points: dict[str, tuple[tuple[float, float], ...]]
    time_to_fill_days: dict[str, float]
    availability: dict[str, float]
    groups: dict[str, GroupRates]


def published_group_rates(years: range = range(2022, 2026)) -> dict[str, GroupRates]:
    """Turnover, vacancy and vacancy-cover rates by latest Ofsted judgement (fractions)."""
    from staffsim.data import latest_rating_by_census

    joined = latest_rating_by_census(years)
    joined = joined[joined.rating.notna()]
    out: dict[str, GroupRates] = {}
    for label, key in zip(
        ("outstanding", "good", "requires improvement", "inadequate"), RATINGS, strict=True
    ):
        rows = joined[joined.rating == label]
        out[key] = GroupRates(
            rating=key,
            turnover=rows.turnover_rate_fte.mean() / 100,
            vacancy=rows.vacancy_rate_fte.mean() / 100,
            vacancy_cover=rows.vacancy_agency_cover_rate_fte.mean() / 100,
            n=len(rows),
        )
    return out


def _covered_share(q: float, search_days: float, stay_days: float, vacancy_days: float) -> float:
    uncovered = search_days / q
    k = 1 / uncovered + 1 / stay_days
    kd = k * vacancy_days
    return stay_days / (uncovered + stay_days) * (1 - (-math.expm1(-kd)) / kd)


def fit_reputation_effects(
    scenario: Scenario, groups: dict[str, GroupRates] | None = None
) -> ReputationFit:
    """Fit the reputation effects' points, using ``scenario``'s recruitment and agency timings
    and retirement rate (normally ``scenarios/england_2025.yaml``)."""
    groups = groups or published_group_rates()
    rec, ag = scenario.recruitment, scenario.agency
    notice = rec.starter_notice_days.mean
    campaign = rec.campaign_days.mean
    gap = rec.readvertise_gap_days
    retirement = scenario.attrition.retirement_rate_per_year
    search = ag.search_days.mean
    stay = ag.assignment_days.mean
    targets: dict[str, float] = {
        rating: value for rating, value in scenario.reputation.target_by_rating.items()
    }

    fill, success, availability = {}, {}, {}
    for key, g in groups.items():
        fill[key] = g.vacancy / ((1 - g.vacancy) * g.turnover) * DAYS_PER_YEAR
        success[key] = min((campaign + gap) / (fill[key] - notice + gap), 1 - 1e-12)
        availability[key] = (
            brentq(
                lambda q, g=g, d=fill[key]: _covered_share(q, search, stay, d) - g.vacancy_cover,
                1e-6,
                1.0,
            )
            if _covered_share(1.0, search, stay, fill[key]) > g.vacancy_cover
            else 1.0
        )
    ref = groups["good"]
    resign_ref = ref.turnover - retirement
    order = sorted(groups, key=lambda k: targets[k])
    points = {
        "reputation_on_resignation": tuple(
            (targets[k], round(float((groups[k].turnover - retirement) / resign_ref), 3))
            for k in order
        ),
        "reputation_on_applicants": tuple(
            (targets[k], round(float(math.log1p(-success[k]) / math.log1p(-success["good"])), 3))
            for k in order
        ),
        "reputation_on_agency_availability": tuple(
            (targets[k], round(float(availability[k] / availability["good"]), 3)) for k in order
        ),
    }
    return ReputationFit(points, fill, availability, groups)

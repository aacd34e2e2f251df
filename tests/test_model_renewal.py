"""Renewal theory: one post alternates between filled and vacant.

One case-holding post; its employee leaves after an exponential tenure of mean T (constant
hazard, no notice, every effect off); the campaign opens when they leave and always fills
the post after exactly D days (1000 appointable applicants who accept, so the chance of
success ``1 - exp(-1000)`` is 1.0 in floating point; no starter notice). Cycles of length
C = U + D with U ~ Exp(T) form a renewal process, so by the renewal-reward theorem the
post is vacant a share D / (T + D) of the time. With agency cover found after a fixed
search of A < D days (always available, assignments longer than the run) the post is
vacant but uncovered for A days a cycle: a share A / (T + D).

Tolerances come from the renewal-reward central limit theorem: over a horizon H the
reward R(H) (vacant or uncovered days) has variance (H / mu) Var(R_cycle - p C) =
(H / mu) p^2 T^2, with mu = T + D, because only U is random. The run starts at the
beginning of a filled spell (the first employee's remaining tenure is Exp(T) again), which
shifts E[R(H)] by the constant b = (E[R] E[C^2] / (2 mu) - E[int_0^C s r(s) ds]) / mu: the
expected share is p + b / H, with b = -T D^2 / (2 mu^2) for vacancy and
b = A D^2 / (2 mu^2) - A^2 / (2 mu) for uncovered time (a few days over a 20-year run).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from modelkit import NEVER, Z, fixed, make, quiet_base, runs, total

from staffsim.model.sampling import poisson_at_least_one
from staffsim.model.service import DAYS_PER_YEAR

TENURE_DAYS = 73.05  # a resignation rate of 5 a year, the schema's maximum: many cycles
FILL_DAYS = 30.0
SEARCH_DAYS = 10.0
HORIZON_YEARS = 20.0
REPLICATIONS = 100


def _scenario(cover: bool):
    return make(
        quiet_base(),
        {
            "horizon_years": HORIZON_YEARS,
            "attrition.resignation_rate_per_year": DAYS_PER_YEAR / TENURE_DAYS,
            "recruitment.open_at": "leaving",
            "recruitment.campaign_days": fixed(FILL_DAYS),
            "agency.cover_vacancies": cover,
            "agency.search_days": fixed(SEARCH_DAYS),
            "agency.availability": 1.0,
            "agency.assignment_days": fixed(NEVER),
        },
    ).with_effects_off()


def _campaigns_always_succeed() -> None:
    """With 1000 appointable applicants who accept, even the largest uniform draw below 1
    gives a hire: the time to fill is exactly D."""
    assert poisson_at_least_one(1000.0, math.nextafter(1.0, 0.0))


def _shares(cover: bool) -> tuple[np.ndarray, np.ndarray, float]:
    """Vacant and uncovered shares of each replication, and the horizon in days."""
    _campaigns_always_succeed()
    vacant, uncovered, horizons = [], [], set()
    for result in runs(_scenario(cover), range(REPLICATIONS)):
        rows = result["monthly"]
        days = total(rows, "days")
        horizons.add(days)
        vacant.append(total(rows, "vacant_post_days") / days)
        uncovered.append(total(rows, "uncovered_post_days") / days)
    assert len(horizons) == 1
    return np.array(vacant), np.array(uncovered), horizons.pop()


def _assert_renewal(shares: np.ndarray, p: float, bias_days: float, horizon: float, what: str):
    """The mean share is p + b / H within Z renewal-reward standard errors."""
    mu = TENURE_DAYS + FILL_DAYS
    se = p * TENURE_DAYS / math.sqrt(horizon * mu) / math.sqrt(len(shares))
    expected = p + bias_days / horizon
    mean = float(shares.mean())
    spread_se = float(shares.std(ddof=1) / math.sqrt(len(shares)))
    print(
        f"{what}: simulated {mean:.6g}, renewal theory {expected:.6g} (p = {p:.6g}); "
        f"s.e. {se:.3g} from the CLT, {spread_se:.3g} from the replications"
    )
    assert abs(mean - expected) <= Z * se, (
        f"{what}: simulated {mean:.6g}, expected {expected:.6g}, "
        f"off by {abs(mean - expected) / se:.2f} s.e. (allowed {Z})"
    )
    # the CLT standard error must describe the replications' spread too (the estimated
    # standard deviation of n normal draws has a relative standard error of 1/sqrt(2(n-1)))
    assert abs(spread_se / se - 1) <= Z / math.sqrt(2 * (len(shares) - 1))


@pytest.mark.slow
def test_renewal_vacant_share_is_d_over_t_plus_d_without_agency():
    """T = 73.05, D = 30: vacant (and uncovered) 30 / 103.05 = 29.1% of the time."""
    vacant, uncovered, horizon = _shares(cover=False)
    mu = TENURE_DAYS + FILL_DAYS
    p = FILL_DAYS / mu
    bias = -TENURE_DAYS * FILL_DAYS**2 / (2 * mu**2)
    _assert_renewal(vacant, p, bias, horizon, "vacant share, no agency")
    assert np.array_equal(vacant, uncovered)


@pytest.mark.slow
def test_renewal_uncovered_share_is_a_over_t_plus_d_with_agency_cover():
    """With cover after A = 10 days: still vacant 29.1% of the time (cover does not fill a
    post), uncovered 10 / 103.05 = 9.7% of the time."""
    vacant, uncovered, horizon = _shares(cover=True)
    mu = TENURE_DAYS + FILL_DAYS
    p_vacant = FILL_DAYS / mu
    p_uncovered = SEARCH_DAYS / mu
    _assert_renewal(
        vacant,
        p_vacant,
        -TENURE_DAYS * FILL_DAYS**2 / (2 * mu**2),
        horizon,
        "vacant share, agency cover",
    )
    _assert_renewal(
        uncovered,
        p_uncovered,
        SEARCH_DAYS * FILL_DAYS**2 / (2 * mu**2) - SEARCH_DAYS**2 / (2 * mu),
        horizon,
        "uncovered share, agency cover",
    )

"""The state a run starts from: open cases and staff in post, without warm-up bias.

The scenario states the workforce and the open cases on the start date. Open cases number
lambda x E[D] (their mean in equilibrium), split by type in proportion to share x mean
duration, and their remaining durations follow the residual (equilibrium) distribution,
of density S(x) / E[D] and mean E[D^2] / (2 E[D]). Staff in post have a tenure so far and
leave at a hazard that follows their tenure from there on, so their remaining tenure is
conditional on it. Started so, the open-case count has no trend to settle.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from modelkit import (
    NEVER,
    Z,
    after,
    assert_close,
    assert_increase,
    fixed,
    make,
    one_type,
    quiet_base,
    runs,
    time_mean,
)
from scipy import stats

from staffsim.model.run import build
from staffsim.model.service import DAYS_PER_YEAR
from staffsim.scenario.effects import Effect
from staffsim.scenario.schema import Scenario

ALPHA = 2 * stats.norm.sf(Z)
"""Significance level of distribution tests, the two-sided tail beyond Z standard errors."""


def _initial_cases(svc) -> list:
    """The cases open on the start date (the ones created by the initial state)."""
    held = [c for w in svc.caseload.holders.values() for c in w.cases]
    return [c for c in (*held, *svc.caseload.waiting) if c.id < 0]


def test_initial_open_cases_match_the_equilibrium_count_and_mix():
    """The default service opens with round(5 x 247) = 1235 cases, and the types split as
    share x mean duration: 37.7%, 34.0% and 28.3% (within 4 multinomial standard errors
    over five replications)."""
    scenario = Scenario()
    d = scenario.demand
    expected = round(d.arrivals_per_day * d.mean_duration_days)
    weights = np.array([t.share * t.duration.mean for t in d.case_types.values()])
    shares = weights / weights.sum()
    counts = np.zeros(len(shares))
    for replication in range(5):
        svc, _ = build(scenario, replication)
        cases = _initial_cases(svc)
        assert svc.caseload.open_cases == len(cases) == expected
        counts += np.bincount([c.kind for c in cases], minlength=len(shares))
    n = counts.sum()
    for k, name in enumerate(d.case_types):
        se = math.sqrt(n * shares[k] * (1 - shares[k]))
        print(f"{name}: {counts[k] / n:.4f} of open cases, expected {shares[k]:.4f}")
        assert abs(counts[k] - n * shares[k]) <= Z * se, name


def _lognormal_residual_cdf(mean: float, sd: float):
    sigma2 = math.log1p((sd / mean) ** 2)
    mu, sigma = math.log(mean) - sigma2 / 2, math.sqrt(sigma2)
    dist = stats.lognorm(s=sigma, scale=math.exp(mu))
    biased = stats.lognorm(s=sigma, scale=math.exp(mu + sigma2))
    return lambda x: (x * dist.sf(x) + mean * biased.cdf(x)) / mean


def _gamma_residual_cdf(mean: float, sd: float):
    shape = (mean / sd) ** 2
    scale = mean / shape
    dist = stats.gamma(shape, scale=scale)
    biased = stats.gamma(shape + 1, scale=scale)
    return lambda x: (x * dist.sf(x) + mean * biased.cdf(x)) / mean


def _uniform_residual_cdf(lo: float, hi: float):
    mean = (lo + hi) / 2

    def cdf(x):
        x = np.asarray(x, dtype=float)
        sf = np.clip((hi - x) / (hi - lo), 0, 1)
        inner = np.clip(x, lo, hi)
        biased = (inner**2 - lo**2) / (2 * (hi - lo) * mean)
        return (x * sf + mean * biased) / mean

    return cdf


RESIDUAL_CASES = [
    pytest.param(
        {"dist": "lognormal", "mean_days": 100, "sd_days": 200},
        _lognormal_residual_cdf(100, 200),
        id="lognormal",
    ),
    pytest.param(
        {"dist": "gamma", "mean_days": 100, "sd_days": 40}, _gamma_residual_cdf(100, 40), id="gamma"
    ),
    pytest.param(
        {"dist": "uniform", "min_days": 20, "max_days": 180},
        _uniform_residual_cdf(20, 180),
        id="uniform",
    ),
    pytest.param(
        {"dist": "exponential", "mean_days": 100}, stats.expon(scale=100).cdf, id="exponential"
    ),
    pytest.param(fixed(100), stats.uniform(0, 100).cdf, id="fixed"),
]


def _second_moment(duration: dict) -> float:
    dist = duration["dist"]
    if dist in ("lognormal", "gamma"):
        return duration["sd_days"] ** 2 + duration["mean_days"] ** 2
    if dist == "uniform":
        lo, hi = duration["min_days"], duration["max_days"]
        return (hi**3 - lo**3) / (3 * (hi - lo))
    if dist == "exponential":
        return 2 * duration["mean_days"] ** 2
    return duration["days"] ** 2


@pytest.mark.slow
@pytest.mark.parametrize(("duration", "residual_cdf"), RESIDUAL_CASES)
def test_initial_remaining_durations_follow_the_residual_distribution(duration, residual_cdf):
    """About 15,000 cases open at the start: the mean remaining duration equals
    E[D^2] / (2 E[D]) within 4 standard errors (lognormal mean 100 sd 200: 250 days, not
    100), and the remaining durations pass a Kolmogorov-Smirnov test against the residual
    distribution at the level of 4 standard errors."""
    scenario = make(
        quiet_base(case_holding_posts=100),
        {
            "caseload.target_per_fte": 200,
            "demand.arrivals_per_day": 150,
            "demand.case_types": one_type(duration),
        },
    )
    svc, _ = build(scenario, 0)
    remaining = np.array([c.duration for c in _initial_cases(svc)])
    assert len(remaining) == 15_000
    mean_duration = scenario.demand.mean_duration_days
    expected = _second_moment(duration) / (2 * mean_duration)
    se = remaining.std(ddof=1) / math.sqrt(len(remaining))
    print(
        f"{duration['dist']}: mean remaining {remaining.mean():.4g} +- {se:.3g} days, "
        f"E[D^2] / (2 E[D]) = {expected:.4g}, E[D] = {mean_duration:.4g}"
    )
    assert abs(remaining.mean() - expected) <= Z * se
    assert stats.kstest(remaining, residual_cdf).pvalue > ALPHA


TENURE_RATE_PER_YEAR = 0.4
TENURE_POINTS = ((0.0, 3.0), (1.0, 2.0), (3.0, 1.0), (6.0, 0.5))


def _tenure_multiplier(years):
    xs, ys = zip(*TENURE_POINTS, strict=True)
    return np.interp(years, xs, ys)


def _p_notice_in_first_year(tenure_days: np.ndarray, review_days: float) -> np.ndarray:
    """Chance of resigning within a year of the start for employees with ``tenure_days`` so
    far, under the model's hazard: the effect curve read at each review and held until the
    next (12 reviews a year)."""
    reviews = np.arange(0.0, DAYS_PER_YEAR, review_days)
    ends = np.minimum(reviews + review_days, DAYS_PER_YEAR)
    years = (tenure_days[:, None] + reviews[None, :]) / DAYS_PER_YEAR
    hazard = TENURE_RATE_PER_YEAR / DAYS_PER_YEAR * _tenure_multiplier(years)
    return -np.expm1(-(hazard * (ends - reviews)[None, :]).sum(axis=1))


@pytest.mark.slow
def test_initial_staff_remaining_tenure_is_conditional_on_tenure_so_far():
    """4,000 employees in post with tenure so far uniform over 0-8 years and a resignation
    hazard (every other effect off) 3 times the base rate at the start of a post, falling to
    half after six years:
    their resignations in the first simulated year match the hazard from their own tenure
    on (within 4 standard errors overall and in each tenure band), and not the hazard of
    new starters (which the count rejects by far more than 4 standard errors)."""
    scenario = make(
        quiet_base(case_holding_posts=2000),
        {
            "horizon_years": 1.0,
            "attrition.resignation_rate_per_year": TENURE_RATE_PER_YEAR,
            "recruitment.campaign_days": fixed(NEVER),
            "initial.tenure_days": {"dist": "uniform", "min_days": 0, "max_days": 8 * 365.25},
        },
    ).with_effects_off()
    tenure_effect = Effect(points=TENURE_POINTS)
    scenario = scenario.model_copy(
        update={
            "effects": scenario.effects.model_copy(update={"tenure_on_resignation": tenure_effect})
        }
    )
    tenures, resigned = [], []
    for replication in range(2):
        notices: set[int] = set()
        svc, _ = build(
            scenario,
            replication,
            trace=lambda day, kind, f, notices=notices: (
                notices.add(f["worker"]) if kind == "notice" else None
            ),
        )
        staff = list(svc.staff.employees.values())
        svc.env.run(until=DAYS_PER_YEAR)
        tenures += [w.tenure_at_start_days for w in staff]
        resigned += [w.id in notices for w in staff]
    tenure = np.array(tenures)
    left = np.array(resigned)
    assert_close(tenure / 365.25, 4.0, "tenure so far of staff in post (years)")
    p = _p_notice_in_first_year(tenure, scenario.attrition.review_interval_days)
    naive = _p_notice_in_first_year(np.zeros_like(tenure), scenario.attrition.review_interval_days)
    bands = [(0, 1), (1, 3), (3, 6), (6, 8), (0, 8)]
    for lo, hi in bands:
        inside = (tenure >= lo * 365.25) & (tenure < hi * 365.25)
        observed = left[inside].sum()
        expected = p[inside].sum()
        se = math.sqrt((p[inside] * (1 - p[inside])).sum())
        print(
            f"tenure {lo}-{hi} years: {observed} resigned of {inside.sum()}, "
            f"expected {expected:.1f} +- {se:.1f}; as new starters {naive[inside].sum():.1f}"
        )
        assert abs(observed - expected) <= Z * se, (lo, hi)
    se_naive = math.sqrt((naive * (1 - naive)).sum())
    assert naive.sum() - left.sum() > 2 * Z * se_naive


def _cases_scenario(open_cases: int | None):
    """The default demand (three case types, lognormal durations) and a workforce with
    room for every case, started at equilibrium or empty."""
    return make(
        Scenario().model_dump(mode="json"),
        {
            "horizon_years": 3.0,
            "establishment": {"case_holding_posts": 20, "non_case_holding_posts": 3},
            "caseload.target_per_fte": 200,
            "initial.open_cases": open_cases,
        },
    )


@pytest.mark.slow
def test_initial_state_open_cases_stay_flat_without_warm_up():
    """Started at equilibrium, the default demand's open cases (lognormal durations of 150
    to 700 days) average the same in the first year as in years 2 and 3, and both equal
    lambda E[D] = 1235 (within 4 standard errors of 40 paired replications); started empty,
    the first year falls far short (so the comparison can tell)."""
    scenario = _cases_scenario(None)
    lam_d = scenario.demand.arrivals_per_day * scenario.demand.mean_duration_days
    first, later = [], []
    for result in runs(scenario, range(40)):
        rows = result["monthly"]
        assert all(row["cases_waiting"] == 0 for row in rows)
        first.append(time_mean(rows[:12], "cases_open_mean"))
        later.append(time_mean(after(rows, 366), "cases_open_mean"))
    assert_close(np.subtract(first, later), 0.0, "first-year minus later open cases")
    assert_close(first, lam_d, "open cases in the first year")
    assert_close(later, lam_d, "open cases in years 2 and 3")
    empty_first = [
        time_mean(r["monthly"][:12], "cases_open_mean") for r in runs(_cases_scenario(0), range(10))
    ]
    assert_increase(
        empty_first, first[:10], "first-year open cases, empty start -> equilibrium start"
    )

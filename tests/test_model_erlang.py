"""Erlang C: with a fixed workforce the service is an M/M/c queue.

Five full-time social workers with a cap of two cases each give c = 10 case slots; cases
(weight 1) arrive as a Poisson stream and stay open an exponential time. Nobody leaves, no
agency, no recruitment, no ramp-up or protected caseloads, so the allocation rule (least
loaded worker under the cap, otherwise first come first served) is exactly c servers and
one queue. The time unit is chosen so runs are fast: a case lasts a day on average, so a
simulated year holds about 3,300 cases and many busy periods.

The run starts empty and the first year is discarded: at this load the queue forgets its
start in about 1 / (c mu (1 - sqrt(rho))^2) = 38 days, so a year is ten relaxation times.
"""

from __future__ import annotations

import math

import pytest
from modelkit import after, assert_close, exponential, make, one_type, runs, total, wait_days_total

C_SLOTS = 10
WORKERS = 5
MEAN_DAYS = 1.0
LOAD = 0.9
REPLICATIONS = 24
WARM_UP_DAYS = 365.0


def erlang_c(c: int, offered: float) -> float:
    """Probability an arrival waits in an M/M/c queue with offered load ``offered`` = lambda/mu."""
    rho = offered / c
    terms = [offered**k / math.factorial(k) for k in range(c)]
    top = offered**c / math.factorial(c) / (1 - rho)
    return top / (sum(terms) + top)


def _scenario():
    arrivals = LOAD * C_SLOTS / MEAN_DAYS
    return make(
        {
            "name": "erlang",
            "horizon_years": 9.0,
            "establishment": {"case_holding_posts": WORKERS, "non_case_holding_posts": 0},
            "workforce": {"part_time_share": 0.0},
            "caseload": {
                "target_per_fte": C_SLOTS / WORKERS,
                "ceiling_per_fte": C_SLOTS / WORKERS,
            },
            "attrition": {"resignation_rate_per_year": 0.0, "retirement_rate_per_year": 0.0},
            "recruitment": {"ramp_up_days": 0.0},
            "agency": {"cover_vacancies": False, "extra_workers": 0},
            "initial": {"open_cases": 0},
            "demand": {
                "arrivals_per_day": arrivals,
                "case_types": one_type(exponential(MEAN_DAYS)),
            },
        }
    ).with_effects_off()


@pytest.mark.slow
def test_erlang_c_share_waiting_and_mean_wait_match_mm_c():
    """At load 0.9 with 10 slots, P(wait) = 0.6687 and the mean wait is
    P(wait) / (c mu - lambda) = 0.6687 days; the replications' means agree with both
    within 4 standard errors, and every worker stays in post (fixed workforce)."""
    scenario = _scenario()
    lam = scenario.demand.arrivals_per_day
    p_wait = erlang_c(C_SLOTS, lam * MEAN_DAYS)
    mean_wait = p_wait / (C_SLOTS / MEAN_DAYS - lam)
    shares, waits = [], []
    for result in runs(scenario, range(REPLICATIONS)):
        assert total(result["monthly"], "leavers_headcount") == 0
        assert all(row["employed_headcount"] == WORKERS for row in result["monthly"])
        rows = after(result["monthly"], WARM_UP_DAYS)
        allocated = total(rows, "cases_first_allocated")
        shares.append(total(rows, "cases_waited") / allocated)
        waits.append(wait_days_total(rows) / allocated)
    assert_close(shares, p_wait, "share of cases that wait (Erlang C)")
    assert_close(waits, mean_wait, "mean wait in days (M/M/c)")

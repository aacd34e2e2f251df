"""Little's law: cases in the system = arrival rate x (mean wait + mean duration).

With every feedback effect off, a case's time in the system is its wait for a first social
worker plus its duration (a case reallocated after its worker leaves keeps its closing day,
whether it is reallocated at once or waits again). So the time-averaged number of open
cases, allocated and waiting, must equal lambda x (W + E[D]) for the scenario's arrival
rate lambda and mean duration E[D] and the simulated mean wait W, in a service where
capacity swings with vacancies, agency cover comes and goes and some cases wait.

Each replication gives L - lambda (W + E[D]) over years 3 to 8 (the first two years,
starting from a full establishment, are discarded); the mean of these differences must be
within 4 standard errors (from their spread) of zero.
"""

from __future__ import annotations

import pytest
from modelkit import after, assert_close, busy_base, make, runs, time_mean, total, wait_days_total

REPLICATIONS = 30
WARM_UP_DAYS = 2 * 365.25


@pytest.mark.slow
@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({}, id="agency_cover"),
        pytest.param(
            {"agency.cover_vacancies": False, "demand.arrivals_per_day": 1.6}, id="no_agency"
        ),
    ],
)
def test_little_cases_in_system_equal_arrival_rate_times_time_in_system(changes):
    """L = lambda (W + E[D]) within 4 standard errors, in a regime where a share of cases
    (at least 5%) waits for allocation."""
    scenario = make(busy_base(), changes).with_effects_off()
    lam = scenario.demand.arrivals_per_day
    mean_duration = scenario.demand.mean_duration_days
    gaps, in_system, predicted, waited = [], [], [], []
    for result in runs(scenario, range(REPLICATIONS)):
        rows = after(result["monthly"], WARM_UP_DAYS)
        allocated = total(rows, "cases_first_allocated")
        mean_wait = wait_days_total(rows) / allocated
        open_mean = time_mean(rows, "cases_open_mean")
        in_system.append(open_mean)
        predicted.append(lam * (mean_wait + mean_duration))
        waited.append(total(rows, "cases_waited") / allocated)
        gaps.append(in_system[-1] - predicted[-1])
    share_waited = sum(waited) / len(waited)
    assert share_waited > 0.05, f"only {share_waited:.1%} of cases waited: not a queueing regime"
    print(
        f"cases in system {sum(in_system) / len(in_system):.5g}, lambda (W + E[D]) "
        f"{sum(predicted) / len(predicted):.5g}; share of cases that waited {share_waited:.3f}"
    )
    assert_close(gaps, 0.0, "L - lambda (W + E[D]) in cases")

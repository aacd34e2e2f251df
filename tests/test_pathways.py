"""Caseloads as services carry them: a flexing target, an optional ceiling, case pathways,
and continuity as DfE counts it.

Each check is analytic or structural: a case past its assessment changes worker once; moves
after it are a Poisson stream whose mean count is rate x time; DfE's three-or-more share of
a stationary looked-after caseload is P(Poisson(rate) >= 2); a target without a ceiling
never makes a case wait while anyone holds cases.
"""

from __future__ import annotations

import math

import pytest
from modelkit import after, fixed, make, mean_se, one_type, quiet_base, total

from staffsim.model.run import build, run_one
from staffsim.units import DAYS_PER_YEAR

ASSESSMENT = 63.0


def _service(changes: dict) -> dict:
    base = quiet_base(case_holding_posts=40)
    base["horizon_years"] = 3.0
    return make(base, changes).model_dump(mode="json")


def test_above_the_target_cases_are_still_allocated_and_never_wait() -> None:
    """With no ceiling, twice the cases the targets hold are all allocated, to the
    least-loaded holders, so caseloads stay within one case of each other."""
    scenario = make(
        _service({}),
        {
            "caseload.target_per_fte": 5.0,
            "initial.open_cases": 400,  # 10 per holder against a target of 5
            "demand.case_types": one_type(fixed(5000)),
        },
    )
    svc, observer = build(scenario, 0)
    loads = [len(w.cases) for w in svc.caseload.holders.values()]
    assert svc.caseload.n_waiting == 0 and sum(loads) == 400
    assert max(loads) - min(loads) <= 1
    assert observer._stocks()["holders_over_target_pct"] == 100.0


def test_a_ceiling_makes_the_cases_beyond_it_wait_with_the_duty_team() -> None:
    """With a ceiling of 6 for 40 holders, 240 of 400 cases are allocated and 160 wait,
    counted as waiting (duty-held), never as held."""
    scenario = make(
        _service({}),
        {
            "caseload.target_per_fte": 5.0,
            "caseload.ceiling_per_fte": 6.0,
            "initial.open_cases": 400,
            "demand.case_types": one_type(fixed(5000)),
        },
    )
    svc, observer = build(scenario, 0)
    stocks = observer._stocks()
    assert (stocks["cases_held"], stocks["cases_waiting"]) == (240, 160)
    assert all(w.load <= 6.0 for w in svc.caseload.holders.values())


def test_a_ceiling_below_the_target_is_refused() -> None:
    with pytest.raises(ValueError, match=r"at least caseload.target_per_fte \(20\)"):
        make(_service({}), {"caseload.target_per_fte": 20, "caseload.ceiling_per_fte": 18})


def _arriving(rate: float, duration: float) -> dict:
    return make(
        _service({}),
        {
            "demand.arrivals_per_day": 2.0,
            "initial.open_cases": 0,
            "demand.case_types": one_type(fixed(duration)),
            "pathways.assessment_days": ASSESSMENT,
            "pathways.transfer_rate_per_year": rate,
            "horizon_years": 6.0,
        },
    )


@pytest.mark.parametrize(("duration", "moves"), [(200.0, 1), (50.0, 0)])
def test_a_case_open_past_its_assessment_changes_worker_once(duration: float, moves: int) -> None:
    """With no later moves, a case lasting longer than the assessment passes to another
    worker exactly once, on the day its assessment ends; one closing before never does."""
    svc, _ = build(_arriving(0.0, duration), 0)
    svc.env.run(until=300.0)
    closed = svc.caseload.closed_recent
    assert len(closed) > 100
    for case in closed:
        assert len(case.alloc_days) == 1 + moves
        if moves:
            assert case.alloc_days[1] - case.alloc_days[0] == pytest.approx(ASSESSMENT)


def test_moves_after_assessment_are_a_poisson_stream_at_the_stated_rate() -> None:
    """A case of 400 days makes one assessment move, then Poisson(rate x 337 days) more, so
    in the steady state changes of worker a day over arrivals a day (renewal-reward) is
    1 + rate x (400 - 63) / 365.25; the replications agree within 4 standard errors."""
    rate = 1.5
    scenario = _arriving(rate, 400.0)
    values = []
    for r in range(8):
        rows = after(run_one(scenario, r)["monthly"], 500.0)  # past the first 400-day cases
        values.append(total(rows, "sw_changes") / total(rows, "cases_arrived"))
    mean, se = mean_se(values)
    expected = 1 + rate * (400.0 - ASSESSMENT) / DAYS_PER_YEAR
    assert abs(mean - expected) <= 4 * se, (mean, se, expected)


def _cla_share(rate: float, replications: int = 6) -> list[list[float]]:
    """``cla_3plus_sw_pct`` of each census row, by replication, for a caseload of long
    looked-after cases open from the start (past their assessment) and nobody leaving."""
    case_types = one_type(fixed(5000))
    case_types["only"]["looked_after"] = True
    scenario = make(
        _service({}),
        {
            "initial.open_cases": 1200,
            "demand.case_types": case_types,
            "pathways.transfer_rate_per_year": rate,
            "pathways.assessment_days": ASSESSMENT,
        },
    )
    return [
        [row["cla_3plus_sw_pct"] for row in run_one(scenario, r)["annual"]]
        for r in range(replications)
    ]


def test_dfe_continuity_is_the_poisson_tail_and_empty_before_a_whole_year() -> None:
    """Each looked-after case has the worker it held on 1 April and Poisson(rate) moves in
    the year to 31 March, so the share with 3+ workers is P(N >= 2) = 1 - e^-r (1 + r);
    the first row (31 March 2025, a year that began before the 1 October 2024 start) is
    empty."""
    rate = 1.0
    shares = _cla_share(rate)
    assert all(math.isnan(row[0]) for row in shares)
    mean, se = mean_se(sum(row[1:]) / len(row[1:]) for row in shares)
    expected = 100 * (1 - math.exp(-rate) * (1 + rate))
    assert abs(mean - expected) <= 4 * se, (mean, se, expected)


def test_more_moves_mean_more_children_with_three_workers() -> None:
    """Direction: continuity worsens as the transfer rate rises."""
    low = [v for row in _cla_share(0.3, 2) for v in row[1:]]
    high = [v for row in _cla_share(1.2, 2) for v in row[1:]]
    assert sum(high) / len(high) > sum(low) / len(low) + 10

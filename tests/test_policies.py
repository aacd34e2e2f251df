"""Each policy lever takes effect on its date and not before.

For every lever a run with the policy is compared with the same run without it (same seed,
so the same random numbers): every monthly row that ends before the policy date is
identical, and the state the lever acts on is unchanged the instant before the date and
changed from the date on.
"""

from __future__ import annotations

import datetime as dt

import pytest

from staffsim.model.run import build, run_one
from staffsim.scenario.schema import Scenario

POLICY_DATE = dt.date(2025, 4, 1)


def _base(**extra) -> dict:
    data = {
        "name": "policy-test",
        "start_date": "2024-10-01",
        "horizon_years": 2,
        "establishment": {"case_holding_posts": 40, "non_case_holding_posts": 15},
        "initial": {"vacant_case_holding_posts": 6, "agency_covering_vacancies": 3},
        "demand": {"arrivals_per_day": 2.4},
        "agency": {"extra_workers": 1},
        # managers stretched, so that a narrower span of control changes supervision
        "supervision": {"manager_hours_per_month": 8},
    }
    data.update(extra)
    return data


def _with_policy(settings: dict, **policy_extra) -> Scenario:
    policy = {"name": "lever", "date": POLICY_DATE.isoformat(), "set": settings, **policy_extra}
    return Scenario.model_validate(_base(policies=[policy]))


def _caps(svc):
    return sorted(
        round(w.target / w.fte, 9)
        for w in svc.caseload.holders.values()
        if w.nq_until <= svc.env.now and w.ramp_until <= svc.env.now
    )


# lever name -> (settings, probe of the state it acts on)
LEVERS = {
    "caseload_cap": ({"caseload.target_per_fte": 15}, _caps),
    "establishment": ({"establishment.case_holding_posts": 50}, lambda svc: svc.staff.n_posts),
    "admin_share": ({"capacity.admin_share": 0.2}, lambda svc: svc.caseload.admin_share()),
    "supervision_frequency": (
        {"capacity.supervision_hours_per_month": 4},
        lambda svc: round(svc.caseload.total_avail_hours, 9),
    ),
    "span_of_control": (
        {"establishment.team_manager_posts": 12},
        lambda svc: len(svc.spiral.team_supervision),
    ),
    "culture": (
        {"culture.target": 1.0, "culture.ramp_days": 0},
        lambda svc: svc.ctx.in_force.culture.target,
    ),
    "pay": ({"costs.retention_supplement_gbp_per_year": 3000}, lambda svc: svc.ctx.pay_ratio()),
    "recruitment_campaign": (
        {"recruitment.applicants_per_campaign": 8},
        lambda svc: svc.ctx.in_force.recruitment.applicants_per_campaign,
    ),
    "newly_qualified_intake": (
        {"recruitment.newly_qualified.per_year": 5},
        lambda svc: svc.ctx.in_force.recruitment.newly_qualified.per_year,
    ),
    "agency_use_cap": (
        {"agency.max_share_of_posts": 0.02},
        lambda svc: svc.ctx.in_force.agency.max_share_of_posts,
    ),
    "agency_price_cap": (
        {"agency.price_cap_gbp_per_day": 200},
        lambda svc: round(svc.staff.agency_price_multiplier, 9),
    ),
}


@pytest.mark.parametrize("lever", sorted(LEVERS))
def test_policy_changes_state_on_its_date_and_not_before(lever: str) -> None:
    """The probed state equals the baseline's just before the date and differs from it on
    the date (after the policy's event)."""
    settings, probe = LEVERS[lever]
    scenario = _with_policy(settings)
    baseline = Scenario.model_validate(_base())
    day = float((POLICY_DATE - scenario.start_date).days)
    with_svc, _ = build(scenario, 0)
    base_svc, _ = build(baseline, 0)
    with_svc.env.run(until=day - 1e-6)
    base_svc.env.run(until=day - 1e-6)
    assert probe(with_svc) == probe(base_svc), "the policy acted before its date"
    with_svc.env.run(until=day + 1e-6)
    base_svc.env.run(until=day + 1e-6)
    assert probe(with_svc) != probe(base_svc), "the policy did not act on its date"


@pytest.mark.parametrize("lever", sorted(LEVERS))
def test_policy_leaves_every_month_before_its_date_unchanged(lever: str) -> None:
    """Under common random numbers the monthly rows before the policy date are identical,
    and the run differs somewhere after it."""
    settings, _ = LEVERS[lever]
    with_policy = run_one(_with_policy(settings), 0)["monthly"]
    baseline = run_one(Scenario.model_validate(_base()), 0)["monthly"]
    before = [i for i, row in enumerate(baseline) if row["period_end"] < POLICY_DATE.isoformat()]
    assert len(before) == 6
    for i in before:
        assert with_policy[i] == baseline[i], f"month {baseline[i]['month']} changed"
    assert with_policy[len(before) :] != baseline[len(before) :]


def test_policy_costs_start_on_the_date() -> None:
    """A policy's one-off cost falls in the month of its date and its running cost accrues
    from the date, pro rata."""
    scenario = _with_policy(
        {"capacity.admin_share": 0.3}, cost_gbp_one_off=10_000, cost_gbp_per_year=36_525
    )
    monthly = run_one(scenario, 0)["monthly"]
    by_month = {row["month"]: row["policy_gbp"] for row in monthly}
    assert by_month["2025-03"] == 0.0
    assert by_month["2025-04"] == pytest.approx(10_000 + 30 * 100.0)
    assert by_month["2025-05"] == pytest.approx(31 * 100.0)


def test_culture_ramp_moves_linearly_from_the_date() -> None:
    """A culture change with a ramp reaches half way half a ramp after its date."""
    scenario = _with_policy({"culture.target": 0.9, "culture.ramp_days": 200})
    svc, _ = build(scenario, 0)
    start = svc.ctx.in_force.culture.just_culture
    day = float((POLICY_DATE - scenario.start_date).days)
    svc.env.run(until=day + 100.0)
    svc.spiral.review(svc.env.now, svc.attrition.next_review)
    assert svc.spiral.culture == pytest.approx(start + (0.9 - start) * 0.5)

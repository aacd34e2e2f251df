"""Direction-of-change and extreme-condition tests.

Direction tests change one input of the busy service and compare paired replications:
replication k of both scenarios shares its random streams (common random numbers), so
the difference is measured against the spread of the paired differences, and the change
must exceed 4 of their standard errors. Extreme-condition tests switch a process off and
check that what it drives is exactly absent (a structural zero, not a seeded number).
"""

from __future__ import annotations

import pytest
from modelkit import assert_increase, busy_base, fixed, make, runs, time_mean, total

REPLICATIONS = 10
YEARS = 4.0
HEAVY = {
    "demand.case_types.short.direct_hours_per_week": 4,
    "demand.case_types.protection.direct_hours_per_week": 5,
    "demand.case_types.looked_after.direct_hours_per_week": 4,
}
"""Cases needing 4 to 5 direct-work hours a week: pressure (hours needed over hours
available) runs above 1.3, where the pressure effect raises the resignation hazard."""


def _base(changes: dict | None = None) -> dict:
    base = busy_base()
    base["horizon_years"] = YEARS
    return make(base, changes).model_dump(mode="json")


def _per_run(changes: dict, metric) -> list[float]:
    """``metric(monthly_rows)`` of each replication of the busy service with ``changes``."""
    return [metric(r["monthly"]) for r in runs(make(_base(), changes), range(REPLICATIONS))]


def _vacant_days(rows) -> float:
    return total(rows, "vacant_post_days")


def _share_waited(rows) -> float:
    return total(rows, "cases_waited") / total(rows, "cases_first_allocated")


def _leavers(rows) -> float:
    return total(rows, "leavers_headcount")


def test_direction_no_leavers_when_the_hazard_is_zero():
    """Resignation and retirement rates of zero: no notices, no leavers, no vacancies, the
    establishment fully employed every month, even under pressures that multiply the
    (zero) hazard by up to 2.6."""
    for result in runs(
        make(
            _base(HEAVY),
            {"attrition.resignation_rate_per_year": 0, "attrition.retirement_rate_per_year": 0},
        ),
        range(3),
    ):
        rows = result["monthly"]
        assert max(row["pressure"] for row in rows) > 1.3
        assert total(rows, "notices_given") == 0
        assert total(rows, "leavers_headcount") == 0
        assert total(rows, "vacant_post_days") == 0
        assert all(row["employed_headcount"] == row["posts"] == 12 for row in rows)


@pytest.mark.slow
def test_direction_longer_time_to_fill_gives_more_vacancy():
    """Campaigns of 120 days instead of 30 leave posts vacant for more days."""
    short = _per_run({"recruitment.campaign_days": fixed(30)}, _vacant_days)
    long = _per_run({"recruitment.campaign_days": fixed(120)}, _vacant_days)
    assert_increase(short, long, "vacant post days, campaign 30 -> 120 days")


@pytest.mark.slow
def test_direction_recruiting_at_notice_gives_less_vacancy_than_at_leaving():
    """Opening the campaign when notice is given (28 days earlier) leaves fewer vacant
    post days than opening it when the leaver goes."""
    at_notice = _per_run({"recruitment.open_at": "notice"}, _vacant_days)
    at_leaving = _per_run({"recruitment.open_at": "leaving"}, _vacant_days)
    assert_increase(at_notice, at_leaving, "vacant post days, recruiting at notice -> leaving")


@pytest.mark.slow
def test_direction_higher_arrival_rate_gives_higher_caseload():
    """1.8 arrivals a day instead of 1.2 raise the mean caseload per case-holder FTE."""
    low = _per_run({"demand.arrivals_per_day": 1.2}, lambda rows: time_mean(rows, "caseload_mean"))
    high = _per_run({"demand.arrivals_per_day": 1.8}, lambda rows: time_mean(rows, "caseload_mean"))
    assert_increase(low, high, "caseload per FTE, arrivals 1.2 -> 1.8 a day")


@pytest.mark.slow
def test_direction_lower_ceiling_gives_more_waiting():
    """A ceiling of 9 caseload units instead of 10 makes a larger share of cases wait."""
    high = _per_run({"caseload.target_per_fte": 9, "caseload.ceiling_per_fte": 10}, _share_waited)
    low = _per_run({"caseload.target_per_fte": 9, "caseload.ceiling_per_fte": 9}, _share_waited)
    assert_increase(high, low, "share of cases that wait, ceiling 10 -> 9")


@pytest.mark.slow
def test_direction_pressure_effect_off_gives_fewer_leavers_under_high_pressure():
    """With cases needing 4 to 5 direct-work hours a week, pressure runs above 1.3, where
    the pressure effect multiplies the resignation hazard by 1.4 or more: switching that
    effect off (every other effect on) gives fewer leavers."""
    on = runs(make(_base(), HEAVY), range(REPLICATIONS))
    mean_pressure = sum(time_mean(r["monthly"], "pressure") for r in on) / len(on)
    assert mean_pressure > 1.3, f"pressure {mean_pressure:.2f} is not high"
    off = _per_run({**HEAVY, "effects.pressure_on_resignation.enabled": False}, _leavers)
    assert_increase(off, [_leavers(r["monthly"]) for r in on], "leavers, pressure effect off -> on")


def test_direction_agency_cover_off_gives_no_agency():
    """No agency cover, no extra agency workers and none at the start: agency FTE, agency
    starts and agency spend are zero every month, and every vacant day is uncovered."""
    for result in runs(make(_base(), {"agency.cover_vacancies": False}), range(3)):
        rows = result["monthly"]
        assert total(rows, "vacant_post_days") > 0
        assert all(row["agency_fte"] == 0 for row in rows)
        assert total(rows, "agency_starts") == 0
        assert total(rows, "agency_spend_gbp") == 0
        assert total(rows, "uncovered_post_days") == total(rows, "vacant_post_days")


def test_direction_agency_market_empty_gives_no_agency():
    """Agency cover allowed but no agency worker available (availability 0): none starts."""
    for result in runs(make(_base(), {"agency.availability": 0.0}), range(3)):
        rows = result["monthly"]
        assert total(rows, "agency_starts") == 0
        assert all(row["agency_fte"] == 0 for row in rows)


def test_direction_ample_capacity_means_no_waiting():
    """With a ceiling of 200 caseload units nobody ever waits for a social worker, even with
    leavers and vacancies: every case is allocated on the day it arrives."""
    ample = {"caseload.target_per_fte": 200, "caseload.ceiling_per_fte": 200}
    for result in runs(make(_base(), ample), range(3)):
        rows = result["monthly"]
        assert total(rows, "leavers_headcount") > 0
        assert total(rows, "cases_waited") == 0
        assert all(row["cases_waiting"] == 0 for row in rows)

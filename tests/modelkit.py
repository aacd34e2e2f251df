"""Scenario builders and statistics shared by the model's validation tests.

The builders start from small, fast services whose every process can be switched off, so
that each test turns on exactly the processes it checks. The statistics turn replications
into an estimate with a standard error, so that every tolerance comes from the spread of
the replications (or from theory) and a chosen number of standard errors, never from a
seeded result.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from staffsim.model.run import run_one
from staffsim.scenario.paths import set_path
from staffsim.scenario.schema import Scenario

Z = 4.0
"""Standard errors allowed between an estimate and its analytic value (two-sided, about
6 in 100,000 for a normal estimate)."""

NEVER = 36_525.0
"""A duration (days) as long as the longest run (the most a scenario allows): a fixed
assignment or clock that never ends."""


def fixed(days: float) -> dict[str, Any]:
    """A fixed-duration distribution of ``days``."""
    return {"dist": "fixed", "days": days}


def exponential(mean_days: float) -> dict[str, Any]:
    """An exponential distribution with mean ``mean_days``."""
    return {"dist": "exponential", "mean_days": mean_days}


def one_type(duration: Mapping[str, Any], weight: float = 1.0, hours: float = 1.0) -> dict:
    """``demand.case_types`` with a single case type."""
    return {
        "only": {
            "share": 1.0,
            "weight": weight,
            "direct_hours_per_week": hours,
            "duration": dict(duration),
        }
    }


def make(base: Mapping[str, Any], changes: Mapping[str, Any] | None = None) -> Scenario:
    """Validate ``base`` with each dotted-path ``changes`` applied
    (``"caseload.target_per_fte"``)."""
    data = dict(base)
    for path, value in (changes or {}).items():
        data = set_path(data, path, value)
    return Scenario.model_validate(data)


def quiet_base(case_holding_posts: int = 1, non_case_holding_posts: int = 0) -> dict[str, Any]:
    """A service with nothing happening: no demand, no leavers, no agency, no cohorts.

    Every employee works full time, recruitment always succeeds at its first campaign
    (1000 appointable applicants who accept: ``1 - exp(-1000)`` is 1.0 in floating point),
    and every duration is fixed, so tests switch on only what they check.
    """
    return {
        "name": "quiet",
        "horizon_years": 1.0,
        "establishment": {
            "case_holding_posts": case_holding_posts,
            "non_case_holding_posts": non_case_holding_posts,
        },
        "workforce": {"part_time_share": 0.0},
        "pathways": {"assessment_days": None, "transfer_rate_per_year": 0.0},
        "demand": {"arrivals_per_day": 0.0},
        "attrition": {
            "resignation_rate_per_year": 0.0,
            "retirement_rate_per_year": 0.0,
            "notice_days": fixed(0),
        },
        "recruitment": {
            "applicants_per_campaign": 1000,
            "appointable_share": 1.0,
            "offer_acceptance": 1.0,
            "starter_notice_days": fixed(0),
            "ramp_up_days": 0.0,
        },
        "agency": {
            "cover_vacancies": False,
            "availability": 1.0,
            "search_days": fixed(21),
            "assignment_days": fixed(NEVER),
        },
    }


def busy_base() -> dict[str, Any]:
    """A small service in which every process runs and some cases wait.

    Ten case-holding and two other posts, short cases of three types (so a run of years
    holds tens of thousands of them), attrition, failing campaigns, agency cover that is
    sometimes unavailable, part-time staff and ramp-up: capacity swings with vacancies and
    about a fifth of cases wait for a social worker.
    """
    return {
        "name": "busy",
        "horizon_years": 8.0,
        "establishment": {"case_holding_posts": 10, "non_case_holding_posts": 2},
        "caseload": {"target_per_fte": 10.0, "ceiling_per_fte": 10.0},
        "attrition": {"resignation_rate_per_year": 0.6},
        "agency": {"availability": 0.5, "assignment_days": exponential(120)},
        "demand": {
            "arrivals_per_day": 1.8,
            "case_types": {
                "short": {
                    "share": 0.6,
                    "weight": 1.0,
                    "duration": {"dist": "lognormal", "mean_days": 20, "sd_days": 25},
                },
                "protection": {
                    "share": 0.3,
                    "weight": 1.5,
                    "direct_hours_per_week": 1.6,
                    "duration": {"dist": "gamma", "mean_days": 45, "sd_days": 20},
                },
                "looked_after": {
                    "share": 0.1,
                    "weight": 1.0,
                    "duration": {"dist": "uniform", "min_days": 10, "max_days": 90},
                },
            },
        },
    }


CUT_DAY = 151.0
"""Day of the first policy of :func:`everything_on` (1 March 2025), which cuts the ceiling."""


def everything_on(changes: dict | None = None):
    """The busy service with every process switched on: campaigns at notice, yearly
    newly qualified cohorts, agency cover under a use cap and extra agency workers, vacancies,
    agency cover and staff in their ASYE year at the start, every feedback effect on, and a
    timeline of policies that cut and raise the caseload ceiling, the establishment and agency
    use."""
    scenario = {
        "recruitment.open_at": "notice",
        "recruitment.newly_qualified": {"per_year": 2, "month": 9, "day": 1},
        "agency.extra_workers": 1,
        "agency.max_share_of_posts": 0.3,
        "initial.vacant_case_holding_posts": 2,
        "initial.vacant_non_case_holding_posts": 1,
        "initial.agency_covering_vacancies": 2,
        "initial.newly_qualified_share": 0.3,
        "horizon_years": 3.0,
        "policies": [
            {
                "name": "lower cap, more posts",
                "date": "2025-03-01",
                "set": {
                    "caseload.target_per_fte": 6,
                    "caseload.ceiling_per_fte": 6,
                    "establishment.case_holding_posts": 12,
                },
            },
            {
                "name": "cuts",
                "date": "2025-09-15",
                "set": {
                    "establishment.case_holding_posts": 8,
                    "establishment.non_case_holding_posts": 1,
                    "agency.cover_vacancies": False,
                },
            },
            {
                "name": "restore",
                "date": "2026-04-01",
                "set": {
                    "caseload.target_per_fte": 11,
                    "caseload.ceiling_per_fte": 11,
                    "establishment.case_holding_posts": 11,
                    "establishment.non_case_holding_posts": 3,
                    "agency.cover_vacancies": True,
                    "agency.extra_workers": 2,
                    "capacity.admin_share": 0.25,
                    "recruitment.ramp_up_cap_fraction": 0.5,
                },
            },
        ],
    }
    scenario.update(changes or {})
    return make(busy_base(), scenario)


def runs(scenario: Scenario, replications: Iterable[int]) -> list[dict[str, Any]]:
    """``run_one`` for each replication number, in order."""
    return [run_one(scenario, r) for r in replications]


def total(rows: Sequence[Mapping[str, Any]], key: str) -> float:
    """Sum of ``key`` over monthly rows."""
    return float(sum(row[key] for row in rows))


def time_mean(rows: Sequence[Mapping[str, Any]], key: str) -> float:
    """Time average over monthly rows of a per-month time average ``key``."""
    days = total(rows, "days")
    return sum(row[key] * row["days"] for row in rows) / days


def wait_days_total(rows: Sequence[Mapping[str, Any]]) -> float:
    """Days waited before their first allocation by the cases first allocated in ``rows``."""
    return float(sum(row["wait_days_mean"] * row["cases_first_allocated"] for row in rows))


def after(rows: Sequence[Mapping[str, Any]], days: float) -> list[Mapping[str, Any]]:
    """Monthly rows that start at or after day ``days`` of the run (a warm-up discarded)."""
    out, start = [], 0.0
    for row in rows:
        if start >= days:
            out.append(row)
        start += row["days"]
    return out


def mean_se(values: Iterable[float]) -> tuple[float, float]:
    """Mean of independent replications' estimates and its standard error."""
    x = np.asarray(list(values), dtype=float)
    return float(x.mean()), float(x.std(ddof=1) / math.sqrt(len(x)))


def assert_close(
    values: Iterable[float], expected: float, what: str, z: float = Z
) -> tuple[float, float]:
    """Assert the mean of replications' ``values`` is within ``z`` standard errors of
    ``expected`` (standard error from the replications' spread); return (mean, se)."""
    mean, se = mean_se(values)
    print(f"{what}: simulated {mean:.6g} +- {se:.3g} (1 s.e.), expected {expected:.6g}")
    assert abs(mean - expected) <= z * se, (
        f"{what}: simulated {mean:.6g} +- {se:.3g} (1 s.e.), expected {expected:.6g}; "
        f"off by {abs(mean - expected) / se:.2f} s.e. (allowed {z})"
    )
    return mean, se


def assert_increase(
    low: Sequence[float], high: Sequence[float], what: str, z: float = Z
) -> tuple[float, float]:
    """Assert ``high`` exceeds ``low`` by more than ``z`` standard errors of the paired
    differences (replications paired by number, common random numbers); return (mean, se)."""
    diff = np.asarray(high, dtype=float) - np.asarray(low, dtype=float)
    mean, se = mean_se(diff)
    print(f"{what}: mean paired increase {mean:.6g} +- {se:.3g} (1 s.e.)")
    assert mean > z * se, (
        f"{what}: mean paired increase {mean:.4g} +- {se:.3g} (1 s.e.) is not above {z} s.e."
    )
    return mean, se

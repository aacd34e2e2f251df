"""Direction of change of every feedback effect.

Two kinds of test, each reading as a specification:

* **Wired into the run.** For every effect in :class:`~staffsim.scenario.schema.Effects`, a
  small council is run with the effect on and with it off, under common random numbers
  (same seed and replication, so every random purpose draws the same numbers). The outcome
  the effect acts on must move in the documented direction: the mean of the paired
  differences over the replications must exceed ``Z`` standard errors of that mean. The
  margin comes from the replications' own spread, never from an exact seeded number.
* **Unit level.** Where a whole run is noisy, a built service's state is set by hand (the
  spiral's reputation, a team's supervision, a worker's pressure, ...) and the hazard,
  quality target, incident rate or market multiplier is checked to respond in the right
  direction, and not at all when the effect is switched off.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from staffsim.model.entities import Worker
from staffsim.model.run import build, run_one
from staffsim.model.service import DAYS_PER_YEAR, Service
from staffsim.scenario.schema import Effects, Scenario
from staffsim.scenario.spiral import RATINGS

REPLICATIONS = 8
"""Replications per paired comparison."""

Z = 3.0
"""Standard errors the mean paired difference must clear (one-sided; t(7) at 3.0 is a
p-value of about 0.01, and the cases below clear it by a wide margin)."""


def merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``update`` merged in, nested mappings key by key."""
    out = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


SMALL_COUNCIL: dict[str, Any] = {
    "name": "small_council",
    "horizon_years": 3,
    "seed": 20240,
    "establishment": {"case_holding_posts": 40, "non_case_holding_posts": 12},
    "demand": {"arrivals_per_day": 2.0},
    "attrition": {"resignation_rate_per_year": 0.2},
}
"""A council of 40 case-holding posts (6 teams) at moderate pressure, with enough leavers
a year for resignation effects to show within a few years."""

HIGH_PRESSURE = {"demand": {"arrivals_per_day": 3.4}}
"""Demand near the caseload cap: pressure of about 1.1 to 1.2 (0.7 to 0.85 without)."""

MANY_INCIDENTS = {"incidents": {"rate_per_1000_cases_per_year": 60.0}}
"""About 25 serious incidents a year in the small council, so incident effects show."""

THIN_SUPERVISION = {"supervision": {"manager_hours_per_month": 4.0}}
"""Managers with a fifth of the time their teams need: supervision about 0.3 of standard."""


def held_reputation(value: float) -> dict[str, Any]:
    """Settings that start reputation at ``value`` and keep it there whatever the
    inspections say (every rating's target is ``value``, and no incidents to reach the
    press)."""
    return {
        "reputation": {"initial": value, "target_by_rating": dict.fromkeys(RATINGS, value)},
        "incidents": {"rate_per_1000_cases_per_year": 0.0},
    }


BAD_NAME = merge(held_reputation(0.1), {"inspection": {"current_rating": "inadequate"}})
"""A service with a poor reputation (0.1) that stays poor whatever its inspections say."""

HARD_TO_RECRUIT = {
    "recruitment": {"applicants_per_campaign": 1.0},
    "attrition": {"resignation_rate_per_year": 0.35},
}
"""Few applicants, so campaign success responds visibly to anything that changes them, and
enough leavers for many campaigns."""


# --------------------------------------------------------------------------- helpers
def scenario(*updates: dict[str, Any], base: dict[str, Any] = SMALL_COUNCIL) -> Scenario:
    """A validated scenario: the small council with ``updates`` merged in, in order."""
    data = base
    for update in updates:
        data = merge(data, update)
    return Scenario.model_validate(data)


def switch_off(s: Scenario, *names: str) -> Scenario:
    """``s`` with the named effects switched off (multiplier exactly 1)."""
    eff = s.effects
    return s.model_copy(
        update={"effects": eff.model_copy(update={n: getattr(eff, n).off() for n in names})}
    )


def total(column: str) -> Callable[[dict], float]:
    """Metric: the sum of a monthly column over the run."""
    return lambda run: float(sum(row[column] for row in run["monthly"]))


def mean(column: str) -> Callable[[dict], float]:
    """Metric: the mean of a monthly column over the run's months."""
    return lambda run: float(np.mean([row[column] for row in run["monthly"]]))


def share(numerator: str, denominator: str) -> Callable[[dict], float]:
    """Metric: the run's total of one monthly column over the total of another."""
    return lambda run: total(numerator)(run) / max(total(denominator)(run), 1.0)


def paired_differences(
    on: Scenario, off: Scenario, metric: Callable[[dict], float], reps: int = REPLICATIONS
) -> np.ndarray:
    """metric(on) - metric(off) for each replication, both run on the same random numbers."""
    return np.array([metric(run_one(on, r)) - metric(run_one(off, r)) for r in range(reps)])


def assert_clearly_positive(diffs: np.ndarray, what: str) -> None:
    """The mean of ``diffs`` exceeds ``Z`` standard errors (and zero when they are all equal)."""
    mean_diff = float(np.mean(diffs))
    se = float(np.std(diffs, ddof=1) / math.sqrt(len(diffs)))
    assert mean_diff > Z * se and mean_diff > 0, (
        f"{what}: mean paired difference {mean_diff:.4g} with standard error {se:.4g} "
        f"(needs > {Z} x SE); differences {np.round(diffs, 4).tolist()}"
    )


# ------------------------------------------------------------- wired into the run
@dataclass(frozen=True)
class Case:
    """One direction-of-change specification for one effect.

    With ``effect`` switched on rather than off (and the effects in ``also_off`` off in
    both runs, to isolate it), ``metric`` moves in ``direction`` (+1 up, -1 down).
    """

    effect: str
    expect: str
    settings: tuple[dict[str, Any], ...]
    metric: Callable[[dict], float]
    direction: int
    also_off: tuple[str, ...] = field(default=())

    @property
    def id(self) -> str:
        return f"{self.effect}: {self.expect}"


NEW_STAFF = {"initial": {"tenure_days": {"dist": "fixed", "days": 0}}, "horizon_years": 2}
LONG_SERVING = {"initial": {"tenure_days": {"dist": "fixed", "days": 15 * 365.25}}}
LOW_PAY = {"costs": {"salary_gbp_per_year": 38_700}}  # 0.9 of the market salary
HIGH_PAY = {"costs": {"salary_gbp_per_year": 47_300}}  # 1.1 of the market salary
BLAME = {"culture": {"just_culture": 0.0}}
JUST = {"culture": {"just_culture": 1.0}}
NO_INCIDENTS = {"incidents": {"rate_per_1000_cases_per_year": 0.0}}
GOOD_NAME = merge(held_reputation(0.95), {"inspection": {"current_rating": "outstanding"}})
CHURN = {
    # a third of posts vacant and covered by agency staff on short assignments, few hires
    "initial": {"vacant_case_holding_posts": 14, "agency_covering_vacancies": 14},
    "agency": {"assignment_days": {"dist": "lognormal", "mean_days": 90, "sd_days": 40}},
    "recruitment": {"applicants_per_campaign": 0.5},
}
NOVICES = {"initial": {"newly_qualified_share": 1.0}, "horizon_years": 1}
# more work than the ceilings can hold
OVER_CAP = {"demand": {"arrivals_per_day": 4.5}, "caseload": {"ceiling_per_fte": 22.0}}
SLOPED_AGENCY_MARKET = {
    "effects": {"reputation_on_agency_availability": {"points": [[0.0, 0.3], [0.5, 1.0]]}},
    "initial": {"vacant_case_holding_posts": 8},
}

CASES = [
    Case(
        "pressure_on_resignation",
        "more resignations under high pressure",
        (HIGH_PRESSURE,),
        total("leavers_resigned"),
        +1,
    ),
    Case(
        "pressure_on_resignation",
        "fewer resignations under light pressure",
        ({"demand": {"arrivals_per_day": 1.0}},),
        total("leavers_resigned"),
        -1,
    ),
    Case(
        "tenure_on_resignation",
        "more resignations from a workforce new in post",
        (NEW_STAFF,),
        total("leavers_resigned"),
        +1,
    ),
    Case(
        "tenure_on_resignation",
        "fewer resignations from a long-serving workforce",
        (LONG_SERVING,),
        total("leavers_resigned"),
        -1,
    ),
    Case(
        "pay_on_resignation",
        "more resignations when pay is below the market",
        (LOW_PAY,),
        total("leavers_resigned"),
        +1,
        also_off=("pay_on_applicants",),
    ),
    Case(
        "pay_on_resignation",
        "fewer resignations when pay is above the market",
        (HIGH_PAY,),
        total("leavers_resigned"),
        -1,
        also_off=("pay_on_applicants",),
    ),
    Case(
        "pay_on_applicants",
        "fewer campaigns succeed when pay is below the market",
        (LOW_PAY, HARD_TO_RECRUIT),
        share("hires_accepted", "campaigns_started"),
        -1,
        also_off=("pay_on_resignation",),
    ),
    Case(
        "pay_on_applicants",
        "more campaigns succeed when pay is above the market",
        (HIGH_PAY, HARD_TO_RECRUIT),
        share("hires_accepted", "campaigns_started"),
        +1,
        also_off=("pay_on_resignation",),
    ),
    Case(
        "supervision_on_resignation",
        "more resignations when supervision is thin",
        (THIN_SUPERVISION,),
        total("leavers_resigned"),
        +1,
    ),
    Case(
        "culture_on_resignation",
        "more resignations in a blaming culture",
        (BLAME, NO_INCIDENTS),
        total("leavers_resigned"),
        +1,
    ),
    Case(
        "culture_on_resignation",
        "fewer resignations in a just culture",
        (JUST, NO_INCIDENTS),
        total("leavers_resigned"),
        -1,
    ),
    Case(
        "blame_on_resignation",
        "more resignations when staff are blamed for incidents",
        (BLAME, MANY_INCIDENTS),
        total("leavers_resigned"),
        +1,
        also_off=("blame_on_team_resignation",),
    ),
    Case(
        "blame_on_team_resignation",
        "more resignations when teams are blamed for incidents",
        (BLAME, MANY_INCIDENTS),
        total("leavers_resigned"),
        +1,
        also_off=("blame_on_resignation",),
    ),
    Case(
        "defensive_on_admin",
        "a higher admin share after blamed incidents",
        (BLAME, MANY_INCIDENTS),
        mean("admin_share"),
        +1,
    ),
    Case(
        "defensive_on_admin",
        "higher pressure after blamed incidents (less direct-work time)",
        (BLAME, MANY_INCIDENTS),
        mean("pressure"),
        +1,
    ),
    Case(
        "learning_on_incidents",
        "fewer incidents as a just culture learns from reviews",
        (JUST, MANY_INCIDENTS),
        total("incidents"),
        -1,
    ),
    Case(
        "quality_on_incidents",
        "more incidents when practice is poor",
        (MANY_INCIDENTS, {"quality": {"base_index": 0.5}}),
        total("incidents"),
        +1,
    ),
    Case(
        "quality_on_incidents",
        "fewer incidents when practice is good",
        (MANY_INCIDENTS, {"quality": {"base_index": 0.92}}),
        total("incidents"),
        -1,
    ),
    Case(
        "pressure_on_quality",
        "lower quality under high pressure",
        (HIGH_PRESSURE,),
        mean("quality_index"),
        -1,
    ),
    Case(
        "experience_on_quality",
        "lower quality with a workforce of novices",
        (NOVICES,),
        mean("quality_index"),
        -1,
    ),
    Case(
        "continuity_on_quality",
        "lower quality when children keep changing social worker",
        (CHURN,),
        mean("quality_index"),
        -1,
    ),
    Case(
        "supervision_on_quality",
        "lower quality when supervision is thin",
        (THIN_SUPERVISION,),
        mean("quality_index"),
        -1,
    ),
    Case(
        "unallocated_on_quality",
        "lower quality when children wait unallocated",
        (OVER_CAP,),
        mean("quality_index"),
        -1,
    ),
    Case(
        "reputation_on_applicants",
        "fewer campaigns succeed for a service with a poor name",
        (BAD_NAME, HARD_TO_RECRUIT),
        share("hires_accepted", "campaigns_started"),
        -1,
        also_off=("reputation_on_resignation",),
    ),
    Case(
        "reputation_on_applicants",
        "more campaigns succeed for a service with a good name",
        (GOOD_NAME, HARD_TO_RECRUIT),
        share("hires_accepted", "campaigns_started"),
        +1,
        also_off=("reputation_on_resignation",),
    ),
    Case(
        "reputation_on_resignation",
        "more resignations from a service with a poor name",
        (BAD_NAME,),
        total("leavers_resigned"),
        +1,
    ),
    Case(
        "reputation_on_resignation",
        "fewer resignations from a service with a good name",
        (GOOD_NAME, {"attrition": {"resignation_rate_per_year": 0.35}}),
        total("leavers_resigned"),
        -1,
    ),
    Case(
        "reputation_on_agency_availability",
        "(a rising curve) more vacancies left uncovered for a service with a poor name",
        (BAD_NAME, SLOPED_AGENCY_MARKET),
        total("uncovered_post_days"),
        +1,
    ),
    Case(
        "reputation_on_agency_availability",
        "(fitted default) fewer vacancies covered by agency staff with an outstanding name",
        (GOOD_NAME, CHURN),
        total("uncovered_post_days"),
        +1,
    ),
    Case(
        "reputation_on_agency_availability",
        "(fitted default) more vacancies covered by agency staff at reputation 0.45",
        (held_reputation(0.45), CHURN),
        total("uncovered_post_days"),
        -1,
    ),
    Case(
        "price_cap_on_agency_availability",
        "more vacancies left uncovered under a price cap below the market rate",
        # a cap at 0.8 of the market day rate
        (
            CHURN,
            {"costs": {"agency_day_rate_gbp": 330.0}, "agency": {"price_cap_gbp_per_day": 264.0}},
        ),
        total("uncovered_post_days"),
        +1,
    ),
    Case(
        "reputation_on_agency_price",
        "more agency spend for a service with a poor name",
        (BAD_NAME, CHURN),
        total("agency_spend_gbp"),
        +1,
    ),
    Case(
        "reputation_on_agency_price",
        "less agency spend for a service with a good name",
        (GOOD_NAME, CHURN),
        total("agency_spend_gbp"),
        -1,
    ),
]


def test_every_effect_has_a_direction_case() -> None:
    """Every effect in the scenario schema has at least one direction-of-change case here,
    so an effect cannot be added without a test of the way it acts."""
    assert set(Effects.model_fields) <= {case.effect for case in CASES}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_switching_effect_on_moves_outcome(case: Case) -> None:
    """Switching the effect on rather than off moves its outcome in the documented direction
    by more than Z standard errors of the paired differences (common random numbers)."""
    base = switch_off(scenario(*case.settings), *case.also_off)
    diffs = paired_differences(base, switch_off(base, case.effect), case.metric)
    assert_clearly_positive(case.direction * diffs, case.id)


# ------------------------------------------------------------------- unit level
UNIT = scenario({"horizon_years": 1, "incidents": {"rate_per_1000_cases_per_year": 0.0}})


def built(s: Scenario = UNIT) -> Service:
    """A service built in its initial state (day 0), with the spiral attached."""
    svc, _ = build(s, 0)
    assert svc.spiral is not None
    return svc


def a_case_holder(svc: Service) -> Worker:
    """An employed case holder (not on notice) of the service."""
    return next(w for w in svc.staff.employees.values() if w.holds_cases and w.notice_day is None)


def resign_per_year(svc: Service, worker: Worker, now: float = 0.0) -> float:
    """``worker``'s resignation hazard at ``now``, per year."""
    return svc.attrition.hazard_per_day(worker, now)[0] * DAYS_PER_YEAR


def test_hazard_rises_with_the_workers_pressure() -> None:
    """pressure_on_resignation: a case holder needing twice the hours they have is likelier
    to resign than one needing half; switched off, pressure makes no difference."""
    for s, rises in ((UNIT, True), (switch_off(UNIT, "pressure_on_resignation"), False)):
        svc = built(s)
        worker = a_case_holder(svc)
        worker.need_hours = 2.0 * worker.avail_hours
        high = resign_per_year(svc, worker)
        worker.need_hours = 0.5 * worker.avail_hours
        low = resign_per_year(svc, worker)
        assert (high > low) if rises else (high == low)


def test_hazard_falls_with_tenure() -> None:
    """tenure_on_resignation: the same worker's hazard is lower ten years into the post than
    in their first weeks; switched off, tenure makes no difference."""
    for s, falls in ((UNIT, True), (switch_off(UNIT, "tenure_on_resignation"), False)):
        svc = built(s)
        worker = a_case_holder(svc)
        worker.tenure_at_start_days = 0.0
        early = resign_per_year(svc, worker, now=0.0)
        late = resign_per_year(svc, worker, now=10 * DAYS_PER_YEAR)
        assert (late < early) if falls else (late == early)


@pytest.mark.parametrize("effect", ["pay_on_resignation", "pay_on_applicants"])
def test_pay_above_the_market_keeps_and_attracts_staff(effect: str) -> None:
    """pay_on_resignation lowers the hazard and pay_on_applicants raises applicants as pay
    rises from 0.9 to 1.1 of the market salary; switched off, pay makes no difference."""
    for on in (True, False):
        values = []
        for salary in (38_700, 47_300):
            s = scenario({"costs": {"salary_gbp_per_year": salary}})
            s = s if on else switch_off(s, effect)
            svc = built(s)
            ratio = svc.ctx.pay_ratio()
            if effect == "pay_on_resignation":
                values.append(-resign_per_year(svc, a_case_holder(svc)))
            else:
                values.append(s.effects.pay_on_applicants(ratio))
        assert (values[1] > values[0]) if on else (values[1] == values[0])


def test_hazard_rises_when_the_team_is_under_supervised() -> None:
    """supervision_on_resignation: with managers giving 3 hours a month instead of 20, the
    same worker (same random numbers, same initial workforce) is likelier to resign;
    switched off, supervision makes no difference."""
    for on in (True, False):
        hazards = []
        for hours in (20.0, 3.0):
            s = scenario({"supervision": {"manager_hours_per_month": hours}})
            svc = built(s if on else switch_off(s, "supervision_on_resignation"))
            worker = a_case_holder(svc)
            hazards.append(resign_per_year(svc, worker))
            team = svc.spiral.team_of(worker)
            members = sum(1 for w in svc.caseload.holders.values() if svc.spiral.team_of(w) == team)
            need = members * s.capacity.supervision_hours_per_month
            assert svc.spiral.team_supervision[team] == pytest.approx(min(1.0, hours / need))
        full, thin = hazards
        assert (thin > full) if on else (thin == full)


def test_hazard_falls_as_culture_becomes_just() -> None:
    """culture_on_resignation: morale is better, and the hazard lower, in a just culture (1)
    than in a blaming one (0), incidents apart."""
    for s, falls in ((UNIT, True), (switch_off(UNIT, "culture_on_resignation"), False)):
        svc = built(s)
        worker = a_case_holder(svc)
        svc.spiral.culture = 0.0
        blame = resign_per_year(svc, worker)
        svc.spiral.culture = 1.0
        just = resign_per_year(svc, worker)
        assert (just < blame) if falls else (just == blame)


def test_blame_raises_the_hazard_of_the_worker_and_team_while_it_lasts() -> None:
    """blame_on_resignation and blame_on_team_resignation: after a blamed incident the
    worker involved is the likeliest to leave, their team likelier than before, another
    team unchanged; once incidents.blame_days have passed every hazard is back."""
    svc = built()
    spiral = svc.spiral
    worker = a_case_holder(svc)
    team = spiral.team_of(worker)
    teammate = next(
        w for w in svc.staff.employees.values() if w is not worker and spiral.team_of(w) == team
    )
    other = next(w for w in svc.staff.employees.values() if spiral.team_of(w) != team)
    people = (worker, teammate, other)
    unblamed = {
        day: {w.id: resign_per_year(svc, w, now=day) for w in people} for day in (50.0, 100.0)
    }
    until = 100.0
    spiral.worker_blame[worker.id] = (until, 1.0)
    spiral.team_blame[team] = (until, 1.0)
    during = {w.id: resign_per_year(svc, w, now=50.0) for w in people}
    after = {w.id: resign_per_year(svc, w, now=until) for w in people}
    assert during[worker.id] > during[teammate.id] > unblamed[50.0][teammate.id]
    assert during[worker.id] > unblamed[50.0][worker.id]
    assert during[other.id] == unblamed[50.0][other.id]
    assert after == unblamed[until]


def test_blame_in_a_just_culture_changes_no_hazard() -> None:
    """With blame 0 (a just culture), an incident's blame multipliers are exactly 1."""
    svc = built()
    spiral = svc.spiral
    worker = a_case_holder(svc)
    before = resign_per_year(svc, worker)
    spiral.worker_blame[worker.id] = (100.0, 0.0)
    spiral.team_blame[spiral.team_of(worker)] = (100.0, 0.0)
    assert resign_per_year(svc, worker) == before


@pytest.mark.parametrize("culture, raises", [(0.0, True), (1.0, False)])
def test_a_blamed_incident_adds_defensive_paperwork(culture: float, raises: bool) -> None:
    """defensive_on_admin: an incident in a blaming culture raises the admin share (and so
    cuts direct-work hours); in a just culture it adds none."""
    svc = built(scenario({"culture": {"just_culture": culture}, "horizon_years": 1}))
    spiral = svc.spiral
    spiral.rng_incident = iter([0.5, 0.99] * 10).__next__  # a worker, not in the press
    admin, avail = svc.caseload.admin_share(), svc.caseload.total_avail_hours
    spiral._on_incident(None)
    if raises:
        assert svc.caseload.admin_share() > admin and svc.caseload.total_avail_hours < avail
    else:
        assert svc.caseload.admin_share() == admin and svc.caseload.total_avail_hours == avail


def test_defensive_paperwork_lapses_after_defensive_days() -> None:
    """The defensive admin of a blamed incident lasts incidents.defensive_days, then goes."""
    s = scenario(BLAME, NO_INCIDENTS, {"horizon_years": 1, "incidents": {"defensive_days": 100.0}})
    svc = built(s)
    base = svc.caseload.admin_share()
    svc.spiral.rng_incident = iter([0.5, 0.99]).__next__
    svc.spiral._on_incident(None)
    assert svc.caseload.admin_share() > base
    svc.env.run(until=150.0)  # a review after day 100 drops the incident's paperwork
    assert svc.caseload.admin_share() == base


def test_incident_rate_falls_as_quality_rises() -> None:
    """quality_on_incidents: the expected incident rate falls strictly as quality rises from
    0.3 to 0.99 and is zero at perfect quality; switched off, quality makes no difference."""
    s = scenario(MANY_INCIDENTS)
    for sc, falls in ((s, True), (switch_off(s, "quality_on_incidents"), False)):
        spiral = built(sc).spiral
        rates = []
        for q in (0.3, 0.5, 0.72, 0.9, 0.99, 1.0):
            spiral.quality = q
            rates.append(spiral.incident_rate_per_day())
        if falls:
            assert all(b < a for a, b in itertools.pairwise(rates))
            assert rates[-1] == 0.0
        else:
            assert len(set(rates)) == 1 and rates[0] > 0


def test_incident_rate_falls_with_learning() -> None:
    """learning_on_incidents: lessons learned (the learning stock) lower the incident rate;
    switched off, they make no difference."""
    s = scenario(MANY_INCIDENTS)
    for sc, falls in ((s, True), (switch_off(s, "learning_on_incidents"), False)):
        spiral = built(sc).spiral
        spiral.learning_stock = 0.0
        none = spiral.incident_rate_per_day()
        spiral.learning_stock = 10.0
        learned = spiral.incident_rate_per_day()
        assert (learned < none) if falls else (learned == none)


def test_incident_rate_is_proportional_to_open_cases() -> None:
    """The incident rate is open cases / 1000 x rate per 1000 cases a year, per day, times
    the quality and learning multipliers."""
    s = scenario(MANY_INCIDENTS)
    svc = built(s)
    spiral = svc.spiral
    eff = s.effects
    expected = (
        svc.caseload.open_cases
        / 1000
        * 60.0
        / DAYS_PER_YEAR
        * eff.quality_on_incidents(spiral.quality)
        * eff.learning_on_incidents(spiral.learning_stock)
    )
    assert spiral.incident_rate_per_day() == pytest.approx(expected, rel=1e-12)


def quality_target(svc: Service, dt: float | None = None) -> float:
    """The spiral's current quality target (what quality moves towards)."""
    return svc.spiral._quality_target(dt)


@pytest.mark.parametrize(
    "effect, worse, better",
    [
        (
            "pressure_on_quality",
            lambda svc: setattr(
                svc.caseload, "total_need_hours", 1.8 * svc.caseload.total_avail_hours
            ),
            lambda svc: setattr(
                svc.caseload, "total_need_hours", 0.9 * svc.caseload.total_avail_hours
            ),
        ),
        (
            "experience_on_quality",
            lambda svc: [
                setattr(w, "experience_start_days", 0.0) for w in svc.caseload.holders.values()
            ],
            lambda svc: [
                setattr(w, "experience_start_days", 3650.0) for w in svc.caseload.holders.values()
            ],
        ),
        (
            "supervision_on_quality",
            lambda svc: setattr(svc.spiral, "supervision_mean", 0.2),
            lambda svc: setattr(svc.spiral, "supervision_mean", 1.0),
        ),
        (
            "unallocated_on_quality",
            lambda svc: setattr(svc.caseload, "n_waiting", int(0.2 * svc.caseload.open_cases)),
            lambda svc: setattr(svc.caseload, "n_waiting", 0),
        ),
    ],
)
def test_quality_target_falls_as_its_driver_worsens(
    effect: str, worse: Callable[[Service], Any], better: Callable[[Service], Any]
) -> None:
    """Each quality effect lowers the quality target when its driver worsens (higher pressure,
    more novices, thinner supervision, more children unallocated); switched off, the driver
    makes no difference."""
    s = scenario({"quality": {"base_index": 0.6}})  # leaves room below the cap of 1 either way
    for sc, falls in ((s, True), (switch_off(s, effect), False)):
        svc = built(sc)
        better(svc)
        good = quality_target(svc)
        worse(svc)
        bad = quality_target(svc)
        assert (bad < good) if falls else (bad == good)


def test_quality_target_falls_with_changes_of_social_worker() -> None:
    """continuity_on_quality: two changes of social worker per open case a year since the last
    review give a lower quality target than none; switched off, no difference."""
    s = scenario({"quality": {"base_index": 0.6}})
    dt = 30.0
    for sc, falls in ((s, True), (switch_off(s, "continuity_on_quality"), False)):
        svc = built(sc)
        svc.spiral.changes_at_review = svc.caseload.n_sw_changes
        steady = quality_target(svc, dt)
        svc.spiral.changes_at_review = svc.caseload.n_sw_changes - round(
            2.0 * svc.caseload.open_cases * dt / DAYS_PER_YEAR
        )
        churning = quality_target(svc, dt)
        assert (churning < steady) if falls else (churning == steady)


def test_quality_target_is_base_times_the_multipliers() -> None:
    """quality target = base_index x the product of the five quality multipliers, within
    [0, 1]; with every effect off it is the base index."""
    svc = built(scenario({"quality": {"base_index": 0.6}}).with_effects_off())
    assert quality_target(svc) == 0.6
    svc = built(scenario({"quality": {"base_index": 0.6}}))
    svc.spiral.supervision_mean = 0.5
    eff = svc.ctx.in_force.effects
    novice_days = svc.ctx.in_force.quality.novice_experience_years * DAYS_PER_YEAR
    reference_changes = next(x for x, y in eff.continuity_on_quality.points if y <= 1.0)
    expected = (
        0.6
        * eff.pressure_on_quality(svc.caseload.service_pressure())
        * eff.experience_on_quality(
            sum(
                w.fte
                for w in svc.caseload.holders.values()
                if w.experience_start_days < novice_days
            )
            / sum(w.fte for w in svc.caseload.holders.values())
        )
        * eff.continuity_on_quality(reference_changes)
        * eff.supervision_on_quality(0.5)
        * eff.unallocated_on_quality(svc.caseload.n_waiting / svc.caseload.open_cases)
    )
    assert quality_target(svc) == pytest.approx(expected, rel=1e-12)


def test_supervision_ratio_is_manager_time_over_team_need() -> None:
    """supervision ratio = min(1, manager hours / (case holders in the team x standard hours));
    a team whose manager post is empty gets supervision.vacant_manager_cover."""
    s = scenario(
        {
            "establishment": {"case_holding_posts": 40, "non_case_holding_posts": 6},
            "supervision": {"manager_hours_per_month": 6.0, "vacant_manager_cover": 0.25},
            "initial": {"vacant_non_case_holding_posts": 1},
            "agency": {"cover_vacancies": False},
        }
    )
    svc = built(s)
    spiral = svc.spiral
    members = [0] * len(spiral.team_supervision)
    for w in svc.caseload.holders.values():
        members[spiral.team_of(w)] += 1
    managed = [
        post.team
        for post in svc.staff.posts
        if post.role != "case_holding" and post.team >= 0 and post.employee is not None
    ]
    for team, n in enumerate(members):
        if team in managed:
            assert spiral.team_supervision[team] == pytest.approx(min(1.0, 6.0 / (n * 2.0)))
        else:
            assert spiral.team_supervision[team] == 0.25
    assert len(managed) == len(members) - 1


def test_reputation_moves_applicants_resignations_and_the_agency_market() -> None:
    """A poor reputation (0.1) against a good one (0.9): fewer applicants, a higher
    resignation hazard and a dearer agency market; the chance an agency search succeeds is
    the reputation_on_agency_availability curve at the reputation (the fitted default is not
    monotone: services judged outstanding cover fewer vacancies with agency staff)."""
    svc = built()
    spiral = svc.spiral
    eff = svc.ctx.in_force.effects
    worker = a_case_holder(svc)
    values = {}
    for r in (0.1, 0.45, 0.9):
        spiral.reputation = r
        values[r] = (
            svc.spiral.applicant_multiplier(),
            resign_per_year(svc, worker),
            spiral.agency_market_multiplier(),
        )
        assert svc.agency.availability_multiplier() == eff.reputation_on_agency_availability(r)
    (app_lo, haz_lo, price_lo), (app_hi, haz_hi, price_hi) = values[0.1], values[0.9]
    assert app_lo < app_hi
    assert haz_lo > haz_hi
    assert price_lo > price_hi


def test_reputation_effects_switched_off_are_exactly_one() -> None:
    """With every reputation effect off, reputation changes neither applicants, the agency
    market nor the hazard."""
    names = [n for n in Effects.model_fields if n.startswith("reputation_on_")]
    svc = built(switch_off(UNIT, *names))
    worker = a_case_holder(svc)
    svc.spiral.reputation = 0.0
    poor = (svc.spiral.applicant_multiplier(), svc.agency.availability_multiplier())
    poor += (svc.spiral.agency_market_multiplier(), resign_per_year(svc, worker))
    svc.spiral.reputation = 1.0
    good = (svc.spiral.applicant_multiplier(), svc.agency.availability_multiplier())
    good += (svc.spiral.agency_market_multiplier(), resign_per_year(svc, worker))
    assert poor[:3] == (1.0, 1.0, 1.0) == good[:3]
    assert poor[3] == good[3]


def stable_agency_council(initial_reputation: float) -> Scenario:
    """Five full-time vacancies covered by agency workers who stay, nobody leaving or hired,
    and a reputation that jumps to 0 at the first review (so the agency price multiplier is
    reputation_on_agency_price(0) from then on)."""
    return scenario(
        {
            "horizon_years": 1,
            "workforce": {"part_time_share": 0.0},
            "initial": {"vacant_case_holding_posts": 5, "agency_covering_vacancies": 5},
            "attrition": {"resignation_rate_per_year": 0.0, "retirement_rate_per_year": 0.0},
            "recruitment": {"applicants_per_campaign": 0.0},
            "agency": {"assignment_days": {"dist": "fixed", "days": 5000}},
            "incidents": {"rate_per_1000_cases_per_year": 0.0},
            "reputation": {
                "initial": initial_reputation,
                "adjust_days": 1e-3,
                "target_by_rating": dict.fromkeys(RATINGS, 0.0),
            },
        }
    )


@pytest.mark.parametrize("initial_reputation", [0.5, 0.0])
def test_agency_days_are_priced_at_the_multiplier_in_force_that_day(
    initial_reputation: float,
) -> None:
    """reputation_on_agency_price: each agency FTE-day is priced at the multiplier of the
    reputation in force on that day. Five agency FTE for 60 days, with the price multiplier
    m0 = reputation_on_agency_price(initial reputation) until the first review and
    m1 = reputation_on_agency_price(0) after it, accrue 5 x (m0 x review day + m1 x (60 -
    review day)) price-weighted FTE-days."""
    s = stable_agency_council(initial_reputation)
    svc = built(s)
    review = s.attrition.review_interval_days
    svc.env.run(until=60.0)
    svc.staff.touch(60.0)
    assert svc.staff.agency_fte == 5.0
    m0 = s.effects.reputation_on_agency_price(initial_reputation)
    m1 = s.effects.reputation_on_agency_price(0.0)
    assert m1 > m0 or initial_reputation == 0.0
    expected = 5.0 * (m0 * review + m1 * (60.0 - review))
    assert svc.staff.agency_price_fte_days == pytest.approx(expected, rel=1e-9)


def test_culture_follows_its_ramp() -> None:
    """A policy that sets a just-culture target moves culture linearly from its value on the
    policy date (0.2 until then) to the target over culture.ramp_days, then holds it."""
    s = scenario(
        {
            "horizon_years": 2,
            "culture": {"just_culture": 0.2},
            "policies": [
                {
                    "name": "just culture",
                    "date": "2025-01-01",  # day 92
                    "set": {"culture.target": 1.0, "culture.ramp_days": 365.0},
                }
            ],
        }
    )
    svc = built(s)
    spiral = svc.spiral
    for day in (50.0, 92.0, 200.0, 300.0, 456.0, 600.0):
        svc.env.run(until=day + 0.5)
        spiral._update_culture(day + 0.5)
        ramp = min(1.0, max(0.0, (day + 0.5 - 92.0) / 365.0))
        assert spiral.culture == pytest.approx(0.2 + 0.8 * ramp, rel=1e-12)

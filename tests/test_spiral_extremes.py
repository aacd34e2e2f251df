"""Extreme conditions of the spiral's loops, each an exact statement about whole runs.

* Perfect practice (quality 1) gives no serious incidents, however high the base rate.
* With culture's incident and morale effects off, a blaming culture and a just culture give
  identical runs, apart from the three columns that report culture itself.
* With every effect off, the model with the spiral attached is exactly the model without
  it (the model before the spiral was built): every column and every workforce event.
* Bounds: quality stays in [0, 1] and reputation in [0, 1]; a just culture writes no
  defensive paperwork and a blaming one learns nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from staffsim.model.run import run_one
from staffsim.scenario.schema import Scenario

SMALL_COUNCIL: dict[str, Any] = {
    "name": "small_council",
    "horizon_years": 4,
    "seed": 7001,
    "establishment": {"case_holding_posts": 40, "non_case_holding_posts": 12},
    "demand": {"arrivals_per_day": 2.6},
    "attrition": {"resignation_rate_per_year": 0.2},
}
"""40 case-holding posts in 6 teams, at a pressure a little under 1."""

STRESSED: dict[str, Any] = {
    "initial": {
        "vacant_case_holding_posts": 10,
        "agency_covering_vacancies": 6,
        "vacant_non_case_holding_posts": 2,
    },
    "incidents": {"rate_per_1000_cases_per_year": 60.0},
    "culture": {"just_culture": 0.0},
    "recruitment": {"applicants_per_campaign": 1.5},
    "demand": {"arrivals_per_day": 3.2},
}
"""A quarter of posts vacant, many incidents, a blaming culture, few applicants."""

QUALITY_EFFECTS = (
    "pressure_on_quality",
    "experience_on_quality",
    "continuity_on_quality",
    "supervision_on_quality",
    "unallocated_on_quality",
)

CULTURE_EFFECTS = (
    "culture_on_resignation",
    "blame_on_resignation",
    "blame_on_team_resignation",
    "defensive_on_admin",
    "learning_on_incidents",
)
"""Every path by which culture acts: morale, blame of the worker and team, defensive
paperwork and learning from reviews."""

CULTURE_COLUMNS_MONTHLY = {"just_culture", "learning_stock", "defensive_load"}
"""The monthly columns that report culture itself: the culture index; the learning stock
(reviews weighted by culture), which acts only through learning_on_incidents; the
defensive load (incidents weighted by blame), which acts only through defensive_on_admin.
With those effects off, they are the only columns allowed to differ."""

CULTURE_COLUMNS_ANNUAL = {"just_culture"}
"""The annual snapshot reports only the culture index itself."""

SPIRAL_EVENTS = {"incident", "inspection"}
"""Trace events that only the spiral produces."""


def merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``update`` merged in, nested mappings key by key."""
    out = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def scenario(*updates: dict[str, Any]) -> Scenario:
    """The small council with ``updates`` merged in, validated."""
    data = SMALL_COUNCIL
    for update in updates:
        data = merge(data, update)
    return Scenario.model_validate(data)


def switch_off(s: Scenario, *names: str) -> Scenario:
    """``s`` with the named effects switched off."""
    eff = s.effects
    return s.model_copy(
        update={"effects": eff.model_copy(update={n: getattr(eff, n).off() for n in names})}
    )


def run_traced(
    s: Scenario, replication: int, spiral: bool = True
) -> tuple[dict, list[tuple[float, str, dict]]]:
    """One run and its event log; ``spiral=False`` runs the model without the spiral."""
    events: list[tuple[float, str, dict]] = []
    run = run_one(
        s,
        replication,
        trace=lambda day, kind, fields: events.append((day, kind, fields)),
        spiral=spiral,
    )
    return run, events


def column(run: dict, name: str) -> list[float]:
    """A monthly column of a run."""
    return [row[name] for row in run["monthly"]]


# -------------------------------------------------------------------- perfect quality
@pytest.mark.parametrize("replication", range(4))
def test_no_incidents_when_quality_is_perfect(replication: int) -> None:
    """With base quality 1 and the quality effects off, quality is 1 every month and there
    is not a single serious incident in five years, even at the highest base incident rate
    (100 a year per 1,000 cases) and in a stressed service with a blaming culture. The same
    service at quality 0.99 has incidents, so the test is not empty."""
    perfect = switch_off(
        scenario(
            STRESSED,
            {
                "horizon_years": 5,
                "quality": {"base_index": 1.0},
                "incidents": {"rate_per_1000_cases_per_year": 100.0},
            },
        ),
        *QUALITY_EFFECTS,
    )
    run = run_one(perfect, replication)
    assert set(column(run, "quality_index")) == {1.0}
    assert sum(column(run, "incidents")) == 0
    assert sum(row["incidents"] for row in run["annual"]) == 0
    nearly = perfect.model_copy(
        update={"quality": perfect.quality.model_copy(update={"base_index": 0.99})}
    )
    assert sum(column(run_one(nearly, replication), "incidents")) > 0


# ------------------------------------------------------------------ culture identical
def culture_scenarios() -> dict[str, Scenario]:
    """The stressed service under a blaming culture, a just culture, and a policy moving
    from blame to just over a year; culture's effects all off."""
    blame = switch_off(scenario(STRESSED, {"culture": {"just_culture": 0.0}}), *CULTURE_EFFECTS)
    just = switch_off(scenario(STRESSED, {"culture": {"just_culture": 1.0}}), *CULTURE_EFFECTS)
    ramp = switch_off(
        scenario(
            STRESSED,
            {
                "culture": {"just_culture": 0.0},
                "policies": [
                    {
                        "name": "just culture",
                        "date": "2025-10-01",
                        "set": {"culture.target": 1.0, "culture.ramp_days": 365},
                    }
                ],
            },
        ),
        *CULTURE_EFFECTS,
    )
    return {"blame": blame, "just": just, "blame to just": ramp}


def assert_rows_equal_except(a: list[dict], b: list[dict], allowed: set[str]) -> set[str]:
    """Rows of ``a`` and ``b`` are equal in every column outside ``allowed``; returns the
    allowed columns that did differ."""
    assert len(a) == len(b)
    differing: set[str] = set()
    for row_a, row_b in zip(a, b, strict=True):
        assert row_a.keys() == row_b.keys()
        for key in row_a:
            both_empty = all(isinstance(v, float) and v != v for v in (row_a[key], row_b[key]))
            if row_a[key] != row_b[key] and not both_empty:
                assert key in allowed, (key, row_a[key], row_b[key])
                differing.add(key)
    return differing


@pytest.mark.slow
@pytest.mark.parametrize("replication", range(3))
def test_blame_and_just_culture_give_identical_runs_when_culture_effects_are_off(
    replication: int,
) -> None:
    """With culture_on_resignation, blame_on_resignation, blame_on_team_resignation,
    defensive_on_admin and learning_on_incidents off, a blaming culture (0), a just culture
    (1) and a change from one to the other give identical monthly and annual rows (workforce,
    cases, pressure, admin share, quality, incidents, inspections, reputation, costs) except
    just_culture, learning_stock and defensive_load, which report culture itself; and those
    do differ, since incidents happen."""
    runs = {name: run_one(s, replication) for name, s in culture_scenarios().items()}
    blame = runs.pop("blame")
    assert sum(column(blame, "incidents")) > 20
    for other in runs.values():
        monthly = assert_rows_equal_except(
            blame["monthly"], other["monthly"], CULTURE_COLUMNS_MONTHLY
        )
        annual = assert_rows_equal_except(blame["annual"], other["annual"], CULTURE_COLUMNS_ANNUAL)
        assert monthly == CULTURE_COLUMNS_MONTHLY
        assert annual == CULTURE_COLUMNS_ANNUAL


# ---------------------------------------------------------------- every effect off
EFFECTS_OFF_SCENARIOS = {
    "small council": {},
    "stressed": STRESSED,
    "with policies": merge(
        STRESSED,
        {
            "policies": [
                {
                    "name": "lower caseloads",
                    "date": "2025-04-01",
                    "set": {"caseload.target_per_fte": 18, "capacity.admin_share": 0.25},
                    "cost_gbp_per_year": 100_000,
                },
                {
                    "name": "just culture",
                    "date": "2025-10-01",
                    "set": {"culture.target": 1.0, "culture.ramp_days": 365},
                },
            ]
        },
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", EFFECTS_OFF_SCENARIOS)
def test_every_effect_off_is_the_model_without_the_spiral(name: str) -> None:
    """With every effect switched off (Scenario.with_effects_off), a run with the spiral's
    loops attached equals, in every column the spiral-free model produces, and in every
    workforce event of its log, the run of the model with no spiral at all. Incidents and
    inspections still happen in the first run, but they change nothing else."""
    s = scenario(EFFECTS_OFF_SCENARIOS[name]).with_effects_off()
    for replication in range(2):
        with_spiral, events_with = run_traced(s, replication)
        without, events_without = run_traced(s, replication, spiral=False)
        for kind in ("monthly", "annual"):
            assert len(with_spiral[kind]) == len(without[kind])
            for row_with, row_without in zip(with_spiral[kind], without[kind], strict=True):
                assert {k: row_with[k] for k in row_without} == row_without
        workforce_events = [e for e in events_with if e[1] not in SPIRAL_EVENTS]
        assert workforce_events == events_without
        assert "incidents" not in without["monthly"][0]
        assert any(e[1] == "inspection" for e in events_with)


# ------------------------------------------------------------------------- bounds
def test_a_just_culture_writes_no_defensive_paperwork_and_a_blaming_one_learns_nothing() -> None:
    """With every effect on and many incidents: in a just culture (1) the defensive load is
    0 and the admin share stays at its base every month; in a blaming culture (0) the
    learning stock stays 0 and the defensive load is positive once incidents happen."""
    just_culture = scenario(STRESSED, {"culture": {"just_culture": 1.0}})
    base_admin = just_culture.capacity.admin_share
    just = run_one(just_culture, 0)
    assert sum(column(just, "incidents")) > 20
    assert set(column(just, "defensive_load")) == {0.0}
    assert set(column(just, "admin_share")) == {base_admin}
    assert max(column(just, "learning_stock")) > 0
    blame = run_one(scenario(STRESSED, {"culture": {"just_culture": 0.0}}), 0)
    assert set(column(blame, "learning_stock")) == {0.0}
    assert max(column(blame, "defensive_load")) > 0
    assert max(column(blame, "admin_share")) > base_admin


def test_quality_stays_within_zero_and_one_at_the_extremes() -> None:
    """Quality never leaves [0, 1]: not when every driver is favourable and the base is 1
    (multipliers above 1 are capped), nor when every driver is dire; in the dire service
    quality ends far below the base."""
    best = scenario(
        {
            "quality": {"base_index": 1.0},
            "demand": {"arrivals_per_day": 0.8},
            "attrition": {"resignation_rate_per_year": 0.02},
            "pathways": {"assessment_days": None, "transfer_rate_per_year": 0.0},
            "horizon_years": 2,
        }
    )
    quality = column(run_one(best, 0), "quality_index")
    assert max(quality) == 1.0 and min(quality) >= 0.9
    dire = scenario(
        STRESSED,
        {
            "demand": {"arrivals_per_day": 5.0},
            "supervision": {"manager_hours_per_month": 0.0},
            "initial": {"newly_qualified_share": 1.0},
            "horizon_years": 2,
        },
    )
    quality = column(run_one(dire, 0), "quality_index")
    assert min(quality) >= 0.0 and max(quality) <= 1.0
    assert quality[-1] < 0.5 * dire.quality.base_index


def test_reputation_stays_within_zero_and_one_under_a_flood_of_press_stories() -> None:
    """Every incident in the press, each costing half the reputation scale: reputation falls
    to 0 and never below it, and it never exceeds 1."""
    s = scenario(
        STRESSED,
        {"incidents": {"press_share": 1.0, "reputation_drop_per_press_incident": 0.5}},
    )
    reputation = column(run_one(s, 0), "reputation")
    assert min(reputation) == 0.0
    assert max(reputation) <= 1.0

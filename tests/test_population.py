"""The simulated population of councils behind ``benchmarks/rating_population.py``."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from staffsim.scenario.loader import load_scenario
from staffsim.scenario.spiral import RATINGS
from tools.population import RANGES, council_scenarios, group_by_rating, simulate_population

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def base():
    return load_scenario(ROOT / "scenarios" / "england_2025.yaml")


def test_councils_draw_their_starting_states_within_the_stated_ranges(base) -> None:
    """Each council's state lies in its range, councils differ, and the same seed gives the
    same councils."""
    start = dt.date(2018, 10, 1)
    councils = council_scenarios(base, 20, seed=3, start=start, years=7)
    assert council_scenarios(base, 20, seed=3, start=start, years=7) == councils
    lo, hi = RANGES["just_culture"]
    assert all(lo <= c.culture.just_culture <= hi for c in councils)
    lo, hi = RANGES["admin_share"]
    assert all(lo <= c.capacity.admin_share <= hi for c in councils)
    posts = base.establishment.case_holding_posts
    lo, hi = RANGES["vacancy_share"]
    for c in councils:
        assert round(lo * posts) <= c.initial.vacant_case_holding_posts <= round(hi * posts)
        assert c.initial.agency_covering_vacancies <= c.initial.vacant_case_holding_posts
        assert c.inspection.last_inspection_date <= start
        assert c.start_date == start and c.horizon_years == 7
    assert len({c.seed for c in councils}) == len(councils)
    assert len({c.culture.just_culture for c in councils}) == len(councils)


def test_population_rows_are_one_per_council_and_census_year(base) -> None:
    table = simulate_population(
        base, n_councils=2, census_years=range(2022, 2024), burn_in_years=1, jobs=1
    )
    assert list(table.council) == ["council_000"] * 2 + ["council_001"] * 2
    assert list(table.time_period) == [2022, 2023] * 2
    assert set(table.rating) <= set(RATINGS)
    assert table[["agency_rate_fte", "vacancy_rate_fte"]].ge(0).all().all()


@pytest.mark.slow
def test_population_is_the_same_on_a_process_pool(base) -> None:
    """The councils run on the project's backends; the table does not depend on which."""
    kwargs = {"n_councils": 4, "census_years": range(2022, 2024), "burn_in_years": 1}
    serial = simulate_population(base, jobs=1, **kwargs)
    done: list[int] = []
    pooled = simulate_population(
        base, jobs=2, progress=lambda finished, total: done.append(finished), **kwargs
    )
    pdt.assert_frame_equal(serial, pooled)
    assert done == [1, 2, 3, 4]


def test_group_by_rating_gives_mean_standard_error_and_count_best_first() -> None:
    table = pd.DataFrame(
        {
            "rating": ["good", "good", "good", "inadequate"],
            "agency_rate_fte": [10.0, 12.0, 14.0, 30.0],
            "vacancy_rate_fte": [5.0, 5.0, 5.0, 40.0],
        }
    )
    grouped = group_by_rating(table)
    assert list(grouped.index) == list(RATINGS)
    assert grouped.loc["good", "agency_rate_fte_mean"] == 12.0
    assert grouped.loc["good", "agency_rate_fte_se"] == pytest.approx(2.0 / math.sqrt(3))
    assert grouped.loc["good", "vacancy_rate_fte_se"] == 0.0
    assert grouped.loc["inadequate", "vacancy_rate_fte_n"] == 1
    assert grouped.loc["outstanding", "agency_rate_fte_n"] == 0
    assert math.isnan(grouped.loc["outstanding", "agency_rate_fte_mean"])

"""England's councils simulated from their own state, behind ``benchmarks/rating_population.py``.

Three small councils over two census years: Isles of Scilly (judged good in October 2019,
inspected again by the model within the run), Darlington (no ILACS judgement on record on
1 October 2021, so the init's stated rule applies) and Rutland.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pandas.testing as pdt
import pytest

from staffsim.scenario.spiral import RATINGS
from tools.population import (
    COUNCIL_METRICS,
    POPULATION_COLUMNS,
    TRANSITION_COLUMNS,
    Population,
    council_codes,
    council_comparison,
    england_councils,
    group_by_rating,
    improvement_shares_of,
    judgement_mix_of,
    sample_codes,
    simulate_population,
    transitions,
    write_outputs,
)

CODES = ("E06000053", "E06000005", "E06000017")  # Isles of Scilly, Darlington, Rutland
WITHOUT_RECORD = "E06000005"
REPLICATIONS = 2
HORIZON_YEARS = 4  # census days 2022-2025 (the record's intervals are four years or more)


@pytest.fixture(scope="module")
def built():
    return england_councils([*CODES, "no such council"], horizon_years=HORIZON_YEARS)


@pytest.fixture(scope="module")
def population(built) -> Population:
    councils, skipped = built
    return simulate_population(councils, REPLICATIONS, jobs=1, skipped=skipped)


def test_councils_are_built_from_their_own_state_and_failures_are_counted(built) -> None:
    councils, skipped = built
    assert [c.la_code for c in councils] == list(CODES)
    assert list(skipped) == ["no such council"]
    assert skipped["no such council"].startswith("CouncilLookupError")
    for council in councils:
        scenario = council.scenario
        assert scenario.start_date.isoformat() == "2021-10-01"
        assert scenario.horizon_years == HORIZON_YEARS
        assert council.name == scenario.name
        assert council.on_record == (scenario.inspection.last_inspection_date is not None)


def test_population_is_one_row_per_council_replication_and_census(population) -> None:
    table = population.population
    assert tuple(table.columns) == POPULATION_COLUMNS
    expected = [
        (code, r, year)
        for code in CODES
        for r in range(REPLICATIONS)
        for year in range(2022, 2022 + HORIZON_YEARS)
    ]
    assert list(zip(table.la_code, table.replication, table.time_period, strict=True)) == expected
    assert set(table.ofsted_rating) <= set(RATINGS)
    rates = table[["vacancy_rate_fte", "agency_rate_fte", "turnover_rate_fte", "caseload_fte"]]
    assert rates.ge(-1e-9).all().all()
    assert table.cla_3plus_sw_pct[table.time_period == 2023].notna().all()


def test_councils_without_a_judgement_on_record_are_counted(population) -> None:
    """The init's stated rule: no judgement on record means 'good' with no date; the
    assumption is flagged until the model's first inspection and is paired with nothing."""
    assert [c.la_code for c in population.without_record] == [WITHOUT_RECORD]
    table = population.population
    assumed = table[table.rating_assumed]
    assert set(assumed.la_code) == {WITHOUT_RECORD}
    assert set(assumed.ofsted_rating) == {"good"}
    first = population.judgements[population.judgements.follows_assumed]
    assert set(first.la_code) == {WITHOUT_RECORD}
    assert first.interval_years.isna().all()
    assert len(first) == len(first[["la_code", "replication"]].drop_duplicates())
    mix = judgement_mix_of(table)
    assert mix.attrs["no_judgement"] == len(assumed)
    assert mix.rows.sum() + len(assumed) == len(table)
    assert mix.share.sum() == pytest.approx(1.0)


def test_transitions_agree_with_the_census_ratings(population) -> None:
    """Every change of judgement between consecutive census days is among the model's
    judgements of that council and replication, and among the transitions."""
    table = population.population
    judgements = population.judgements
    pairs = transitions(judgements)
    assert tuple(pairs.columns) == TRANSITION_COLUMNS
    assert (pairs.inspections > 0).all()
    assert (pairs.mean_interval_years > 0).all()
    assert pairs.inspections.sum() == (~judgements.follows_assumed).sum()
    assert len(judgements) > 0
    seen = set(zip(pairs.from_rating, pairs.to_rating, strict=True))
    changes = 0
    for (_, replication), rows in table.groupby(["la_code", "replication"]):
        rows = rows.sort_values("time_period")
        for before, after in itertools.pairwise(rows.itertuples()):
            if before.ofsted_rating != after.ofsted_rating and not before.rating_assumed:
                changes += 1
                assert (before.ofsted_rating, after.ofsted_rating) in seen
                mine = judgements[
                    (judgements.la_code == before.la_code) & (judgements.replication == replication)
                ]
                assert after.ofsted_rating in set(mine.to_rating)
    assert changes > 0, "the councils chosen should change judgement within the run"
    shares = improvement_shares_of(judgements)
    assert list(shares.index) == list(RATINGS)
    assert shares.next_judgements.sum() == pairs.inspections.sum()
    assert (shares[["better", "same", "worse"]] >= 0).all().all()


@pytest.mark.slow
def test_population_is_the_same_on_a_process_pool(built, population) -> None:
    """The runs go through the project's backends; the tables do not depend on which."""
    councils, skipped = built
    done: list[int] = []
    pooled = simulate_population(
        councils,
        REPLICATIONS,
        jobs=2,
        skipped=skipped,
        progress=lambda finished, total: done.append(finished),
    )
    pdt.assert_frame_equal(population.population, pooled.population)
    pdt.assert_frame_equal(population.judgements, pooled.judgements)
    assert done == list(range(1, len(CODES) * REPLICATIONS + 1))


def test_outputs_and_council_comparison(population, tmp_path) -> None:
    paths = write_outputs(population, tmp_path / "out")
    assert sorted(paths) == ["councils", "population", "transitions"]
    written = pd.read_csv(paths["population"])
    assert tuple(written.columns) == POPULATION_COLUMNS
    assert len(written) == len(population.population)
    assert tuple(pd.read_csv(paths["transitions"]).columns) == TRANSITION_COLUMNS
    compared = council_comparison(population)
    assert set(compared.metric) <= set(COUNCIL_METRICS)
    assert set(compared.la_code) <= set(CODES)
    assert (compared.years <= HORIZON_YEARS).all()
    assert tuple(pd.read_csv(paths["councils"]).columns) == tuple(compared.columns)


def test_a_sample_takes_every_kth_council_in_code_order() -> None:
    codes = council_codes()
    assert codes == sorted(codes) and len(codes) >= 150
    sample = sample_codes(codes, 10)
    assert len(sample) == 10 and sample == sorted(sample)
    assert {code[:3] for code in sample} >= {"E06", "E08", "E09", "E10"}
    assert sample_codes(codes, None) == codes


def test_group_by_rating_gives_mean_standard_error_and_count_best_first() -> None:
    table = pd.DataFrame(
        {
            "ofsted_rating": ["good", "good", "good", "inadequate", "requires improvement"],
            "agency_rate_fte": [10.0, 12.0, 14.0, 30.0, 20.0],
            "vacancy_rate_fte": [5.0, 5.0, 5.0, 40.0, 25.0],
        }
    )
    grouped = group_by_rating(table)
    assert list(grouped.index) == list(RATINGS)
    assert grouped.loc["good", "agency_rate_fte_mean"] == 12.0
    assert grouped.loc["good", "agency_rate_fte_se"] == pytest.approx(2.0 / math.sqrt(3))
    assert grouped.loc["good", "vacancy_rate_fte_se"] == 0.0
    assert grouped.loc["inadequate", "vacancy_rate_fte_n"] == 1
    assert grouped.loc["requires_improvement", "agency_rate_fte_n"] == 1
    assert grouped.loc["outstanding", "agency_rate_fte_n"] == 0
    assert math.isnan(grouped.loc["outstanding", "agency_rate_fte_mean"])

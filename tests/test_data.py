"""The packaged official statistics and the tables derived from them.

The files must be the published ones, byte for byte; codes for unpublished values must read
as missing, never as numbers; each council's census figures must meet the Ofsted judgement
it had before the census day; and the grouped rates must reproduce the published pattern.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
from pathlib import Path

import pandas as pd
import pytest

from staffsim import data

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
"""The project's shared copy of the data, beside the repository, where it exists."""

RECORDED_SHA256 = {
    data.INDICATORS_FILE: "9e058bac193cc5b03f0d21ebe4259c8935d236dbf59f09d90b3e0916bfbca95f",
    data.OFSTED_FILE: "4f36958819be775d7c90bb7a5b645cd7879057087a3a037b401e07c5a6c0c901",
    data.STABILITY_FILE: "1f496f2daafa387ba1e3205829e2264583bb54625afdc2fb120d9fd83eba8cb8",
}
"""SHA-256 of each file as published (see staffsim/data/SOURCES.md)."""

# The pattern quoted for 2022-2025 (percent): agency rate, vacancy rate by latest judgement.
PUBLISHED_PATTERN = {
    "outstanding": (9.6, 11.2),
    "good": (16.1, 17.2),
    "requires improvement": (19.5, 20.1),
    "inadequate": (32.1, 31.4),
}


def _packaged(name: str) -> bytes:
    return data.data_path(name).read_bytes()


# ------------------------------------------------------------------------------ files
@pytest.mark.parametrize("name", sorted(RECORDED_SHA256))
def test_packaged_file_is_the_published_file(name: str) -> None:
    """Each packaged file is byte-identical to the shared copy when that folder exists, and
    otherwise has the SHA-256 recorded here: either way the comparison is made."""
    packaged = _packaged(name)
    if SHARED_DATA.is_dir():
        assert packaged == (SHARED_DATA / name).read_bytes(), f"{name} differs from shared/data"
    else:
        assert hashlib.sha256(packaged).hexdigest() == RECORDED_SHA256[name]


@pytest.mark.parametrize("name", sorted(RECORDED_SHA256))
def test_packaged_file_has_the_recorded_hash(name: str) -> None:
    """The recorded hashes (and SOURCES.md) describe the packaged files."""
    digest = hashlib.sha256(_packaged(name)).hexdigest()
    assert digest == RECORDED_SHA256[name]
    assert digest in data.data_path("SOURCES.md").read_text(encoding="utf-8")


# -------------------------------------------------------------------- missing values
def test_every_code_reads_as_missing_and_every_number_as_itself() -> None:
    """Cell by cell: u, c, x, z and low become NaN; numbers keep their published value."""
    table = data.published_indicators()
    text = _packaged(data.INDICATORS_FILE).decode("utf-8-sig")
    raw = list(csv.DictReader(io.StringIO(text)))
    assert len(raw) == len(table)
    measures = [c for c in table.columns if pd.api.types.is_float_dtype(table[c])]
    assert "agency_rate_fte" in measures and "time_period" not in measures
    codes_seen = set()
    for i, row in enumerate(raw):
        for column in measures:
            cell, value = row[column], table.at[i, column]
            if cell in data.MISSING_CODES:
                codes_seen.add(cell)
                assert math.isnan(value), f"row {i} {column}: {cell!r} read as {value}"
            else:
                assert value == float(cell), f"row {i} {column}: {cell!r} read as {value}"
    assert codes_seen == set(data.MISSING_CODES)


def test_known_suppressed_cells_are_missing() -> None:
    """Birmingham's 2024 agency FTE (u) and Sunderland's 2025 agency rate (low) are NaN."""
    table = data.published_indicators()
    birmingham = table[(table.la_name == "Birmingham") & (table.time_period == 2024)].iloc[0]
    sunderland = table[(table.la_name == "Sunderland") & (table.time_period == 2025)].iloc[0]
    assert math.isnan(birmingham.agency_fte)
    assert birmingham.vacancy_fte == 278.0
    assert math.isnan(sunderland.agency_rate_fte)


# ----------------------------------------------------------------------- averages
def test_national_row_is_the_published_one() -> None:
    row = data.national(2025)
    assert row.inpost_fte == 36186.3
    assert row.vacancy_rate_fte == 14.2
    assert row.caseload_fte == 15.2


def test_council_average_divides_counts_by_returns_and_keeps_rates() -> None:
    """A typical council: national counts / 151 returns; rates as published."""
    avg, row = data.council_average(2025), data.national(2025)
    assert data.council_count(2025) == 151
    assert avg["councils"] == 151
    assert avg["inpost_fte"] == pytest.approx(36186.3 / 151)
    assert avg["cases"] == pytest.approx(321661 / 151)
    for rate in ("turnover_rate_fte", "agency_rate_fte", "vacancy_rate_fte", "caseload_fte"):
        assert avg[rate] == row[rate]


# --------------------------------------------------------------------- Ofsted join
def test_ofsted_history_parses_dates_and_ratings() -> None:
    history = data.ofsted_history()
    assert len(history) == 271
    assert set(history.rating) == set(data.RATINGS)
    assert history.inspection_date.min() == pd.Timestamp(2018, 1, 29)


def _one_council_history(dates_and_ratings: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "la_code": ["E09000003"] * len(dates_and_ratings),
            "inspection_date": pd.to_datetime([d for d, _ in dates_and_ratings]),
            "rating": [r for _, r in dates_and_ratings],
        }
    )


def _barnet(joined: pd.DataFrame, year: int) -> pd.Series:
    return joined[(joined.new_la_code == "E09000003") & (joined.time_period == year)].iloc[0]


def test_an_inspection_on_the_census_day_counts_from_the_next_year() -> None:
    """'Before' is strict: a judgement dated 30 September is not yet the census's."""
    history = _one_council_history([("2022-05-01", "good"), ("2023-09-30", "inadequate")])
    joined = data.latest_rating_by_census([2023, 2024], history=history)
    assert _barnet(joined, 2023).rating == "good"
    assert _barnet(joined, 2024).rating == "inadequate"


def test_an_inspection_the_day_before_the_census_counts() -> None:
    history = _one_council_history([("2022-05-01", "good"), ("2023-09-29", "inadequate")])
    joined = data.latest_rating_by_census([2023], history=history)
    assert _barnet(joined, 2023).rating == "inadequate"
    assert _barnet(joined, 2023).inspection_date == pd.Timestamp(2023, 9, 29)


def test_every_judgement_joined_predates_its_census() -> None:
    joined = data.latest_rating_by_census(range(2018, 2026))
    rated = joined[joined.rating.notna()]
    assert len(rated) > 800
    assert (rated.inspection_date < rated.census_date).all()
    assert joined.census_date.dt.strftime("%m-%d").eq("09-30").all()


def _rating(joined: pd.DataFrame, code: str, year: int):
    rows = joined[(joined.new_la_code == code) & (joined.time_period == year)]
    assert len(rows) == 1, f"{code} {year}: {len(rows)} rows"
    return rows.iloc[0].rating, rows.iloc[0].rated_by


def test_special_cases_join_through_the_crosswalk() -> None:
    """Joint returns, successors and changed codes meet the right judgements."""
    joined = data.latest_rating_by_census(range(2019, 2026))
    kingston_richmond = "E09000021 / E09000027"
    # Richmond inspected January 2022 (good); Kingston December 2024 (outstanding)
    assert _rating(joined, kingston_richmond, 2022) == ("good", "E09000027")
    assert _rating(joined, kingston_richmond, 2025) == ("outstanding", "E09000021")
    # changed codes: North Yorkshire's county code, Barnsley's 2025 code
    assert _rating(joined, "E10000023", 2022) == ("outstanding", "E06000065")
    assert _rating(joined, "E08000038", 2025) == ("good", "E08000016")
    # Cumbria inspected 20 September 2022, ten days before the census
    assert _rating(joined, "E10000006", 2022) == ("requires improvement", "E10000006")
    # a successor is unrated until its own inspection (Cumberland: October 2024)
    assert pd.isna(_rating(joined, "E06000063", 2024)[0])
    assert _rating(joined, "E06000063", 2025)[0] == "good"
    # North and West Northamptonshire's joint return: unrated unless asked for
    northants = data.NORTHAMPTONSHIRE_JOINT_RETURN
    assert pd.isna(_rating(joined, northants, 2023)[0])
    included = data.latest_rating_by_census([2022, 2023], northamptonshire_joint_return=True)
    assert pd.isna(_rating(included, northants, 2022)[0])  # inspected 3 October 2022
    assert _rating(included, northants, 2023)[0] == "requires improvement"


# ---------------------------------------------------------------- published pattern
def test_rates_by_rating_reproduce_the_published_pattern() -> None:
    """Unweighted means over council-year rows, 2022-2025, to 0.1 percentage points."""
    table = data.published_rates_by_rating(range(2022, 2026))
    assert list(table.index) == list(data.RATINGS)
    for rating, (agency, vacancy) in PUBLISHED_PATTERN.items():
        row = table.loc[rating]
        assert round(row.agency_rate_fte_mean, 1) == agency, rating
        assert round(row.vacancy_rate_fte_mean, 1) == vacancy, rating
        assert 0 < row.agency_rate_fte_se < 3 and 0 < row.vacancy_rate_fte_se < 3
    assert table.agency_rate_fte_n.tolist() == [103, 253, 153, 67]
    assert table.vacancy_rate_fte_n.tolist() == [112, 255, 153, 67]


def test_rates_rise_from_outstanding_to_inadequate() -> None:
    table = data.published_rates_by_rating()
    for rate in ("agency_rate_fte_mean", "vacancy_rate_fte_mean"):
        values = table[rate].tolist()
        assert values == sorted(values), f"{rate} not ranked: {values}"
        assert len(set(values)) == 4


def test_census_date_is_30_september() -> None:
    assert data.census_date(2025) == dt.date(2025, 9, 30)

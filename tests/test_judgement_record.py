"""The Ofsted ILACS judgement record as data (``staffsim.data.judgements``).

Each table is checked against a recount of the packaged Ofsted file read with the ``csv``
module (no pandas, no staffsim parsing), and for its structure: transitions are the
inspections less the councils, intervals are positive, shares sum to 1, and the census mix
covers every DfE return of the year.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import math
from collections import Counter, defaultdict

import pandas as pd
import pytest

from staffsim import data
from staffsim.data import judgements

# Ofsted's wording of each grade, best first (the file's own text, mapped independently).
GRADE = {
    "Outstanding": "outstanding",
    "Good": "good",
    "Requires improvement to be good": "requires improvement",
    "Inadequate": "inadequate",
}
RANK = {rating: i for i, rating in enumerate(GRADE.values())}


def _csv_rows(name: str) -> list[dict[str, str]]:
    text = data.data_path(name).read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _raw_sequences() -> dict[str, list[tuple[dt.date, str]]]:
    """la_code -> [(inspection date, rating)] in date order, straight from the CSV."""
    out: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
    for row in _csv_rows(data.OFSTED_FILE):
        day = dt.datetime.strptime(row["inspection_date"], "%d/%m/%Y").date()
        out[row["la_code"]].append((day, GRADE[row["overall_effectiveness"]]))
    return {code: sorted(seq) for code, seq in out.items()}


def _raw_pairs() -> list[tuple[str, str, float]]:
    """(from rating, to rating, interval in years) for each consecutive pair in the CSV."""
    return [
        (a[1], b[1], (b[0] - a[0]).days / 365.25)
        for seq in _raw_sequences().values()
        for a, b in itertools.pairwise(seq)
    ]


def test_no_council_is_filed_under_two_codes() -> None:
    """The Ofsted code is the council: one name per code and one code per name, and for
    each council whose DfE code changed, Ofsted uses only one of its codes."""
    rows = _csv_rows(data.OFSTED_FILE)
    names: dict[str, set[str]] = defaultdict(set)
    codes: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        names[row["la_code"]].add(row["la_name"])
        codes[row["la_name"]].add(row["la_code"])
    assert all(len(v) == 1 for v in names.values())
    assert all(len(v) == 1 for v in codes.values())
    crosswalk = _csv_rows("council_crosswalk.csv")
    recoded = [(r["code"], r["other_code"]) for r in crosswalk if r["relation"] == "new_code"]
    assert recoded
    for old, new in recoded:
        assert not (old in names and new in names), (old, new)


@pytest.mark.parametrize("code", ["E08000025", "E06000047"])  # Birmingham; Durham (three)
def test_a_councils_sequence_is_its_inspections_in_order(code: str) -> None:
    raw = _raw_sequences()[code]
    rows = judgements.consecutive_judgements().query("la_code == @code")
    assert [(d.date(), r) for d, r in zip(rows.from_date, rows.from_rating, strict=True)] == raw
    followed = rows.dropna(subset=["to_rating"])
    assert [
        (d.date(), r) for d, r in zip(followed.to_date, followed.to_rating, strict=True)
    ] == raw[1:]
    assert rows.to_rating.isna().sum() == 1  # the latest is not yet followed


def test_transitions_match_a_recount_of_the_csv() -> None:
    table = judgements.judgement_transitions()
    pairs = _raw_pairs()
    counted = Counter((a, b) for a, b, _ in pairs)
    keys = list(zip(table.from_rating, table.to_rating, strict=True))
    assert dict(zip(keys, table.inspections, strict=True)) == dict(counted)
    for (a, b), mean in zip(keys, table.mean_interval_years, strict=True):
        years = [y for f, t, y in pairs if (f, t) == (a, b)]
        assert mean == pytest.approx(sum(years) / len(years))
    rows = _csv_rows(data.OFSTED_FILE)
    assert table.inspections.sum() == len(rows) - len({r["la_code"] for r in rows})
    # rows in RATINGS order
    order = [(RANK[a], RANK[b]) for a, b in keys]
    assert order == sorted(order)


def test_intervals_are_positive_and_account_for_every_judgement() -> None:
    pairs = judgements.consecutive_judgements().dropna(subset=["to_rating"])
    assert (pairs.interval_years > 0).all()
    table = judgements.inspection_intervals()
    assert list(table.index) == list(data.RATINGS)
    judged = Counter(r for seq in _raw_sequences().values() for _, r in seq)
    assert dict(table.intervals + table.censored) == {r: judged[r] for r in data.RATINGS}
    assert table.censored.sum() == len(_raw_sequences())  # each council's latest
    assert table.intervals.sum() == judgements.judgement_transitions().inspections.sum()
    for rating, row in table.iterrows():
        years = sorted(y for f, _, y in _raw_pairs() if f == rating)
        assert row.mean_years == pytest.approx(sum(years) / len(years))
        assert 0 < row.q1_years <= row.median_years <= row.q3_years
        assert row.median_years == pytest.approx(pd.Series(years).median())


def test_improvement_shares_add_up() -> None:
    table = judgements.improvement_shares()
    assert list(table.index) == list(data.RATINGS)
    assert (table[["better", "same", "worse"]].sum(axis=1) == table.next_judgements).all()
    shares = table[["better_share", "same_share", "worse_share"]].sum(axis=1)
    assert shares[table.next_judgements > 0].to_numpy() == pytest.approx(1.0)
    assert table.loc["outstanding", "better"] == 0
    assert table.loc["inadequate", "worse"] == 0


def test_inadequate_councils_judged_better_next_time() -> None:
    """The fact the project relies on: of the councils judged inadequate and inspected
    again, how many were judged better at the next inspection (13 of 15 in this file)."""
    nxt = [b for a, b, _ in _raw_pairs() if a == "inadequate"]
    recount = (len(nxt), sum(RANK[b] < RANK["inadequate"] for b in nxt))
    row = judgements.improvement_shares().loc["inadequate"]
    assert (row.next_judgements, row.better) == recount
    assert recount == (15, 13)
    assert row.better_share == pytest.approx(13 / 15)


def test_mix_covers_every_dfe_return() -> None:
    years = range(2018, 2026)
    mix = judgements.judgement_mix(years)
    assert list(mix.index) == list(years)
    returns = Counter(
        int(r["time_period"])
        for r in _csv_rows(data.INDICATORS_FILE)
        if r["geographic_level"] == "Local authority"
    )
    assert dict(mix.councils) == {y: returns[y] for y in years}
    keys = [judgements.rating_key(r) for r in data.RATINGS]
    assert (mix[keys].sum(axis=1) + mix.no_judgement == mix.councils).all()
    assert (mix[keys].sum(axis=1) == mix.rated).all()
    shares = mix[[f"{k}_share" for k in keys]].sum(axis=1)
    assert shares.to_numpy() == pytest.approx(1.0)
    assert (mix.census_date == pd.to_datetime([data.census_date(y) for y in years])).all()


def test_mix_counts_an_inspection_on_census_day_from_the_next_year() -> None:
    """An inspection begun on 30 September counts from the next census: change its grade
    and only the next year's mix moves (the file has such an inspection: Devon, 2024)."""
    on_census = [
        (code, day)
        for code, seq in _raw_sequences().items()
        for day, _ in seq
        if (day.month, day.day) == (9, 30)
    ]
    assert on_census
    code, day = on_census[0]
    later = [d for d, _ in _raw_sequences()[code] if d > day]
    assert not [d for d in later if d < data.census_date(day.year + 1)]
    history = data.ofsted_history()
    hit = (history.la_code == code) & (history.inspection_date == pd.Timestamp(day))
    before = history.loc[hit, "rating"].item()
    after = next(r for r in data.RATINGS if r != before)
    changed = history.copy()
    changed.loc[hit, "rating"] = after
    years = [day.year, day.year + 1]
    base = judgements.judgement_mix(years)
    moved = judgements.judgement_mix(years, history=changed)
    pd.testing.assert_frame_equal(base.loc[[day.year]], moved.loc[[day.year]])
    diff = (moved.drop(columns="census_date") - base.drop(columns="census_date")).loc[day.year + 1]
    assert diff[judgements.rating_key(after)] == 1
    assert diff[judgements.rating_key(before)] == -1
    assert math.isclose(diff.councils, 0)

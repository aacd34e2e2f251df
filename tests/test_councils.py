"""Councils found by name or code through the years, one test per case of the crosswalk."""

from __future__ import annotations

import pytest

from staffsim import data
from staffsim.cli.councils import WIDTH, councils_text
from staffsim.cli.main import main
from staffsim.data import councils
from staffsim.data.councils import CouncilLookupError, council_crosswalk, find_council


def test_name_code_and_old_code_find_the_same_council_in_any_case() -> None:
    for query in ("Birmingham", "BIRMINGHAM", "e08000025", "330", " birmingham "):
        assert find_council(query, 2021).code == "E08000025"


def test_a_misspelt_name_suggests_the_closest() -> None:
    with pytest.raises(CouncilLookupError, match=r"did you mean 'Birmingham'\?") as err:
        find_council("Birmigham", 2021)
    assert err.value.exit_code == 2


@pytest.mark.parametrize("member", ["Kingston upon Thames", "richmond upon thames", "E09000027"])
def test_kingston_and_richmond_give_their_joint_return(member: str) -> None:
    found = find_council(member, 2024)
    assert found.code == "E09000021 / E09000027" and found.joint
    assert any("the scenario is the joint service" in n for n in found.notes)


def test_north_and_west_northamptonshire_give_their_joint_return_from_2021() -> None:
    assert find_council("West Northamptonshire", 2021).code == "E06000061 / E06000062"
    with pytest.raises(CouncilLookupError, match=r"predecessor Northamptonshire \(E10000021\)"):
        find_council("North Northamptonshire", 2020)


def test_northamptonshire_after_2020_names_its_successors() -> None:
    assert find_council("Northamptonshire", 2020).code == "E10000021"
    with pytest.raises(CouncilLookupError, match="North Northamptonshire / West North"):
        find_council("Northamptonshire", 2021)


def test_cumbria_after_2022_names_cumberland_and_westmorland_and_furness() -> None:
    assert find_council("Cumbria", 2022).code == "E10000006"
    with pytest.raises(CouncilLookupError) as err:
        find_council("Cumbria", 2023)
    assert "Cumberland (E06000063)" in str(err.value)
    assert "Westmorland and Furness (E06000064)" in str(err.value)
    with pytest.raises(CouncilLookupError, match=r"predecessor Cumbria \(E10000006\)"):
        find_council("Westmorland and Furness", 2022)


def test_bournemouth_and_poole_before_2019_bcp_after() -> None:
    assert find_council("Poole", 2018).code == "E06000029"
    with pytest.raises(CouncilLookupError, match="Bournemouth, Christchurch and Poole"):
        find_council("Bournemouth", 2019)
    with pytest.raises(CouncilLookupError) as err:
        find_council("Bournemouth, Christchurch & Poole", 2018)
    for predecessor in ("Bournemouth (E06000028)", "Poole (E06000029)", "Dorset (E10000009)"):
        assert predecessor in str(err.value)
    assert find_council("Bournemouth, Christchurch & Poole", 2019).code == "E06000058"


def test_dorset_is_the_county_to_2018_and_the_new_council_from_2019() -> None:
    assert find_council("Dorset", 2018).code == "E10000009"
    new = find_council("Dorset", 2019)
    assert new.code == "E06000059"
    assert any("Christchurch" in n for n in new.notes)
    with pytest.raises(CouncilLookupError, match=r"Dorset \(E06000059\)"):
        find_council("E10000009", 2019)


@pytest.mark.parametrize(
    ("old", "new", "last_old_year"),
    [
        ("E10000002", "E06000060", 2019),  # Buckinghamshire
        ("E10000023", "E06000065", 2022),  # North Yorkshire
        ("E10000027", "E06000066", 2022),  # Somerset
        ("E08000016", "E08000038", 2024),  # Barnsley
        ("E08000019", "E08000039", 2024),  # Sheffield
    ],
)
def test_a_new_code_is_the_same_council(old: str, new: str, last_old_year: int) -> None:
    """Either code finds the return of the year, under whichever code it was made."""
    for query in (old, new):
        assert find_council(query, last_old_year).code == old
        assert find_council(query, last_old_year + 1).code == new
    judged = councils.latest_judgement(find_council(old, last_old_year), None)
    assert judged is not None  # Ofsted files the history under one of the codes


@pytest.mark.parametrize(
    ("ofsted", "dfe"),
    [
        ("Kingston upon Hull", "Kingston upon Hull, City of"),
        ("Herefordshire", "Herefordshire, County of"),
        ("Telford & Wrekin", "Telford and Wrekin"),
        ("Bristol", "Bristol, City of"),
        ("Durham", "County Durham"),
        ("St Helens", "St. Helens"),
        ("Hammersmith & Fulham", "Hammersmith and Fulham"),
    ],
)
def test_ofsted_spellings_find_the_dfe_council(ofsted: str, dfe: str) -> None:
    assert find_council(ofsted, 2024).name == dfe


def test_the_crosswalk_lists_every_name_ofsted_spells_differently() -> None:
    """Every code whose Ofsted name differs from its DfE name is in the crosswalk."""
    table = data.published_indicators()
    dfe = table[table.geographic_level == "Local authority"].groupby("new_la_code").la_name.last()
    ofsted = data.ofsted_history().groupby("la_code").la_name.last()
    differ = {c for c in ofsted.index if c in dfe.index and dfe[c] != ofsted[c]}
    cross = council_crosswalk()
    listed = set(cross[cross.relation == "ofsted_name"].code)
    assert differ == listed


def test_the_crosswalk_agrees_with_the_returns_in_the_file() -> None:
    """A replaced council's last return is the year before its successor's first, and a new
    code starts the year the crosswalk says; the Ofsted join of staffsim.data agrees."""
    table = data.published_indicators()
    rows = table[table.geographic_level == "Local authority"]
    years = rows.groupby("new_la_code").time_period.agg(["min", "max"])
    for rel in council_crosswalk().itertuples():
        if rel.relation in ("replaced_by", "new_code"):
            assert years.loc[rel.code, "max"] == rel.from_year - 1, rel
            assert years.loc[rel.other_code, "min"] == rel.from_year, rel
        if rel.relation == "new_code" and rel.other_code in data.CROSSWALK:
            assert data.CROSSWALK[rel.other_code] == (rel.code,)
        if rel.relation == "new_code" and rel.code in data.CROSSWALK:
            assert data.CROSSWALK[rel.code] == (rel.other_code,)


def test_a_year_outside_the_file_is_refused_with_the_range() -> None:
    with pytest.raises(CouncilLookupError, match="--year 2018 to 2026"):
        find_council("Birmingham", 2030)


def test_councils_lists_every_2025_return_within_100_columns() -> None:
    table = councils.council_table()
    assert len(table) == 151
    text = councils_text(table)
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    birmingham = table[table.name == "Birmingham"].iloc[0]
    assert (birmingham.rating, birmingham.vacancy_rate_fte) == ("good", 17.1)


def test_councils_by_region_and_an_unknown_region(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["councils", "--region", "london"]) == 0
    out = capsys.readouterr().out
    assert "Inner London" in out and "Outer London" in out and "Birmingham" not in out
    assert main(["councils", "--region", "Mars"]) == 2
    assert "no region 'Mars'" in capsys.readouterr().err

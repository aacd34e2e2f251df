"""``staffsim init``: every council's scenario validates, runs and starts from its published row.

The start state is checked in the built model, not only in the file: people in post,
vacancies, agency workers and those covering vacancies, cases held (all allocated) are the
published figures rounded to whole people, posts and cases; in-post and case-holder FTE
agree within the rounding of a post and four standard deviations of the part-time draws
(each employee is part time with the scenario's share, an analytic spread, not a seeded
number).
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest

from staffsim import data
from staffsim.cli.main import main
from staffsim.data import councils
from staffsim.model.entities import CASE_HOLDING
from staffsim.model.run import build
from staffsim.scenario.init_writer import DFE_FILE, council_scenario
from staffsim.scenario.loader import load_scenario

YEAR = 2025  # start 1 October 2024 from the 2024 row
MONTH_YEARS = 1 / 12
SUITE_SECONDS = 120.0
"""The loop over every council stays well inside this (measured about 45 s)."""


def _half_up(x: float) -> int:
    return math.floor(x + 0.5)


def _own(made, column: str) -> float | None:
    """The figure if it is the council's own published cell for the row's year."""
    figure = made.figures[column]
    return None if figure.fallback or figure.year != made.council.year else figure.value


COUNCILS_2024 = tuple(
    data.published_indicators()
    .query("geographic_level == 'Local authority' and time_period == @YEAR - 1")
    .new_la_code
)
QUICK = (
    "E08000025",  # Birmingham: large, figures suppressed in 2024
    "E09000021 / E09000027",  # Kingston and Richmond: a joint return
    "E06000061 / E06000062",  # North and West Northamptonshire: a joint return
    "E06000063",  # Cumberland: Cumbria's successor, judged by Cumbria's inspection
    "E06000060",  # Buckinghamshire: a new code
    "E06000053",  # Isles of Scilly: no employees, a row the split cannot fit
    "E09000017",  # Hillingdon: more agency cover than case holders
    "E08000024",  # Sunderland: agency published as 'low'
)


def _check_councils(codes: tuple[str, ...], folder: Path) -> list[str]:
    """Write, validate, build and run a month of each council; the problems found."""
    problems: list[str] = []
    for code in codes:
        made = council_scenario(code, YEAR, horizon_years=MONTH_YEARS)
        path = folder / f"{made.name}.yaml"
        path.write_text(made.text, encoding="utf-8")
        scenario = load_scenario(path)  # the package's loader, as `staffsim validate` reads it
        svc, _ = build(scenario, 0)
        employees = list(svc.staff.employees.values())
        holders = [w for w in svc.caseload.holders.values() if w.cases]
        state = {
            "inpost_headcount": len(employees),
            "cases": sum(len(w.cases) for w in holders),
        }
        for column, value in state.items():
            published = _own(made, column)
            if published is not None and value != _half_up(published):
                problems.append(f"{made.name}: {column} {value} != {published}")
        if svc.caseload.n_waiting:
            problems.append(f"{made.name}: {svc.caseload.n_waiting} cases wait at the start")
        # FTE: a post is part time with chance s, (1 - p) FTE less, and whoever fills it
        # works its FTE, so each FTE total spreads with the number of posts behind it
        share = scenario.workforce.part_time_share
        drop = 1 - scenario.workforce.part_time_fte
        case_employees = sum(1 for w in employees if w.post and w.post.role == CASE_HOLDING)
        covering = [w for w in svc.staff.agency.values() if w.post is not None]
        vacant_posts = svc.staff.n_vacant
        # the model counts every agency worker outside a non-case-holding post as a case
        # holder: a row with fewer case holders than that cannot be met, and must say so
        floor = scenario.agency.extra_workers
        misfit = any("do not fit" in note for note in made.notes)
        for column, value, n in (
            ("inpost_fte", sum(w.fte for w in employees), len(employees)),
            ("case_holders_fte", sum(w.fte for w in holders), case_employees + len(covering)),
            ("vacancy_fte", svc.staff.vacant_fte, vacant_posts),
            ("agency_fte", svc.staff.agency_fte, len(covering)),
            ("agency_cover_fte", sum(w.fte for w in covering), len(covering)),
        ):
            published = _own(made, column)
            if column == "agency_cover_fte" and published is not None:
                published = min(published, made.figures["vacancy_fte"].value)
            spread = 4 * math.sqrt(n * share * (1 - share)) * drop + 1.0
            if column == "case_holders_fte" and published is not None and published < floor:
                if not misfit:
                    problems.append(f"{made.name}: case holders below the floor, no note")
                continue
            if published is not None and abs(value - published) > spread:
                problems.append(f"{made.name}: {column} {value:.1f} != {published} ± {spread:.1f}")
        absence = _own(made, "absence_rate_fte")
        if absence is not None and scenario.capacity.absence_rate != round(absence / 100, 4):
            problems.append(f"{made.name}: absence {scenario.capacity.absence_rate}")
        svc.env.run(until=scenario.horizon_days)  # a month
        if svc.env.now != scenario.horizon_days or svc.caseload.n_arrived == 0:
            problems.append(f"{made.name}: the month did not run")
    return problems


def test_councils_of_every_kind_validate_run_a_month_and_start_as_published(
    tmp_path: Path,
) -> None:
    """A quick subset: the joint returns, new codes, successors and odd rows."""
    assert set(QUICK) <= set(COUNCILS_2024)
    assert _check_councils(QUICK, tmp_path) == []


@pytest.mark.slow
def test_every_council_with_a_2024_row_validates_runs_a_month_and_starts_as_published(
    tmp_path: Path,
) -> None:
    """All 151 returns of 2024 (about 45 s on a shared two-core machine, mostly allocating
    the councils' 360,000 open cases at the start, so marked slow)."""
    assert len(COUNCILS_2024) == 151
    started = time.perf_counter()
    assert _check_councils(COUNCILS_2024, tmp_path) == []
    assert time.perf_counter() - started < SUITE_SECONDS


def test_birmingham_2022_names_file_row_and_column_for_each_value() -> None:
    made = council_scenario("Birmingham", 2022)
    assert made.values["start_date"].isoformat() == "2021-10-01"
    published = {
        "initial.open_cases": "cases",
        "initial.agency_covering_vacancies": "agency_cover_fte",
        "capacity.absence_rate": "absence_rate_fte",
        "initial.turnover_rate_per_year": "turnover_rate_fte",
        "workforce.part_time_share": "inpost_fte",
        "establishment.case_holding_posts": "case_holders_fte",
        "agency.extra_workers": "agency_fte",
    }
    for key, column in published.items():
        source = made.sources[key]
        assert DFE_FILE in source and "Birmingham 2021" in source and column in source, key
    for key in ("attrition.resignation_rate_per_year", "agency.availability"):
        assert made.sources[key].startswith("England derivation"), key
    rating = made.sources["inspection.current_rating"]
    assert data.OFSTED_FILE in rating and "2018-12-03" in rating
    assert made.values["inspection.current_rating"] == "requires_improvement"
    assert made.sources["initial.open_cases"].endswith(
        "dfe_csww_indicators_2017_to_2025.csv, row Birmingham 2021: cases 7,870"
    )
    assert made.values["initial.open_cases"] == 7870


def test_a_suppressed_figure_falls_back_to_an_earlier_year_and_says_so() -> None:
    """Birmingham's 2024 cases are suppressed ('u'): 2023's are used, never 2025's."""
    assert councils.raw_cell("E08000025", 2024, "cases") == "u"
    made = council_scenario("Birmingham", 2025)
    figure = made.figures["cases"]
    assert (figure.year, figure.skipped) == (2023, ((2024, "u"),))
    assert made.values["initial.open_cases"] == _half_up(figure.value)
    assert "suppressed for Birmingham in 2024 'u'" in made.sources["initial.open_cases"]
    assert any(note.startswith("cases:") for note in made.notes)


def test_never_published_falls_back_to_england(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rate suppressed in every earlier year takes England's figure for the year."""
    real = councils.raw_cell

    def suppressed(code: str, year: int, column: str) -> str | None:
        return "c" if column == "absence_rate_fte" else real(code, year, column)

    monkeypatch.setattr(councils, "raw_cell", suppressed)
    made = council_scenario("Leeds", 2024)
    figure = made.figures["absence_rate_fte"]
    assert figure.code == "England" and figure.value == data.national(2023).absence_rate_fte
    assert "England's figure for 2023" in made.sources["capacity.absence_rate"]


def test_the_start_takes_the_latest_judgement_on_or_before_it() -> None:
    """Birmingham was judged good on 2023-02-06...; a start on 1 October 2022 predates it."""
    before = council_scenario("Birmingham", 2023)
    after = council_scenario("Birmingham", 2024)
    assert before.values["inspection.current_rating"] == "requires_improvement"
    assert after.values["inspection.current_rating"] == "good"
    assert (
        after.values["inspection.last_inspection_date"]
        > before.values["inspection.last_inspection_date"]
    )


def test_cli_writes_a_file_that_validates_and_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "kingston.yaml"
    assert main(["init", "--la", "kingston upon thames", "--year", "2025", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "joint return" in err and "the scenario is the joint service" in err
    assert load_scenario(out).name == "kingston_upon_thames_richmond_upon_thames_2025"
    assert main(["init", "--la", "Kingston upon Thames", "--year", "2025", "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err


def test_cli_prints_to_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--la", "Birmingham", "--year", "2022"]) == 0
    text = capsys.readouterr().out
    assert "vacancy_fte 269" in text and "name: birmingham_2022" in text


def test_cli_suggests_the_closest_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--la", "Birmigham", "--year", "2022"]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'Birmingham'?" in err and "Traceback" not in err


def test_cli_names_the_successors_of_a_council_that_no_longer_returns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["init", "--la", "Cumbria", "--year", "2025"]) == 2
    err = capsys.readouterr().err
    assert "Cumberland (E06000063)" in err and "Westmorland and Furness (E06000064)" in err


def test_practice_starts_as_the_judgement_in_force_says(tmp_path: Path) -> None:
    """A council's practice is the middle of its judgement's band as judged (for Bradford,
    inadequate, with the intervention since then added), so that an inspection then would
    judge it as on record: Birmingham
    was requires improvement on 1 October 2021, Bradford inadequate."""
    for code, rating in (("Birmingham", "requires_improvement"), ("Bradford", "inadequate")):
        made = council_scenario(code, 2022, horizon_years=MONTH_YEARS)
        path = tmp_path / f"{made.name}.yaml"
        path.write_text(made.text, encoding="utf-8")
        scenario = load_scenario(path)
        assert scenario.inspection.current_rating == rating
        middle = scenario.inspection.practice_for(
            rating, scenario.incidents.rate_per_1000_cases_per_year
        )
        assert scenario.quality.start_index == pytest.approx(middle, abs=1e-4)
        svc, _ = build(scenario, 0)
        if rating == "inadequate":
            # under intervention since its judgement (2018): the gain adds to that practice
            assert svc.spiral.quality > middle + 0.05
        else:
            assert svc.spiral.quality == pytest.approx(middle, abs=1e-9)

"""The shipped scenarios: each one validates and starts from the state it describes.

``england_2025`` is a typical English council on DfE's 2025 figures: its values are the
ones ``scripts/derive_england_2025.py`` derives, and its initial state reproduces the
per-council stocks (vacancy rate, agency rate, caseload). ``birmingham_2015`` starts from
the state reported early in 2015: about a third of 485 frontline posts vacant, nearly all
covered by agency staff, caseloads far above the national average, rated inadequate.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

from staffsim import data
from staffsim.model.entities import CASE_HOLDING
from staffsim.model.run import build
from staffsim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
ENGLAND = ROOT / "scenarios" / "england_2025.yaml"
BIRMINGHAM = ROOT / "scenarios" / "birmingham_2015.yaml"
HISTORY = ROOT / "scenarios" / "birmingham_history.yaml"

# One post or one agency worker moves a rate by about 0.35 points in a council of 293
# posts, and each employee's FTE is drawn (part time or not), which moves the in-post FTE
# by about 2 FTE: "within rounding" is half a point for the rates and 0.3 for the caseload.
# within the rounding of a post and the spread of the posts' part-time draws (a standard
# deviation of about 0.35 points of the vacancy rate for England's 42 vacant posts)
RATE_TOLERANCE = 1.0
CASELOAD_TOLERANCE = 0.3


def _starting_stocks(scenario, replication: int) -> dict[str, float]:
    """The DfE-style stocks of a built service on its start date (percent and cases/FTE)."""
    svc, _ = build(scenario, replication)
    employed, agency, vacant = svc.staff.employed_fte, svc.staff.agency_fte, svc.staff.vacant_fte
    holders = [w for w in svc.caseload.holders.values() if w.cases]
    cases = sum(len(w.cases) for w in holders)
    return {
        "vacancy_rate_fte": 100 * vacant / (vacant + employed),
        "agency_rate_fte": 100 * agency / (agency + employed),
        "caseload_fte": cases / sum(w.fte for w in holders),
        "cases_waiting": svc.caseload.n_waiting,
    }


@pytest.fixture(scope="module")
def derivation() -> ModuleType:
    """scripts/derive_england_2025.py, imported as a module."""
    path = ROOT / "scripts" / "derive_england_2025.py"
    spec = importlib.util.spec_from_file_location("derive_england_2025", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_both_scenarios_are_shipped() -> None:
    assert {p.stem for p in SCENARIOS} >= {"england_2025", "birmingham_2015"}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_validates(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.name == path.stem


def _uncommented_values(path: Path) -> list[str]:
    """Lines that set a value with no comment on the line or in the comment block just above.

    Lines inside a block scalar (the description) and the fields of a mapping whose key
    line carries the comment (a distribution) are not values of their own.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    missing = []
    block_indent = None
    for i, line in enumerate(lines):
        text = line.strip()
        indent = len(line) - len(line.lstrip())
        if block_indent is not None:
            if text and indent <= block_indent:
                block_indent = None
            else:
                continue
        if not text or text.startswith("#"):
            continue
        if text.endswith((">-", "|", ">")):
            block_indent = indent
            continue
        if text.endswith(":") or text.split("#")[0].strip().endswith(":"):
            continue  # a section or mapping key; its fields are checked themselves
        if text.startswith(("schema_version", "name:")):
            continue
        above = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        if "#" in line or above.strip().startswith("#"):
            continue
        owner = next(
            (
                lines[j]
                for j in range(i - 1, -1, -1)
                if lines[j].strip() and len(lines[j]) - len(lines[j].lstrip()) < indent
            ),
            "",
        )
        if "#" in owner:
            continue  # a field of a distribution whose key line carries the comment
        missing.append(f"{path.name}:{i + 1}: {text}")
    return missing


@pytest.mark.parametrize("path", [ENGLAND, BIRMINGHAM, HISTORY], ids=lambda p: p.stem)
def test_every_value_cites_a_source_or_states_an_assumption(path: Path) -> None:
    """Each line that sets a value has a comment on it or just above it."""
    assert _uncommented_values(path) == []


@pytest.mark.slow
def test_england_values_are_the_derived_ones(derivation: ModuleType) -> None:
    """Every derived key in the scenario has the value the derivation script gives it."""
    scenario = load_scenario(ENGLAND)
    values = derivation.scenario_values()
    assert len(values) >= 15
    for key, expected in values.items():
        actual = scenario
        for part in key.split("."):
            actual = getattr(actual, part)
        assert math.isclose(actual, expected, rel_tol=1e-3), f"{key}: {actual} != {expected}"


@pytest.mark.parametrize("replication", range(4))
def test_england_starts_from_the_published_2025_stocks(replication: int) -> None:
    """On the start date the vacancy rate, agency rate and caseload are DfE's 2025 figures
    per council, within rounding, and every case is allocated."""
    scenario = load_scenario(ENGLAND)
    published = data.council_average(2025)
    stocks = _starting_stocks(scenario, replication)
    for rate in ("vacancy_rate_fte", "agency_rate_fte"):
        assert abs(stocks[rate] - published[rate]) <= RATE_TOLERANCE, (rate, stocks[rate])
    caseload = stocks["caseload_fte"]
    assert abs(caseload - published["caseload_fte"]) <= CASELOAD_TOLERANCE, caseload
    assert stocks["cases_waiting"] == 0


def test_england_posts_hold_the_published_people() -> None:
    """Posts = FTE establishment (in-post + vacancy FTE) / FTE per person, and the vacant
    posts hold the vacancy FTE (a post's FTE is worked by whoever fills it)."""
    scenario = load_scenario(ENGLAND)
    published = data.council_average(2025)
    per_head = published["inpost_fte"] / published["inpost_headcount"]
    posts = (
        scenario.establishment.case_holding_posts + scenario.establishment.non_case_holding_posts
    )
    assert posts == round((published["inpost_fte"] + published["vacancy_fte"]) / per_head)
    vacancies = (
        scenario.initial.vacant_case_holding_posts + scenario.initial.vacant_non_case_holding_posts
    )
    assert vacancies == round(published["vacancy_fte"] / per_head)
    assert scenario.start_date.isoformat() == "2024-10-01"


def test_birmingham_starts_with_a_third_of_frontline_posts_vacant() -> None:
    """161 of 485 frontline posts vacant on the start date, nearly all covered by agency."""
    scenario = load_scenario(BIRMINGHAM)
    assert scenario.start_date.isoformat() == "2014-10-01"
    assert scenario.establishment.case_holding_posts == 485
    svc, _ = build(scenario, 0)
    frontline = [p for p in svc.staff.posts if p.role == CASE_HOLDING]
    vacant = [p for p in frontline if p.employee is None]
    assert len(vacant) == 161
    assert len(vacant) / len(frontline) == pytest.approx(1 / 3, abs=0.01)
    covered = sum(1 for p in vacant if p.agency is not None)
    assert covered / len(vacant) >= 0.9


def test_birmingham_starts_at_its_earliest_published_caseload() -> None:
    """Cases on the start date are sized from the record: Birmingham's earliest published
    caseload (DfE 2017: 14.7 cases per case-holder FTE) on the start date's case holders."""
    table = data.published_indicators()
    row = table[(table.la_name == "Birmingham") & (table.time_period == 2017)].iloc[0]
    scenario = load_scenario(BIRMINGHAM)
    for replication in range(3):
        stocks = _starting_stocks(scenario, replication)
        assert abs(stocks["caseload_fte"] - row.caseload_fte) <= 0.3, stocks
        assert stocks["cases_waiting"] == 0


def test_birmingham_other_posts_follow_its_2017_dfe_ratio() -> None:
    """Non-case-holding posts scale the 485 frontline posts by Birmingham's 2017 DfE split,
    worked out as for England (agency case holders among the case holders)."""
    table = data.published_indicators()
    row = table[(table.la_name == "Birmingham") & (table.time_period == 2017)].iloc[0]
    assert (row.inpost_fte, row.case_holders_fte) == (647.1, 396.0)
    fte_per_head = row.inpost_fte / row.inpost_headcount
    posts = (row.inpost_fte + row.vacancy_fte) / fte_per_head
    v = row.vacancy_fte / (row.inpost_fte + row.vacancy_fte)
    c = row.vacancy_agency_cover_rate_fte / 100
    extra = row.agency_fte - row.agency_cover_fte
    case_posts = (row.case_holders_fte - extra) / (fte_per_head * ((1 - v) + v * c))
    expected = 485 * (posts - case_posts) / case_posts
    scenario = load_scenario(BIRMINGHAM)
    assert abs(scenario.establishment.non_case_holding_posts - expected) <= 1


def test_birmingham_is_rated_inadequate_at_the_start() -> None:
    scenario = load_scenario(BIRMINGHAM)
    assert scenario.inspection.current_rating == "inadequate"
    assert scenario.reputation.initial == scenario.reputation.target_by_rating["inadequate"]


def test_history_runs_from_october_2016_to_the_2025_census() -> None:
    """A plain run of the history covers DfE's 2017 to 2025 censuses; its policies fall
    inside it."""
    history = load_scenario(HISTORY)
    assert history.start_date == dt.date(2016, 10, 1)
    assert history.end_date > dt.date(2025, 9, 30)
    assert history.policies and all(
        history.start_date < p.date < dt.date(2025, 9, 30) for p in history.policies
    )


def test_history_is_calibrated_on_the_2017_census_only() -> None:
    """Each of the four fitted values says it was fitted to the 2017 census, and nothing
    later."""
    text = HISTORY.read_text(encoding="utf-8")
    assert text.startswith("# Calibrated on")
    assert text.count("calibrated by `staffsim calibrate --la Birmingham --years 2017`") == 4
    assert "--years 2018" not in text and "--years 2017-" not in text

"""``--set key.path=value``: parsing, applying, and checking like the file."""

from __future__ import annotations

import datetime as dt

import pytest

from staffsim.scenario.distributions import Fixed
from staffsim.scenario.errors import ScenarioError
from staffsim.scenario.loader import load_scenario
from staffsim.scenario.overrides import Override, override_data, parse_set, parse_sets


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("caseload.target_per_fte=18", ("caseload.target_per_fte", 18)),
        ("capacity.admin_share=0.25", ("capacity.admin_share", 0.25)),
        ("agency.cover_vacancies=false", ("agency.cover_vacancies", False)),
        ("start_date=2025-04-01", ("start_date", dt.date(2025, 4, 1))),
        ("initial.open_cases=null", ("initial.open_cases", None)),
        ("name=lower caps", ("name", "lower caps")),
        ("description=a=b", ("description", "a=b")),
        (" caseload.target_per_fte = 18 ", ("caseload.target_per_fte", 18)),
        (
            "recruitment.campaign_days={dist: fixed, days: 30}",
            ("recruitment.campaign_days", {"dist": "fixed", "days": 30}),
        ),
        (
            "effects.pay_on_applicants.points=[[0.9, 0.5], [1.1, 1.5]]",
            ("effects.pay_on_applicants.points", [[0.9, 0.5], [1.1, 1.5]]),
        ),
    ],
)
def test_values_are_read_as_yaml(text, expected):
    """Numbers, booleans, dates, null, text, mappings and lists are read as in a file;
    only the first ``=`` separates the path from the value."""
    assert parse_set(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("caseload.target_per_fte", "key.path=value"),
        ("=18", "dotted key path"),
        ("caseload..target_per_fte=18", "dotted key path"),
        ("caseload.target_per_fte=", "write null"),
        ("caseload.target_per_fte=[18", "valid YAML"),
        ("name=!!python/name:os.system", "not allowed"),
    ],
)
def test_malformed_text_is_a_scenario_error(text, expected):
    """Each malformed override raises ScenarioError saying what was expected and naming
    the --set text."""
    with pytest.raises(ScenarioError) as excinfo:
        parse_set(text)
    message = str(excinfo.value)
    assert expected in message
    assert "--set" in message
    assert excinfo.value.exit_code == 2


def test_parse_sets_keeps_the_last_value_of_a_path():
    """``--set a=1 --set a=2`` sets 2."""
    assert parse_sets(["seed=1", "name=x", "seed=2"]) == {"name": "x", "seed": 2}


def test_parse_sets_reports_every_malformed_text():
    """Two bad texts give one error with two problems."""
    with pytest.raises(ScenarioError) as excinfo:
        parse_sets(["nothing", "seed=1", "also nothing"])
    assert len(excinfo.value.problems) == 2


def test_an_override_replaces_a_distribution_whole(scenario_data):
    """Overriding a lognormal with ``{dist: fixed, days: 30}`` leaves no lognormal keys."""
    scenario = load_scenario(
        scenario_data / "base.yaml", {"recruitment.campaign_days": {"dist": "fixed", "days": 30}}
    )
    assert scenario.recruitment.campaign_days == Fixed(days=30)


def test_an_override_can_add_a_case_type(scenario_data):
    """A new name under demand.case_types is allowed (its values are then checked)."""
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(scenario_data / "minimal.yaml", {"demand.case_types.adoption.share": 0.0})
    paths = {p.path for p in excinfo.value.problems}
    assert "demand.case_types.adoption.duration" in paths
    assert all(p.file == "overrides" for p in excinfo.value.problems)


def test_an_unknown_override_path_gets_a_full_path_suggestion(scenario_data):
    """``demand.arrival_per_day`` is refused with the corrected whole path."""
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(scenario_data / "minimal.yaml", {"demand.arrival_per_day": 3})
    (problem,) = excinfo.value.problems
    assert (problem.file, problem.path, problem.value) == (
        "overrides",
        "demand.arrival_per_day",
        3,
    )
    assert problem.suggestion == "did you mean 'demand.arrivals_per_day'?"


def test_override_problems_and_file_problems_are_reported_together(scenario_data):
    """A bad file and a bad override: both problems in one error."""
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(scenario_data / "negative_rate.yaml", {"seed": -1})
    files = {p.path: p.file for p in excinfo.value.problems}
    assert files["seed"] == "overrides"
    assert files["attrition.resignation_rate_per_year"].endswith("negative_rate.yaml")


def test_override_data_moves_the_origin_of_replaced_values_to_the_override():
    """After overriding a mapping, the keys inside it no longer point at the file but at
    the override's source."""
    origins = {("a",): "file", ("a", "b"): "file:b", ("c",): "file:c"}
    data, problems = override_data(
        {"a": {"b": 1}, "c": 2},
        [Override("recruitment.campaign_days", {"dist": "fixed", "days": 1}, "--set")],
        origins,
    )
    assert problems == []
    assert data["recruitment"]["campaign_days"]["days"] == 1
    assert origins[("recruitment", "campaign_days")].file == "--set"
    origins = {("recruitment", "campaign_days", "days"): "file"}
    override_data({}, {"recruitment.campaign_days": {"dist": "fixed", "days": 1}}, origins)
    assert ("recruitment", "campaign_days", "days") not in origins


def test_schema_version_cannot_be_overridden(scenario_data):
    """The file format is not a setting: ``--set schema_version=99`` is refused."""
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(scenario_data / "minimal.yaml", {"schema_version": 99})
    (problem,) = excinfo.value.problems
    assert (problem.file, problem.path) == ("overrides", "schema_version")

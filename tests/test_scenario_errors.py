"""Problems: clean key paths, what was expected, did-you-mean, and the message format."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from staffsim.errors import UserError
from staffsim.scenario.errors import (
    MISSING,
    Problem,
    ScenarioError,
    did_you_mean,
    format_path,
    format_value,
)
from staffsim.scenario.loader import ScenarioError as ReexportedScenarioError
from staffsim.scenario.loader import validate_data
from staffsim.scenario.overrides import check_key_path
from staffsim.scenario.pydantic_errors import issues_from_validation_error
from staffsim.scenario.schema import Scenario
from staffsim.scenario.schema_walk import lookup


def issues(data):
    """The issues of validating ``data`` as a scenario, by dotted key path."""
    with pytest.raises(ValidationError) as excinfo:
        Scenario.model_validate(data)
    return {format_path(i.loc): i for i in issues_from_validation_error(excinfo.value, data)}


def test_scenario_error_is_a_user_error_with_exit_status_2():
    """The CLI maps ScenarioError to exit status 2, and the loader re-exports the class."""
    assert issubclass(ScenarioError, UserError)
    assert ScenarioError.exit_code == 2
    assert ReexportedScenarioError is ScenarioError


def test_format_path_writes_list_indices_in_brackets():
    """("policies", 0, "set") -> "policies[0].set"; the empty path is empty."""
    assert format_path(("policies", 0, "set")) == "policies[0].set"
    assert format_path(("effects", "x", "points", 2, 1)) == "effects.x.points[2][1]"
    assert format_path(()) == ""


def test_format_value_is_short_and_yaml_like():
    """Text is quoted, booleans and null are YAML words, long values are cut."""
    assert format_value("lots") == "'lots'"
    assert format_value(True) == "true"
    assert format_value(None) == "null"
    assert format_value({"dist": "fixed", "days": 3}) == "{dist: 'fixed', days: 3}"
    assert format_value(MISSING) == "(not given)"
    assert len(format_value(list(range(1000)))) == 100


def test_did_you_mean_suggests_the_closest_keys_or_nothing():
    """A near miss gets a suggestion; an unrelated word gets none."""
    assert did_you_mean("target_per_ft", ["target_per_fte", "newly_qualified_days"]) == (
        "did you mean 'target_per_fte'?"
    )
    assert did_you_mean("zzz", ["target_per_fte"]) is None


def test_a_problem_formats_location_path_value_expectation_and_suggestion():
    """Each part of the problem appears in its message."""
    problem = Problem(
        "s.yaml",
        "caseload.target_per_ft",
        "a known key",
        18,
        "did you mean 'target_per_fte'?",
        3,
        5,
    )
    text = problem.format()
    assert text.splitlines()[0] == "s.yaml:3:5: caseload.target_per_ft"
    assert "value:    18" in text
    assert "expected: a known key" in text
    assert "did you mean 'target_per_fte'?" in text


def test_scenario_error_lists_every_problem_and_their_count():
    """str(ScenarioError) starts with the source and count, then each problem."""
    error = ScenarioError(
        [Problem("a.yaml", "x", "a number", "y"), Problem("a.yaml", "z", "text", 1)], "a.yaml"
    )
    text = str(error)
    assert text.splitlines()[0] == "a.yaml: 2 problems"
    assert "a.yaml: x" in text and "a.yaml: z" in text


def test_scenario_error_accepts_a_plain_message():
    """ScenarioError("...") still works, as one problem with that expectation."""
    error = ScenarioError("something is off", "f.yaml")
    assert len(error.problems) == 1
    assert "something is off" in str(error)


def test_a_negative_rate_says_what_range_was_expected():
    """The message gives the field's whole range and its unit."""
    issue = issues({"attrition": {"resignation_rate_per_year": -1}})[
        "attrition.resignation_rate_per_year"
    ]
    assert issue.expected == "a number >= 0 and <= 5 (1/year)"
    assert issue.value == -1


def test_a_wrong_type_says_a_number_was_expected():
    """Text where a number belongs: expected a number, and the text is the value."""
    issue = issues({"demand": {"arrivals_per_day": "lots"}})["demand.arrivals_per_day"]
    assert issue.expected.startswith("a number")
    assert issue.value == "lots"


def test_a_whole_number_field_says_whole_number():
    """An integer field given 2.5 expects a whole number."""
    issue = issues({"establishment": {"case_holding_posts": 2.5}})[
        "establishment.case_holding_posts"
    ]
    assert issue.expected.startswith("a whole number >= 1")


def test_a_nullable_field_says_null_is_allowed():
    """initial.open_cases may be empty, and the expectation says so."""
    issue = issues({"initial": {"open_cases": -1}})["initial.open_cases"]
    assert issue.expected.endswith("or null (empty)")


def test_distribution_tags_are_not_part_of_the_key_path():
    """Pydantic puts the distribution's name in its location; the user never wrote it."""
    found = issues(
        {
            "demand": {
                "case_types": {"cin": {"share": 1, "duration": {"dist": "lognormal"}}},
            }
        }
    )
    assert "demand.case_types.cin.duration.mean_days" in found
    assert "demand.case_types.cin.duration.sd_days" in found
    assert found["demand.case_types.cin.duration.mean_days"].expected.startswith(
        "a value: this key is required"
    )


def test_a_misspelt_distribution_parameter_is_one_problem_with_a_suggestion():
    """``mean_dayz`` is reported once, as unknown with a did-you-mean, not also as a
    missing ``mean_days``."""
    found = issues({"recruitment": {"campaign_days": {"dist": "exponential", "mean_dayz": 3}}})
    assert set(found) == {"recruitment.campaign_days.mean_dayz"}
    assert found["recruitment.campaign_days.mean_dayz"].suggestion == (
        "did you mean 'mean_days'? ('mean_days' is required)"
    )


def test_a_misspelt_distribution_name_gets_a_suggestion():
    """``dist: lognormall`` is reported at the ``dist`` key with the known names."""
    found = issues({"agency": {"search_days": {"dist": "lognormall", "mean_days": 3}}})
    issue = found["agency.search_days.dist"]
    assert issue.value == "lognormall"
    assert "fixed" in issue.expected and "uniform" in issue.expected
    assert issue.suggestion == "did you mean 'lognormal'?"


def test_a_distribution_without_dist_says_how_to_write_one():
    """A mapping with no ``dist`` key is told to name the distribution."""
    found = issues({"agency": {"search_days": {"days": 3}}})
    assert "dist" in found["agency.search_days"].expected


def test_a_cross_field_rule_of_a_distribution_is_reported_at_the_distribution():
    """Uniform's max below its min is reported at the key of the distribution, not at a
    path containing the tag ``uniform``."""
    found = issues({"agency": {"search_days": {"dist": "uniform", "min_days": 5, "max_days": 1}}})
    assert "must be at least min_days" in found["agency.search_days"].expected


def test_an_unknown_key_lists_the_keys_of_its_level():
    """The expectation lists the valid keys where the unknown one was written."""
    issue = issues({"caseload": {"target_per_ft": 18}})["caseload.target_per_ft"]
    assert "target_per_fte" in issue.expected and "newly_qualified_days" in issue.expected
    assert issue.suggestion == "did you mean 'target_per_fte'?"


def test_an_unknown_top_level_key_gets_a_suggestion():
    """``caseloads`` at the top level suggests ``caseload``."""
    issue = issues({"caseloads": {}})["caseloads"]
    assert issue.suggestion == "did you mean 'caseload'?"


def test_a_misspelt_choice_gets_a_suggestion():
    """``open_at: notise`` suggests ``notice``."""
    issue = issues({"recruitment": {"open_at": "notise"}})["recruitment.open_at"]
    assert issue.suggestion == "did you mean 'notice'?"


def test_a_misspelt_key_of_a_fixed_mapping_gets_a_suggestion():
    """The keys of inspection.interval_days are the ratings; ``goood`` suggests ``good``."""
    issue = issues({"inspection": {"interval_days": {"goood": 300}}})[
        "inspection.interval_days.goood"
    ]
    assert issue.suggestion == "did you mean 'good'?"


def test_a_rule_across_sections_is_reported_at_the_value_to_change():
    """More vacant posts than posts breaks a rule across sections, reported at the vacant
    posts with the funded posts in the expectation."""
    found = issues({"initial": {"vacant_case_holding_posts": 500}})
    issue = found["initial.vacant_case_holding_posts"]
    assert "at most establishment.case_holding_posts (100)" in issue.expected
    assert issue.value == 500


def test_list_items_are_named_by_index():
    """A bad policy date is at ``policies[0].date``."""
    found = issues({"policies": [{"name": "x", "date": "2025-13-01", "set": {"a": 1}}]})
    assert "YYYY-MM-DD" in found["policies[0].date"].expected


def test_lookup_follows_the_distribution_the_data_names():
    """``lookup`` finds mean_days inside a lognormal but not inside a fixed distribution."""
    data = {"recruitment": {"campaign_days": {"dist": "fixed", "days": 3}}}
    assert lookup(("recruitment", "campaign_days", "days"), data) is not None
    assert lookup(("recruitment", "campaign_days", "mean_days"), data) is None
    spec = lookup(("demand", "case_types", "anything", "share"))
    assert spec is not None and spec.unit == "fraction"


def test_check_key_path_corrects_every_misspelt_part():
    """Two misspelt parts are both corrected in the suggested path."""
    index, allowed, fixed = check_key_path(["caseloda", "target_per_ft"])
    assert index == 0
    assert "caseload" in allowed
    assert fixed == "caseload.target_per_fte"
    assert check_key_path(["caseload", "target_per_fte"]) is None
    assert check_key_path(["demand", "case_types", "new_type", "share"]) is None


def test_validate_data_reports_problems_in_file_order_with_the_source():
    """Problems without a line keep the order pydantic found them in, after those with."""
    with pytest.raises(ScenarioError) as excinfo:
        validate_data({"horizon_years": 0, "seed": -1}, "mem")
    assert [p.path for p in excinfo.value.problems] == ["horizon_years", "seed"]
    assert all(p.file == "mem" for p in excinfo.value.problems)

"""Reading scenario files: defaults, inheritance (``extends``), overrides and policies."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from staffsim.scenario.distributions import Fixed, Lognormal
from staffsim.scenario.loader import (
    ScenarioError,
    file_json_schema,
    load_scenario,
    load_scenario_data,
    merge_scenarios,
    validate_data,
)
from staffsim.scenario.overrides import Override
from staffsim.scenario.schema import SCHEMA_VERSION, Scenario
from staffsim.scenario.timeline import policy_timeline

REPO = Path(__file__).parent.parent


def problems_of(excinfo: pytest.ExceptionInfo[ScenarioError]) -> dict[str, object]:
    """Key path -> problem, for assertions about one path."""
    return {p.path: p for p in excinfo.value.problems}


# --- plain files -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "# nothing here\n", "\n\n   \n"])
def test_an_empty_or_comment_only_file_is_refused(write_yaml, text):
    """A file with nothing in it is a mistake, not a request for the default council."""
    path = write_yaml("empty.yaml", text)
    with pytest.raises(ScenarioError, match="empty or holds only comments"):
        load_scenario(path)


def test_values_in_the_file_replace_defaults_and_the_rest_stay(scenario_data):
    """minimal.yaml changes three values; every other field keeps its default."""
    scenario = load_scenario(scenario_data / "minimal.yaml")
    assert scenario.name == "minimal"
    assert scenario.horizon_years == 2
    assert scenario.establishment.case_holding_posts == 40
    assert scenario.caseload.target_per_fte == 20
    assert scenario.demand == Scenario().demand
    assert scenario.establishment.non_case_holding_posts == 60


def test_every_shipped_scenario_validates():
    """Each file in scenarios/ loads without a problem (the Must-show's validate exit 0)."""
    files = sorted((REPO / "scenarios").glob("*.yaml"))
    assert files, "at least one example scenario ships"
    for path in files:
        assert isinstance(load_scenario(path), Scenario), path


def test_the_small_example_has_about_sixty_case_holding_posts():
    """The commented example describes a small council, as its description says."""
    scenario = load_scenario(REPO / "scenarios" / "example_small.yaml")
    assert scenario.establishment.case_holding_posts == 60
    assert len(scenario.policies) == 2
    assert len(policy_timeline(scenario)) == 2


def test_a_top_level_list_is_refused(write_yaml):
    """A file must hold a mapping at the top; a list gets one problem naming the file."""
    path = write_yaml("list.yaml", "- 1\n- 2\n")
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(path)
    (problem,) = excinfo.value.problems
    assert problem.file == str(path)
    assert "mapping" in problem.expected


def test_a_missing_file_is_a_user_error(tmp_path):
    """Loading a path that does not exist raises ScenarioError (exit status 2)."""
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(tmp_path / "absent.yaml")
    assert excinfo.value.exit_code == 2
    assert "an existing file" in str(excinfo.value)


def test_problems_name_the_file_and_line_where_the_value_was_written(scenario_data):
    """The negative rate on line 3 of negative_rate.yaml is reported at that line."""
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(scenario_data / "negative_rate.yaml")
    problem = problems_of(excinfo)["attrition.resignation_rate_per_year"]
    assert problem.file == str(scenario_data / "negative_rate.yaml")
    assert problem.line == 3
    assert problem.value == -0.1


def test_all_problems_of_a_file_are_reported_at_once(scenario_data):
    """many_problems.yaml has five faults in five places; all five are reported."""
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(scenario_data / "many_problems.yaml")
    paths = set(problems_of(excinfo))
    assert paths == {
        "horizon_years",
        "demand.arrivals_per_day",
        "demand.case_types.cin.duration.dist",
        "caseload.target_per_ft",
        "recruitment.campaign_days.dayz",
    }
    lines = [p.line for p in excinfo.value.problems]
    assert lines == sorted(lines), "problems are listed in the order of the file"


def test_a_key_written_twice_is_reported_with_its_full_path(scenario_data):
    """YAML would silently keep the second ``target_per_fte``; the loader refuses the file."""
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(scenario_data / "duplicate_keys.yaml")
    problem = problems_of(excinfo)["caseload.target_per_fte"]
    assert problem.line == 4
    assert "line 3" in problem.expected


def test_load_scenario_data_gives_the_raw_merged_mapping(scenario_data):
    """The raw data has the child's values over the parent's, and no ``extends`` key."""
    data = load_scenario_data(scenario_data / "child.yaml")
    assert "extends" not in data
    assert data["establishment"] == {"case_holding_posts": 50, "non_case_holding_posts": 25}
    assert data["schema_version"] == SCHEMA_VERSION


def test_validate_data_accepts_a_mapping_and_names_the_source():
    """validate_data checks an in-memory mapping; problems carry the given source."""
    assert validate_data({"name": "x"}, "memory").name == "x"
    with pytest.raises(ScenarioError) as excinfo:
        validate_data({"caseload": {"target_per_fte": 0}}, "memory")
    (problem,) = excinfo.value.problems
    assert (problem.file, problem.path) == ("memory", "caseload.target_per_fte")
    assert "> 0" in problem.expected


# --- extends -----------------------------------------------------------------------------


def test_a_child_inherits_the_parent_and_overrides_one_field(scenario_data):
    """child.yaml changes non_case_holding_posts only; case_holding_posts comes from base."""
    scenario = load_scenario(scenario_data / "child.yaml")
    assert scenario.establishment.case_holding_posts == 50
    assert scenario.establishment.non_case_holding_posts == 25
    assert scenario.description == "The parent scenario."


def test_a_distribution_of_another_kind_replaces_the_parents_whole(scenario_data):
    """base has a lognormal campaign; the child's ``fixed`` replaces it, no mix of keys."""
    scenario = load_scenario(scenario_data / "child.yaml")
    assert scenario.recruitment.campaign_days == Fixed(days=30)


def test_a_distribution_of_the_same_kind_merges_parameters(scenario_data):
    """The child changes only sd_days of the parent's lognormal starter notice."""
    scenario = load_scenario(scenario_data / "child.yaml")
    assert scenario.recruitment.starter_notice_days == Lognormal(mean_days=40, sd_days=5)


def test_lists_replace_the_parents(scenario_data):
    """An effect's points are a list: the child's two points replace the parent's three."""
    scenario = load_scenario(scenario_data / "child.yaml")
    assert scenario.effects.tenure_on_resignation.points == ((0, 1.2), (5, 1.0))


def test_policies_add_up_parent_first(scenario_data):
    """The parent's policy is kept and the child's is appended after it."""
    scenario = load_scenario(scenario_data / "child.yaml")
    assert [p.name for p in scenario.policies] == ["parent policy", "child policy"]


def test_a_child_without_a_name_is_named_after_its_file(scenario_data):
    """child.yaml sets no name, so it is ``child``, not its parent's ``base``."""
    assert load_scenario(scenario_data / "child.yaml").name == "child"


def test_chains_resolve_relative_to_each_file(scenario_data, monkeypatch, tmp_path):
    """nested/grandchild.yaml extends ../child.yaml, which extends base.yaml; the paths are
    relative to each file, whatever the working directory."""
    monkeypatch.chdir(tmp_path)
    scenario = load_scenario(scenario_data / "nested" / "grandchild.yaml")
    assert scenario.name == "grandchild"
    assert scenario.horizon_years == 3
    assert scenario.establishment.non_case_holding_posts == 25  # from child
    assert scenario.establishment.case_holding_posts == 50  # from base
    assert len(scenario.policies) == 2


def test_a_cycle_is_an_error_naming_the_chain(scenario_data):
    """cycle_a extends cycle_b extends cycle_a: one problem showing the whole cycle."""
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(scenario_data / "cycle_a.yaml")
    (problem,) = excinfo.value.problems
    assert problem.path == "extends"
    assert "cycle" in problem.expected
    assert "cycle_a.yaml -> " in problem.expected
    assert "cycle_b.yaml -> " in problem.expected


def test_a_file_extending_itself_is_a_cycle(write_yaml):
    """``extends: self.yaml`` inside self.yaml is refused, not read forever."""
    path = write_yaml("self.yaml", "extends: self.yaml\n")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(path)


def test_a_missing_parent_is_an_error_naming_the_file_and_chain(scenario_data):
    """The problem gives the file and line of ``extends``, the value and the chain."""
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(scenario_data / "missing_parent.yaml")
    (problem,) = excinfo.value.problems
    assert problem.path == "extends"
    assert problem.value == "no_such_file.yaml"
    assert problem.line == 1
    assert "does not exist" in problem.expected
    assert "missing_parent.yaml -> " in problem.expected


def test_extends_must_be_a_path(write_yaml):
    """A number after ``extends`` is refused with what was expected."""
    path = write_yaml("num.yaml", "extends: 3\n")
    with pytest.raises(ScenarioError, match="path of another scenario file"):
        load_scenario(path)


def test_a_bad_inherited_value_is_reported_in_the_parents_file(scenario_data):
    """The negative rate comes from negative_rate.yaml, so the problem names that file."""
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(scenario_data / "bad_parent_child.yaml")
    problem = problems_of(excinfo)["attrition.resignation_rate_per_year"]
    assert problem.file.endswith("negative_rate.yaml")
    assert problem.line == 3
    assert excinfo.value.source == str(scenario_data / "bad_parent_child.yaml")


def test_merge_rules_on_raw_mappings():
    """merge_scenarios merges mappings deeply, replaces lists and other distributions, and
    appends policies."""
    parent = {
        "a": {"x": 1, "y": {"z": 2}},
        "d": {"dist": "fixed", "days": 3},
        "l": [1, 2, 3],
        "policies": [{"name": "p"}],
    }
    child = {
        "a": {"y": {"w": 4}},
        "d": {"dist": "exponential", "mean_days": 5},
        "l": [9],
        "policies": [{"name": "c"}],
    }
    assert merge_scenarios(parent, child) == {
        "a": {"x": 1, "y": {"z": 2, "w": 4}},
        "d": {"dist": "exponential", "mean_days": 5},
        "l": [9],
        "policies": [{"name": "p"}, {"name": "c"}],
    }
    assert parent["a"] == {"x": 1, "y": {"z": 2}}, "the parent is not changed"


# --- overrides ---------------------------------------------------------------------------


def test_overrides_apply_after_inheritance(scenario_data):
    """An override wins over both the child and its parent."""
    scenario = load_scenario(
        scenario_data / "child.yaml", {"establishment.non_case_holding_posts": 7}
    )
    assert scenario.establishment.non_case_holding_posts == 7
    assert scenario.establishment.case_holding_posts == 50


@pytest.mark.parametrize(
    "overrides, source",
    [
        ({"caseload.target_per_fte": -1}, "overrides"),
        ([Override("caseload.target_per_fte", -1, "--set")], "--set"),
        ([Override("caseload.target_per_fte", -1, "keyword caseload__target_per_fte")], "keyword"),
    ],
)
def test_a_bad_override_is_reported_as_coming_from_its_source(scenario_data, overrides, source):
    """Even where the file wrote the key, a bad override's problem names where the
    override was given: ``overrides`` for a mapping, else the source it names."""
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(scenario_data / "minimal.yaml", overrides)
    (problem,) = excinfo.value.problems
    assert problem.file.startswith(source)
    assert (problem.path, problem.value) == ("caseload.target_per_fte", -1)
    assert problem.line is None


# --- policies ----------------------------------------------------------------------------


def test_every_policy_problem_is_named_by_its_set_path(scenario_data):
    """bad_policies.yaml: a misspelt path (with a did-you-mean), a value out of range, a
    change that breaks the case-type shares, a key fixed for the run, and a bad value in
    a policy dated after the run ends are all reported."""
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(scenario_data / "bad_policies.yaml")
    found = problems_of(excinfo)
    assert set(found) == {
        "policies[0].set.caseload.target_per_ft",
        "policies[1].set.capacity.admin_share",
        "policies[2].set.demand.case_types.child_in_need.share",
        "policies[3].set.horizon_years",
        "policies[4].set.caseload.target_per_fte",
    }
    assert found["policies[0].set.caseload.target_per_ft"].suggestion == (
        "did you mean 'caseload.target_per_fte'?"
    )
    assert "< 1" in found["policies[1].set.capacity.admin_share"].expected
    assert "sum to 1" in found["policies[2].set.demand.case_types.child_in_need.share"].expected
    assert "fixed for the whole run" in found["policies[3].set.horizon_years"].expected
    assert found["policies[4].set.caseload.target_per_fte"].value == -5
    assert all(p.line is not None for p in excinfo.value.problems)


def test_a_policy_may_change_a_distribution_kind(write_yaml):
    """A policy's mapping replaces the distribution at its path whole."""
    path = write_yaml(
        "p.yaml",
        """
        policies:
          - name: faster hiring
            date: 2025-01-01
            set: {recruitment.campaign_days: {dist: exponential, mean_days: 20}}
        """,
    )
    (step,) = policy_timeline(load_scenario(path))
    assert step.scenario.recruitment.campaign_days.mean == 20


def test_a_later_policy_builds_on_an_earlier_one(write_yaml):
    """Setting a case type's share in two steps that together keep the sum at 1 passes."""
    path = write_yaml(
        "p.yaml",
        """
        policies:
          - name: move share
            date: 2025-01-01
            set:
              demand.case_types.child_in_need.share: 0.52
              demand.case_types.child_protection.share: 0.38
          - name: raise cap
            date: 2025-06-01
            set: {caseload.target_per_fte: 30}
        """,
    )
    steps = policy_timeline(load_scenario(path))
    assert [s.date for s in steps] == [dt.date(2025, 1, 1), dt.date(2025, 6, 1)]
    assert steps[1].scenario.demand.case_types["child_in_need"].share == 0.52


# --- JSON Schema -------------------------------------------------------------------------


def test_the_file_schema_knows_extends_and_accepts_the_example():
    """The JSON Schema for editors includes ``extends`` and accepts the shipped example."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = file_json_schema()
    assert "extends" in schema["properties"]
    data = load_scenario_data(REPO / "scenarios" / "example_small.yaml")
    jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"caseload": {"target_per_ft": 3}}, schema)

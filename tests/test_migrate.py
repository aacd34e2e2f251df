"""Scenario file versions: current files pass, newer ones are refused, old ones migrate."""

from __future__ import annotations

import pytest

from staffsim.scenario.errors import ScenarioError
from staffsim.scenario.loader import load_scenario
from staffsim.scenario.migrate import MIGRATIONS, Migrations, migrate
from staffsim.scenario.schema import SCHEMA_VERSION


def test_the_registry_reads_the_schemas_version():
    """The migrations this staffsim applies lead to the schema's current version."""
    assert MIGRATIONS.current == SCHEMA_VERSION


def test_a_file_without_a_version_is_taken_as_current():
    """No ``schema_version``: the data is unchanged apart from the version being set."""
    assert migrate({"name": "x"}) == {"name": "x", "schema_version": SCHEMA_VERSION}


def test_a_current_file_is_unchanged():
    """A file at the current version passes through as it is."""
    data = {"schema_version": SCHEMA_VERSION, "seed": 3}
    assert migrate(data) == data


def test_a_newer_file_is_refused_with_a_message_to_upgrade(scenario_data):
    """newer_version.yaml says version 99: exit status 2, the file and line of the key,
    the value, and advice to upgrade."""
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(scenario_data / "newer_version.yaml")
    (problem,) = excinfo.value.problems
    assert (problem.path, problem.value, problem.line) == ("schema_version", 99, 1)
    assert "newer staffsim" in problem.expected
    assert problem.suggestion == "upgrade staffsim to read it"
    assert excinfo.value.exit_code == 2


def test_version_zero_is_unsupported_with_a_reason():
    """Pre-release files (version 0) are refused, saying why."""
    with pytest.raises(ScenarioError, match="pre-release"):
        migrate({"schema_version": 0})


@pytest.mark.parametrize("version", ["1", 1.5, True, None, -1])
def test_a_version_that_is_not_a_whole_number_is_refused(version):
    """Text, fractions, booleans, null and negative numbers are not versions."""
    with pytest.raises(ScenarioError, match="whole number"):
        migrate({"schema_version": version})


def fake_registry() -> Migrations:
    """A registry at version 3 with steps 1 -> 2 (rename a key) and 2 -> 3 (change a unit)."""
    registry = Migrations(current=3, unsupported={0: "too old"})

    @registry.register(from_version=1)
    def _rename(data):
        data["caseload"] = {"cap_per_fte": data.pop("cap")}
        return data

    @registry.register(from_version=2)
    def _weeks_to_days(data):
        weeks = data.pop("horizon_weeks", None)
        if weeks is not None:
            data["horizon_days"] = weeks * 7
        return data

    return registry


def test_an_old_file_is_migrated_one_step_at_a_time():
    """A version-1 file goes through both steps, in order, and ends at version 3."""
    old = {"schema_version": 1, "cap": 18, "horizon_weeks": 2}
    assert fake_registry().apply(old) == {
        "schema_version": 3,
        "caseload": {"cap_per_fte": 18},
        "horizon_days": 14,
    }


def test_a_file_between_versions_runs_only_the_later_steps():
    """A version-2 file skips the 1 -> 2 step (which would fail without ``cap``)."""
    assert fake_registry().apply({"schema_version": 2, "horizon_weeks": 1}) == {
        "schema_version": 3,
        "horizon_days": 7,
    }


def test_migration_does_not_change_its_input():
    """The caller's mapping is left as it was."""
    old = {"schema_version": 1, "cap": 18}
    fake_registry().apply(old)
    assert old == {"schema_version": 1, "cap": 18}


def test_a_missing_step_is_refused_naming_the_version():
    """With no step from version 1, a version-1 file cannot be read."""
    registry = Migrations(current=2)
    with pytest.raises(ScenarioError, match="no migration from version 1 to 2"):
        registry.apply({"schema_version": 1}, "old.yaml")


def test_registering_a_step_that_cannot_exist_is_a_programming_error():
    """Steps start from an old version, once each."""
    registry = fake_registry()
    with pytest.raises(ValueError, match="old version"):
        registry.register(from_version=3)
    with pytest.raises(ValueError, match="already registered"):
        registry.register(from_version=1)


def test_version_1_cap_becomes_a_target_and_an_equal_ceiling(tmp_path) -> None:
    """Version 1's hard cap keeps its meaning in version 2: a target and a ceiling of the
    same size, in the file and in a policy that set it; other keys are untouched."""
    from staffsim.scenario.loader import load_scenario

    path = tmp_path / "old.yaml"
    path.write_text(
        "schema_version: 1\n"
        "name: old\n"
        "caseload: {cap_per_fte: 20, newly_qualified_cap_fraction: 0.7}\n"
        "policies:\n"
        "  - name: lower\n"
        "    date: 2025-04-01\n"
        "    set: {caseload.cap_per_fte: 18, capacity.admin_share: 0.3}\n",
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    assert scenario.schema_version == 2
    assert (scenario.caseload.target_per_fte, scenario.caseload.ceiling_per_fte) == (20, 20)
    assert scenario.caseload.newly_qualified_cap_fraction == 0.7
    assert scenario.policies[0].set == {
        "caseload.target_per_fte": 18,
        "caseload.ceiling_per_fte": 18,
        "capacity.admin_share": 0.3,
    }


def test_a_version_2_file_naming_the_old_cap_is_told_the_new_keys(tmp_path) -> None:
    """The old key in a current file is an unknown key with the new ones suggested."""
    from staffsim.scenario.loader import load_scenario

    path = tmp_path / "new.yaml"
    path.write_text("schema_version: 2\ncaseload: {cap_per_fte: 20}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="cap_per_fte"):
        load_scenario(path)

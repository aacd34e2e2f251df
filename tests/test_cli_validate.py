"""The command line, in-process: ``validate``, ``schema``, and what ``main`` returns."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest

from staffsim import __version__
from staffsim.cli import main as cli_main
from staffsim.cli.main import COMMAND_MODULES, main
from staffsim.errors import StaffsimError

REPO = Path(__file__).parent.parent


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of ``staffsim argv...``."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_validate_prints_ok_and_a_summary_for_a_valid_file(capsys, scenario_data):
    """Exit 0; the line names the file, the scenario, its horizon and posts."""
    path = str(scenario_data / "minimal.yaml")
    status, out, err = run(capsys, "validate", path)
    assert status == 0
    assert (
        out
        == f"ok  {path}  (minimal, 2 years from 2024-10-01, 40 case-holding posts, 0 policies)\n"
    )
    assert err == ""


def test_validate_accepts_every_shipped_scenario(capsys):
    """``staffsim validate scenarios/*.yaml`` exits 0 (the Must-show)."""
    files = [str(p) for p in sorted((REPO / "scenarios").glob("*.yaml"))]
    status, out, _ = run(capsys, "validate", *files)
    assert status == 0
    assert out.count("ok  ") == len(files)


@pytest.mark.parametrize(
    ("name", "fragments"),
    [
        (
            "misspelt_key.yaml",
            [
                "misspelt_key.yaml:3:3: caseload.target_per_ft",
                "value:    18",
                "target_per_fte,",
                "did you mean 'target_per_fte'?",
            ],
        ),
        (
            "negative_rate.yaml",
            [
                "negative_rate.yaml:3:3: attrition.resignation_rate_per_year",
                "value:    -0.1",
                "expected: a number >= 0 and <= 5 (1/year)",
            ],
        ),
        (
            "wrong_type.yaml",
            [
                "wrong_type.yaml:3:3: demand.arrivals_per_day",
                "value:    'lots'",
                "expected: a number >= 0 and <= 5000 (cases/day)",
            ],
        ),
        (
            "not_yaml.yaml",
            ["not_yaml.yaml:4:", "expected: valid YAML"],
        ),
    ],
)
def test_each_kind_of_bad_file_exits_2_with_all_the_information(
    capsys, scenario_data, name, fragments
):
    """The Must-show cases: file, line, key path, value, expectation and suggestion are
    printed to stderr, the exit status is 2, and there is no traceback."""
    status, out, err = run(capsys, "validate", str(scenario_data / name))
    assert status == 2
    assert out == ""
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert "Traceback" not in err


def test_every_bad_file_is_reported_and_good_ones_still_pass(capsys, scenario_data):
    """Two bad files and a good one: both bad files' problems are printed, the good file
    gets its ok line, and the exit status is 2."""
    status, out, err = run(
        capsys,
        "validate",
        str(scenario_data / "misspelt_key.yaml"),
        str(scenario_data / "minimal.yaml"),
        str(scenario_data / "many_problems.yaml"),
    )
    assert status == 2
    assert "ok  " in out and "minimal.yaml" in out
    assert "misspelt_key.yaml: 1 problem" in err
    assert "many_problems.yaml: 5 problems" in err
    assert "2 of 3 scenario files invalid" in err


def test_set_overrides_every_file_and_is_checked(capsys, scenario_data):
    """A bad --set value makes a good file fail, naming --set and the key path."""
    path = str(scenario_data / "minimal.yaml")
    assert run(capsys, "validate", path, "--set", "caseload.target_per_fte=18")[0] == 0
    status, _, err = run(capsys, "validate", path, "--set", "caseload.target_per_fte=-1")
    assert status == 2
    assert "--set: caseload.target_per_fte" in err
    assert "value:    -1" in err


def test_a_malformed_set_exits_2(capsys, scenario_data):
    """``--set novalue`` is a usage problem reported as a message, exit 2."""
    status, _, err = run(capsys, "validate", str(scenario_data / "minimal.yaml"), "--set", "oops")
    assert status == 2
    assert "key.path=value" in err


def test_a_missing_file_exits_2(capsys, tmp_path):
    """A path that does not exist is reported, not raised."""
    status, _, err = run(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert status == 2
    assert "an existing file" in err


def test_schema_prints_the_json_schema_with_extends(capsys):
    """``staffsim schema`` prints JSON whose properties include ``extends`` and every
    section."""
    status, out, _ = run(capsys, "schema")
    assert status == 0
    schema = json.loads(out)
    assert {"extends", "caseload", "policies"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def test_schema_out_writes_the_file_and_nothing_else(capsys, tmp_path):
    """--out writes the schema to the file (creating folders) and leaves no temporary
    file behind."""
    target = tmp_path / "sub" / "scenario.schema.json"
    status, out, _ = run(capsys, "schema", "--out", str(target))
    assert status == 0 and out == ""
    assert json.loads(target.read_text())["title"] == "staffsim scenario file"
    assert [p.name for p in target.parent.iterdir()] == ["scenario.schema.json"]


def test_schema_out_to_an_unwritable_place_is_a_user_error(capsys, tmp_path):
    """Writing over a folder fails with a message and exit status 2."""
    (tmp_path / "folder").mkdir()
    status, _, err = run(capsys, "schema", "--out", str(tmp_path / "folder"))
    assert status == 2
    assert "cannot write" in err


def test_version_and_help_exit_0(capsys):
    """--version prints the version; --help prints usage; both exit 0."""
    status, out, _ = run(capsys, "--version")
    assert (status, out.strip()) == (0, f"staffsim {__version__}")
    status, out, _ = run(capsys, "--help")
    assert status == 0 and "validate" in out and "schema" in out


def test_no_command_or_an_unknown_one_exits_2(capsys):
    """Without a subcommand, or with an unknown one, main prints usage and returns 2."""
    assert (
        run(
            capsys,
        )[0]
        == 2
    )
    status, _, err = run(capsys, "frobnicate")
    assert status == 2 and "invalid choice" in err


def test_validate_and_schema_are_registered_from_the_module_list():
    """COMMAND_MODULES is a plain list naming the modules of these commands."""
    assert isinstance(COMMAND_MODULES, list)
    assert COMMAND_MODULES[:2] == ["staffsim.cli.validate", "staffsim.cli.schema_cmd"]


def fake_command(monkeypatch, handler) -> None:
    """Register a module providing ``staffsim fake`` that runs ``handler``."""
    module = types.ModuleType("fake_staffsim_command")

    def register(subparsers):
        subparsers.add_parser("fake").set_defaults(handler=handler)

    module.register = register
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(cli_main, "COMMAND_MODULES", [*COMMAND_MODULES, module.__name__])


def test_a_module_added_to_the_list_becomes_a_command(monkeypatch):
    """Appending a module name is all it takes to add a subcommand; its handler's return
    value is the exit status."""
    fake_command(monkeypatch, lambda args: 7)
    assert main(["fake"]) == 7


def test_a_staffsim_error_becomes_its_exit_status_without_traceback(monkeypatch, capsys):
    """A StaffsimError raised by a command prints its message only and returns its code."""

    def fail(args):
        raise StaffsimError("the run could not complete")

    fake_command(monkeypatch, fail)
    status, _, err = run(capsys, "fake")
    assert status == 1
    assert err == "the run could not complete\n"


def test_an_interrupt_returns_130(monkeypatch, capsys):
    """Ctrl-C during a command gives exit status 130 and a short message."""

    def interrupt(args):
        raise KeyboardInterrupt

    fake_command(monkeypatch, interrupt)
    status, _, err = run(capsys, "fake")
    assert status == 130
    assert "interrupted" in err

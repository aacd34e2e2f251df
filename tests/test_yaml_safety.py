"""Safe YAML: no object tags, bounded alias expansion, syntax errors with line and column."""

from __future__ import annotations

import time

import pytest
import yaml

from staffsim.cli.main import main
from staffsim.scenario import yaml_io
from staffsim.scenario.errors import ScenarioError
from staffsim.scenario.loader import load_scenario
from staffsim.scenario.yaml_io import load_yaml, load_yaml_file, parse_value


def refusal(text: str) -> str:
    """The message of the ScenarioError that reading ``text`` raises."""
    with pytest.raises(ScenarioError) as excinfo:
        load_yaml(text, "t.yaml")
    return str(excinfo.value)


def test_a_python_object_tag_is_refused_and_nothing_is_constructed(scenario_data, tmp_path, capsys):
    """python_tag.yaml would run ``touch MARKER`` if its tag were constructed: validate
    exits 2 naming the tag, and the marker file does not exist afterwards."""
    marker = tmp_path / "marker"
    text = (scenario_data / "python_tag.yaml").read_text().replace("MARKER_PATH", str(marker))
    path = tmp_path / "python_tag.yaml"
    path.write_text(text)
    # The proof can fail: PyYAML's unsafe loader does create the marker from this text.
    yaml.unsafe_load(text)
    assert marker.exists()
    marker.unlink()
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "!!python/object/apply:os.system" in err
    assert "not allowed" in err
    assert "Traceback" not in err
    assert not marker.exists()


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object:collections.OrderedDict {}",
        "a: !!python/object/new:builtins.dict {}",
        "a: !!python/name:os.system",
        "a: !!python/module:os",
        "a: !!binary aGVsbG8=",
        "a: !!set {x: null}",
        "a: !!omap [x: 1]",
        "a: !custom 3",
        "!!python/object/apply:os.system [echo]",
    ],
)
def test_every_tag_outside_plain_data_is_refused(text):
    """Any tag other than the plain YAML data types is refused with the tag named."""
    message = refusal(text)
    assert "is not allowed in a scenario file" in message
    assert "t.yaml:1:" in message


def test_the_refusal_happens_before_construction(monkeypatch):
    """The loader never asks PyYAML to construct a document with a refused tag."""
    called = []
    original = yaml.SafeLoader.construct_document
    monkeypatch.setattr(
        yaml.SafeLoader,
        "construct_document",
        lambda self, node: called.append(node) or original(self, node),
    )
    refusal("a: !!python/object/apply:os.system [echo]")
    assert called == []
    load_yaml("a: 1", "ok.yaml")
    assert len(called) == 1, "the spy sees construction of a plain document"


BILLION_LAUGHS = "\n".join(
    [
        'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
        *(
            f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]"
            for i in range(8)
        ),
    ]
)


def test_a_billion_laughs_file_is_refused_quickly():
    """Nine levels of nine aliases (~400 million strings) are refused in well under a
    second, with a message about alias expansion."""
    start = time.perf_counter()
    message = refusal(BILLION_LAUGHS)
    assert time.perf_counter() - start < 1.0
    assert "aliases" in message


def test_a_recursive_alias_is_refused():
    """An anchor whose value contains its own alias is refused rather than followed."""
    assert "alias" in refusal("a: &a [1, *a]")


def test_deep_nesting_is_refused_without_a_recursion_error():
    """A thousand nested lists give a ScenarioError, never a RecursionError."""
    message = refusal("a: " + "[" * 1000 + "]" * 1000)
    assert "nested" in message


def test_ordinary_anchors_and_merge_keys_are_read():
    """Small anchors, aliases and ``<<`` merge keys are plain YAML and work."""
    doc = load_yaml("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n", "t.yaml")
    assert doc.data == {"base": {"x": 1, "y": 2}, "c": {"x": 1, "y": 3}}


def test_a_syntax_error_gives_file_line_and_column(scenario_data):
    """not_yaml.yaml has an unclosed list on line 3; the problem points there or just
    after, with the file name, and says the file is not valid YAML."""
    with pytest.raises(ScenarioError) as excinfo:
        load_yaml_file(scenario_data / "not_yaml.yaml")
    (problem,) = excinfo.value.problems
    assert problem.file == str(scenario_data / "not_yaml.yaml")
    assert problem.line in (3, 4)
    assert problem.column is not None
    assert problem.expected.startswith("valid YAML")


def test_keys_are_located_by_line_and_column():
    """Every key and list item records where it was written (1-based)."""
    doc = load_yaml("a:\n  b: 1\n  c: [x, y]\n", "t.yaml")
    assert doc.locations[("a", "b")] == (2, 3)
    assert doc.locations[("a", "c", 1)] == (3, 10)


def test_a_date_that_does_not_exist_is_left_for_validation(write_yaml):
    """PyYAML would raise on 2025-02-30; here validation reports it at its key path."""
    path = write_yaml("d.yaml", "start_date: 2025-02-30\n")
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(path)
    (problem,) = excinfo.value.problems
    assert (problem.path, problem.value, problem.line) == ("start_date", "2025-02-30", 1)


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    """Latin-1 bytes are refused with a message about the encoding."""
    path = tmp_path / "latin.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ScenarioError, match="UTF-8"):
        load_yaml_file(path)


def test_a_file_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    """A file above the size limit is refused with the limit named."""
    monkeypatch.setattr(yaml_io, "MAX_FILE_BYTES", 10)
    path = tmp_path / "big.yaml"
    path.write_text("name: a long enough name\n")
    with pytest.raises(ScenarioError, match="at most 10 bytes"):
        load_yaml_file(path)


def test_a_directory_is_refused(tmp_path):
    """Passing a folder instead of a file is a user error."""
    with pytest.raises(ScenarioError, match="not a directory"):
        load_yaml_file(tmp_path)


def test_parse_value_applies_the_same_rules():
    """A --set value is YAML too: plain values are read, object tags refused."""
    assert parse_value("{dist: fixed, days: 30}") == {"dist": "fixed", "days": 30}
    with pytest.raises(ScenarioError, match="not allowed"):
        parse_value("!!python/name:os.system")

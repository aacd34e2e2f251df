"""Reading scenario files: YAML -> inherited, migrated, overridden, validated :class:`Scenario`.

Reading a file goes through these steps, each of which reports problems rather than
stopping at the first:

1. the file is checked and read safely (:mod:`staffsim.scenario.yaml_io`); an empty file,
   or one holding only comments, is refused rather than read as the defaults;
2. the file is brought up to the current format (:mod:`staffsim.scenario.migrate`);
3. ``extends: other.yaml`` is resolved (see below);
4. overrides are applied (:mod:`staffsim.scenario.overrides`);
5. the result is validated, every problem at once (:mod:`staffsim.scenario.validation`).

Every problem names the file and line where the bad value was written (the parent's file
for an inherited value, the override's source for an override), its key path, the value,
what was expected and, for a misspelt key, a did-you-mean.

Inheritance (``extends``)
-------------------------
``extends: base.yaml`` (a path relative to the file that says it) reads ``base.yaml``
first and lays this file over it. Chains are allowed; a cycle or a missing file is an
error naming the chain. The rules of the merge:

* mappings merge key by key, at every depth, so a child can change one field of a section;
* a distribution whose ``dist`` differs from the parent's replaces it whole;
* lists (such as an effect's ``points``) and plain values replace the parent's;
* ``policies`` are added up: the parent's first, then the child's;
* a child that does not set ``name`` is named after its file (``lower_caps.yaml`` ->
  ``lower_caps``; characters a name may not hold become ``_``), so that a scenario and
  the one it extends never share a name;
* ``schema_version`` is each file's own: each is migrated before the merge.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from staffsim.scenario.errors import Origin, Problem, ScenarioError
from staffsim.scenario.migrate import migrate
from staffsim.scenario.overrides import Overrides, override_data
from staffsim.scenario.policy_checks import FIXED_FOR_A_RUN
from staffsim.scenario.schema import SCHEMA_VERSION, Scenario
from staffsim.scenario.validation import Origins, validate_data
from staffsim.scenario.yaml_io import load_yaml_file

__all__ = [
    "EXTENDS_KEY",
    "FIXED_FOR_A_RUN",
    "ScenarioError",
    "file_json_schema",
    "load_scenario",
    "load_scenario_data",
    "merge_scenarios",
    "name_from_file",
    "validate_data",
]

EXTENDS_KEY = "extends"
"""The key naming the scenario file a file inherits from."""


def name_from_file(path: str | Path) -> str:
    """A scenario name from a file's name: ``lower caps.yaml`` -> ``lower_caps``."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(path).stem).lstrip(".")
    return name[:100] or "scenario"


@dataclass
class _Read:
    """One scenario file with its ancestors merged in."""

    data: dict[str, Any]
    origins: Origins
    problems: list[Problem] = field(default_factory=list)


def _exists(data: Any, loc: tuple[Any, ...]) -> bool:
    for key in loc:
        in_list = isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data)
        if not (in_list or (isinstance(data, Mapping) and key in data)):
            return False
        data = data[key]
    return True


def _replaces(parent: Mapping[str, Any], child: Mapping[str, Any]) -> bool:
    """True if ``child`` is a distribution of another kind than ``parent``."""
    return "dist" in parent and "dist" in child and parent["dist"] != child["dist"]


def merge_scenarios(parent: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """The raw scenario ``child`` inheriting from ``parent`` (see the module's rules)."""

    def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(base)
        for key, value in over.items():
            old = out.get(key)
            if (
                isinstance(value, Mapping)
                and isinstance(old, Mapping)
                and not _replaces(old, value)
            ):
                out[key] = merge(old, value)
            else:
                out[key] = value
        return out

    merged = merge(parent, {k: v for k, v in child.items() if k != "policies"})
    if "policies" in child:
        old, new = parent.get("policies"), child["policies"]
        if isinstance(old, list) and isinstance(new, list):
            merged["policies"] = [*old, *new]
        else:
            merged["policies"] = new
    return merged


def _merge_origins(
    parent: _Read, child: Origins, merged: dict[str, Any], child_data: Any
) -> Origins:
    """Origins of a merged scenario: the child's where it wrote a key, else the parent's."""
    out = {k: v for k, v in parent.origins.items() if k and _exists(merged, k)}
    shift = 0
    old, new = parent.data.get("policies"), child_data.get("policies")
    if isinstance(old, list) and isinstance(new, list):
        shift = len(old)
    for key, origin in child.items():
        if shift and len(key) > 1 and key[0] == "policies" and isinstance(key[1], int):
            key = ("policies", key[1] + shift, *key[2:])
        out[key] = origin
    return out


def _read(path: Path, shown: str, chain: tuple[tuple[Path, str], ...]) -> _Read:
    """Read ``path`` (shown to the user as ``shown``) and everything it extends."""
    doc = load_yaml_file(path)
    doc.source = shown
    data = doc.data
    if doc.empty:
        raise ScenarioError(
            [
                Problem(
                    shown,
                    "",
                    "a scenario, but the file is empty or holds only comments; write the "
                    "values that differ from the defaults (at least a name), or extend "
                    "another file",
                )
            ],
            shown,
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            [Problem(shown, "", "a mapping of keys to values at the top of the file", data)],
            shown,
        )
    origins: Origins = {
        key: Origin(shown, line, column) for key, (line, column) in doc.locations.items()
    }
    origins[()] = Origin(shown)
    try:
        data = migrate(data, shown)
    except ScenarioError as exc:
        where = origins.get(("schema_version",), Origin(shown))
        located = [
            dataclasses.replace(p, line=where.line, column=where.column) for p in exc.problems
        ]
        raise ScenarioError(located, shown) from None
    if EXTENDS_KEY not in data:
        return _Read(data, origins, doc.problems)
    extends = data.pop(EXTENDS_KEY)
    where = origins.get((EXTENDS_KEY,), Origin(shown))
    origins.pop((EXTENDS_KEY,), None)

    def refuse(expected: str) -> ScenarioError:
        problem = Problem(shown, EXTENDS_KEY, expected, extends, None, where.line, where.column)
        return ScenarioError([problem], shown)

    if not isinstance(extends, str) or not extends.strip():
        raise refuse("the path of another scenario file, relative to this one")
    parent_path = path.parent / extends
    parent_shown = os.path.normpath(Path(shown).parent / extends)
    seen = [*chain, (path.resolve(), shown)]
    names = " -> ".join(name for _, name in seen)
    if any(parent_path.resolve() == p for p, _ in seen):
        raise refuse(
            f"a scenario that does not extend itself: {names} -> {parent_shown} is a cycle"
        )
    if not parent_path.is_file():
        raise refuse(
            f"an existing scenario file, relative to {shown}: {parent_shown} does not exist "
            f"(extends chain: {names} -> {parent_shown})"
        )
    parent = _read(parent_path, parent_shown, tuple(seen))
    merged = merge_scenarios(parent.data, data)
    if "name" not in data:
        merged["name"] = name_from_file(shown)
        origins[("name",)] = Origin(shown)
    return _Read(
        merged,
        _merge_origins(parent, origins, merged, data),
        [*parent.problems, *doc.problems],
    )


def load_scenario_data(path: str | Path) -> dict[str, Any]:
    """The raw mapping of the scenario file at ``path``, migrated and with everything it
    extends merged in, but not yet validated."""
    return _read(Path(path), str(path), ()).data


def load_scenario(path: str | Path, overrides: Overrides | None = None) -> Scenario:
    """Read, inherit, migrate, override and validate the scenario file at ``path``.

    ``overrides`` maps dotted key paths to values, or lists
    :class:`~staffsim.scenario.overrides.Override` items naming where each was given.
    Raises :class:`ScenarioError` (exit status 2) listing every problem found.
    """
    shown = str(path)
    try:
        read = _read(Path(path), shown, ())
    except ScenarioError as exc:
        raise ScenarioError(exc.problems, shown) from None
    data, problems = read.data, list(read.problems)
    if overrides:
        data, more = override_data(data, overrides, read.origins)
        problems += more
    return validate_data(data, shown, origins=read.origins, problems=problems)


def file_json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file, for editors' completion and checking.

    It is the schema of :class:`Scenario` plus the file-only key ``extends``.
    """
    schema = Scenario.model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "staffsim scenario file",
        **{k: v for k, v in schema.items() if k != "title"},
    }
    schema["properties"] = {
        EXTENDS_KEY: {
            "type": "string",
            "description": "Path (relative to this file) of a scenario file this one "
            "inherits from and overrides; see docs/scenario-reference.md.",
        },
        **schema["properties"],
    }
    schema["properties"]["schema_version"] = {
        **schema["properties"]["schema_version"],
        "minimum": 1,
        "maximum": SCHEMA_VERSION,
    }
    return schema

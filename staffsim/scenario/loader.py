"""Reading scenario files: YAML -> inherited, migrated, overridden, validated :class:`Scenario`.

Reading a file goes through these steps, each of which reports problems rather than
stopping at the first:

1. the YAML is read safely (:mod:`staffsim.scenario.yaml_io`);
2. the file is brought up to the current format (:mod:`staffsim.scenario.migrate`);
3. ``extends: other.yaml`` is resolved (see below);
4. ``--set`` overrides are applied (:mod:`staffsim.scenario.overrides`);
5. the result is validated against the schema, and so is every policy's ``set``, on top
   of the policies dated before it, so that no policy can put the model in a state a file
   could not.

Every problem names the file and line where the bad value was written (the parent's file
for an inherited value, ``--set`` for an override), its key path, the value, what was
expected and, for a misspelt key, a did-you-mean.

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
  ``lower_caps``), so that a scenario and the one it extends never share a name;
* ``schema_version`` is each file's own: each is migrated before the merge.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from staffsim.scenario.errors import (
    Issue,
    Origin,
    Problem,
    ScenarioError,
    format_path,
    issues_from_validation_error,
)
from staffsim.scenario.migrate import migrate
from staffsim.scenario.overrides import apply_overrides, check_key_path
from staffsim.scenario.paths import set_path, split_path
from staffsim.scenario.schema import SCHEMA_VERSION, Scenario
from staffsim.scenario.timeline import policy_timeline
from staffsim.scenario.yaml_io import load_yaml_file

__all__ = [
    "EXTENDS_KEY",
    "FIXED_FOR_A_RUN",
    "ScenarioError",
    "file_json_schema",
    "load_scenario",
    "load_scenario_data",
    "merge_scenarios",
    "validate_data",
]

EXTENDS_KEY = "extends"
"""The key naming the scenario file a file inherits from."""

FIXED_FOR_A_RUN = frozenset(
    {"schema_version", "name", "description", "start_date", "horizon_years", "seed"}
    | {"initial", "policies", "price_base_year"}
)
"""Top-level keys a policy may not change: they describe the run itself or its first day."""

Origins = dict[tuple[Any, ...], Origin]
Locate = Callable[[tuple[Any, ...]], Origin]


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
        merged["name"] = Path(shown).stem
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


def _locator(origins: Origins | None, source: str | None) -> Locate:
    """A function giving where the value at a key path was written: the origin of the
    longest prefix of the path that has one."""
    origins = origins or {}

    def locate(loc: tuple[Any, ...]) -> Origin:
        for n in range(len(loc), -1, -1):
            origin = origins.get(tuple(loc[:n]))
            if origin is not None:
                return origin
        return Origin(source)

    return locate


def _problem(issue: Issue, locate: Locate, loc: tuple[Any, ...] | None = None) -> Problem:
    loc = issue.loc if loc is None else loc
    where = locate(loc)
    return Problem(
        where.file,
        format_path(loc),
        issue.expected,
        issue.value,
        issue.suggestion,
        where.line,
        where.column,
    )


def _reporter(
    problems: list[Problem], loc: tuple[Any, ...], value: Any, where: Origin
) -> Callable[..., None]:
    """A function adding a problem about the value at ``loc``."""

    def report(expected: str, suggestion: str | None = None) -> None:
        problems.append(
            Problem(
                where.file,
                format_path(loc),
                expected,
                value,
                suggestion,
                where.line,
                where.column,
            )
        )

    return report


def _policy_paths(data: Mapping[str, Any], locate: Locate) -> tuple[list[Problem], set]:
    """Problems of policy ``set`` key paths that name no field, or one fixed for the run;
    and the (policy index, path) pairs concerned, which are not applied afterwards."""
    problems: list[Problem] = []
    bad: set[tuple[int, str]] = set()
    policies = data.get("policies")
    if not isinstance(policies, list):
        return problems, bad
    for i, policy in enumerate(policies):
        changes = policy.get("set") if isinstance(policy, Mapping) else None
        if not isinstance(changes, Mapping):
            continue
        for path, value in changes.items():
            loc = ("policies", i, "set", path)
            where = locate(loc)
            report = _reporter(problems, loc, value, where)
            if not isinstance(path, str):
                report("a dotted key path such as caseload.cap_per_fte")
                bad.add((i, path))
                continue
            try:
                parts = split_path(path)
            except ValueError:
                report("a dotted key path such as caseload.cap_per_fte")
                bad.add((i, path))
                continue
            if parts[0] in FIXED_FOR_A_RUN:
                report(
                    f"a parameter that a policy can change during a run; {parts[0]!r} "
                    "is fixed for the whole run"
                )
                bad.add((i, path))
                continue
            unknown = check_key_path(parts, data)
            if unknown is not None:
                index, allowed, fixed = unknown
                level = format_path(parts[:index]) or "the top level"
                report(
                    f"a key path of a scenario field; {parts[index]!r} is not a key of {level}"
                    + (" (" + ", ".join(allowed) + ")" if allowed else ""),
                    f"did you mean {fixed!r}?" if fixed else None,
                )
                bad.add((i, path))
    return problems, bad


def _own_issues(state: dict[str, Any], path: str) -> list[Issue]:
    """Errors located at or under ``path`` once it is set in ``state`` (a value that is
    wrong in itself, whatever else changes on its date)."""
    parts = tuple(split_path(path))
    try:
        Scenario.model_validate(state)
    except ValidationError as exc:
        found = issues_from_validation_error(exc, state)
        return [i for i in found if i.loc[: len(parts)] == parts]
    return []


def _policy_values(scenario: Scenario, skip: set[tuple[int, str]], locate: Locate) -> list[Problem]:
    """Validate the scenario after each policy date, in date order, attributing each
    error to the policy ``set`` entry that caused it.

    Each value is first checked on its own, so that a bad value is reported even when
    another policy of the same date overwrites it; then the scenario after the whole date
    is checked, for rules across fields (case-type shares summing to 1, say) that several
    policies of one date may need together. Every policy is checked, even one dated after
    the run ends, so that a longer horizon never exposes a broken one. Values that fail,
    or a date whose values fail together, are left out of the scenario later dates build
    on, so that each mistake is reported once.
    """
    problems: list[Problem] = []
    policies = scenario.policies

    def effective(i: int) -> dt.date:
        return max(policies[i].date, scenario.start_date)

    current = scenario.model_dump(mode="python", exclude={"policies"})
    # Date order, as the timeline applies them (policies before the start keep theirs).
    order = sorted(range(len(policies)), key=lambda i: policies[i].date)
    for date, group in groupby(order, key=effective):
        trial, applied = current, []
        for i in group:
            for path, value in policies[i].set.items():
                if (i, path) in skip:
                    continue
                candidate = set_path(trial, path, value)
                own = _own_issues(candidate, path)
                for issue in own:
                    parts = tuple(split_path(path))
                    loc = ("policies", i, "set", path, *issue.loc[len(parts) :])
                    problems.append(_problem(issue, locate, loc))
                if own:
                    continue  # left out, so that later dates build on the good values
                trial = candidate
                applied.append((i, path))
        if applied:
            try:
                Scenario.model_validate(trial)
            except ValidationError as exc:
                for issue in issues_from_validation_error(exc, trial):
                    problems.append(_attribute(issue, applied, policies, date, locate))
                continue
        current = trial
    return problems


def _attribute(issue: Issue, applied: list[tuple[int, str]], policies, date, locate) -> Problem:
    """The problem of a policy date's validation error, at the ``set`` entry causing it."""
    for i, path in reversed(applied):
        parts = tuple(split_path(path))
        if issue.loc[: len(parts)] == parts:  # the value set, or something inside it
            return _problem(issue, locate, ("policies", i, "set", path, *issue.loc[len(parts) :]))
    for i, path in reversed(applied):
        parts = tuple(split_path(path))
        if parts[: len(issue.loc)] == issue.loc:  # a rule across fields the value broke
            changed = dataclasses.replace(
                issue,
                value=policies[i].set[path],
                expected=f"{issue.expected} (once the policies of {date} apply)",
            )
            return _problem(changed, locate, ("policies", i, "set", path))
    i = applied[0][0]
    changed = dataclasses.replace(
        issue,
        expected=f"{format_path(issue.loc)}: {issue.expected} (once the policies of {date} apply)",
    )
    return _problem(changed, locate, ("policies", i, "set"))


def _ordered(problems: Iterable[Problem], source: str | None) -> list[Problem]:
    """Problems grouped by file (the scenario's own first, then in order of first
    mention), then by line."""
    problems = list(problems)
    files: dict[str | None, int] = {source: 0}
    for p in problems:
        files.setdefault(p.file, len(files))
    keyed = sorted(
        enumerate(problems),
        key=lambda ip: (
            files[ip[1].file],
            ip[1].line is None,
            ip[1].line or 0,
            ip[1].column or 0,
            ip[0],
        ),
    )
    return [p for _, p in keyed]


def validate_data(
    data: Mapping[str, Any],
    source: str | None = None,
    *,
    origins: Origins | None = None,
    problems: Iterable[Problem] = (),
) -> Scenario:
    """Validate a raw scenario mapping (its policies included) into a :class:`Scenario`.

    ``source`` names the scenario in messages; ``origins`` (key path -> where it was
    written) lets each problem name its file and line; ``problems`` found earlier (such
    as repeated keys) are reported with the rest. Raises :class:`ScenarioError` listing
    every problem.
    """
    locate = _locator(origins, source)
    found = list(problems)
    if not isinstance(data, Mapping):
        found.append(Problem(source, "", "a mapping of keys to values", data))
        raise ScenarioError(found, source)
    path_problems, bad_paths = _policy_paths(data, locate)
    found += path_problems
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        found += [_problem(i, locate) for i in issues_from_validation_error(exc, data)]
        raise ScenarioError(_ordered(found, source), source) from None
    found += _policy_values(scenario, bad_paths, locate)
    if not found and scenario.policies:
        try:  # the timeline the model will use must build: a last, independent check
            policy_timeline(scenario)
        except ValueError as exc:
            found.append(Problem(source, "policies", f"policies that apply cleanly ({exc})"))
    if found:
        raise ScenarioError(_ordered(found, source), source)
    return scenario


def load_scenario(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Read, inherit, migrate, override and validate the scenario file at ``path``.

    ``overrides`` maps dotted key paths to values (as ``--set`` gives them). Raises
    :class:`ScenarioError` (exit status 2) listing every problem found.
    """
    shown = str(path)
    try:
        read = _read(Path(path), shown, ())
    except ScenarioError as exc:
        raise ScenarioError(exc.problems, shown) from None
    data, problems = read.data, list(read.problems)
    if overrides:
        data, more = apply_overrides(data, overrides, read.origins)
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

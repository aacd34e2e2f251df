"""Validating a raw scenario, reporting every problem in one pass.

:func:`validate_data` runs these checks and reports all they find together, each problem
at the file and line (or override) where the value concerned was written:

1. the key paths of policies' ``set`` (:mod:`staffsim.scenario.policy_checks`);
2. every field against the schema, the file's policies included;
3. the rules across fields (:mod:`staffsim.scenario.rules`), and each policy's values on
   top of the scenario. When fields are wrong, these run on a *repaired* scenario, in
   which each wrong value is put back to its default; a rule reading a value that was
   repaired is not reported, since it would only repeat the field's problem;
4. last, the policy timeline the model will use must build.

So a planner sees a wrong number, two values that do not fit together and a policy that
breaks a rule in one message, not one run after another.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from staffsim.scenario.errors import Issue, Loc, Origin, Problem, ScenarioError
from staffsim.scenario.paths import delete_path
from staffsim.scenario.policy_checks import (
    Locate,
    policy_path_problems,
    policy_value_problems,
    problem,
)
from staffsim.scenario.pydantic_errors import issues_from_validation_error
from staffsim.scenario.schema import Policy, Scenario
from staffsim.scenario.timeline import policy_timeline

__all__ = ["Origins", "locator", "validate_data"]

Origins = dict[tuple[Any, ...], Origin]
"""Key path -> where its value was written."""

_REPAIR_ROUNDS = 12
"""Most rounds of putting wrong values back to their defaults (each round goes one level
deeper: a wrong share, then the case type missing it, then the case types)."""


def locator(origins: Origins | None, source: str | None) -> Locate:
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


def _schema_issues(data: Mapping[str, Any]) -> tuple[Scenario | None, list[Issue]]:
    """The scenario if ``data`` validates; else None and every issue."""
    try:
        return Scenario.model_validate(data), []
    except ValidationError as exc:
        return None, issues_from_validation_error(exc, data)


def _repair_target(issue: Issue) -> Loc:
    """The key path to put back to its default to clear ``issue``: the mapping key
    holding the wrong value (a list is replaced whole; a missing key's parent is)."""
    loc = issue.loc
    if issue.kind in ("missing", "union_tag_invalid"):
        loc = loc[:-1]
    for n, part in enumerate(loc):
        if isinstance(part, int):
            return loc[:n]
    return loc


def _overlaps(a: Loc, b: Loc) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _repaired_base(
    data: Mapping[str, Any], issues: list[Issue]
) -> tuple[Scenario | None, list[Issue]]:
    """The scenario without its policies and with each wrong value put back to its
    default (None if that cannot be done), and the rules across fields it breaks whose
    inputs were not repaired."""
    current: dict[str, Any] = {k: v for k, v in data.items() if k != "policies"}
    pending = [i for i in issues if i.loc[:1] != ("policies",)]
    repaired: list[Loc] = []
    rules: list[Issue] = []
    for _ in range(_REPAIR_ROUNDS):
        for issue in pending:
            if issue.kind == "rule" and not any(
                _overlaps(i, r) for i in issue.inputs for r in repaired
            ):
                rules.append(issue)
        targets = [_repair_target(i) for i in pending]
        if not targets:
            break
        if any(not t for t in targets):
            return None, rules  # the file as a whole is wrong: nothing to repair
        for target in targets:
            current = delete_path(current, target)
            repaired.append(target)
        base, pending = _schema_issues(current)
        if base is not None:
            return base, rules
    base, _ = _schema_issues(current)
    return base, rules


def _valid_policies(data: Mapping[str, Any]) -> list[tuple[int, Policy]]:
    """The policies that validate on their own, with their index in the file."""
    policies = data.get("policies")
    if not isinstance(policies, list | tuple):
        return []
    out = []
    for i, raw in enumerate(policies):
        try:
            out.append((i, Policy.model_validate(raw)))
        except ValidationError:
            continue  # its problems are among the schema's
    return out


def _ordered(problems: Iterable[Problem], source: str | None) -> list[Problem]:
    """Problems without repeats, grouped by file (the scenario's own first, then in order
    of first mention), then by line."""
    unique: dict[tuple[Any, ...], Problem] = {}
    for p in problems:
        unique.setdefault((p.file, p.path, p.expected, p.line, p.column), p)
    problems = list(unique.values())
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
    locate = locator(origins, source)
    found = list(problems)
    if not isinstance(data, Mapping):
        found.append(Problem(source, "", "a mapping of keys to values", data))
        raise ScenarioError(found, source)
    path_problems, bad_paths = policy_path_problems(data, locate)
    found += path_problems
    scenario, issues = _schema_issues(data)
    found += [problem(i, locate) for i in issues]
    base: Scenario | None
    if scenario is not None:
        base, policies = scenario, list(enumerate(scenario.policies))
    else:
        base, rules = _repaired_base(data, issues)
        found += [problem(i, locate) for i in rules]
        policies = _valid_policies(data)
    if base is not None:
        found += policy_value_problems(base, policies, bad_paths, locate)
    if scenario is not None and not found and scenario.policies:
        try:  # the timeline the model will use must build: a last, independent check
            policy_timeline(scenario)
        except ValueError as exc:
            found.append(Problem(source, "policies", f"policies that apply cleanly ({exc})"))
    if found or scenario is None:
        raise ScenarioError(_ordered(found, source), source)
    return scenario

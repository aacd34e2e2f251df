"""Checking policies: that each ``set`` names a field a policy may change, and that the
scenario stays valid on every policy date.

A policy's values are checked on top of the policies dated before it, in date order, as
the model will apply them, so that no policy can put the model in a state a file could not.
Each problem is reported at the ``set`` entry that caused it (``policies[2].set.
caseload.target_per_fte``), with that entry's file and line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from itertools import groupby
from typing import Any

from pydantic import ValidationError

from staffsim.scenario.errors import Issue, Loc, Origin, Problem, format_path
from staffsim.scenario.overrides import check_key_path
from staffsim.scenario.paths import set_path, split_path
from staffsim.scenario.pydantic_errors import issues_from_validation_error
from staffsim.scenario.schema import Policy, Scenario

__all__ = ["FIXED_FOR_A_RUN", "Locate", "policy_path_problems", "policy_value_problems", "problem"]

FIXED_FOR_A_RUN = frozenset(
    {"schema_version", "name", "description", "start_date", "horizon_years", "seed"}
    | {"initial", "policies", "price_base_year"}
)
"""Top-level keys a policy may not change: they describe the run itself or its first day."""

Locate = Callable[[tuple[Any, ...]], Origin]
"""Where the value at a key path was written."""

PolicyPath = tuple[int, str]
"""A policy's index and one of its ``set`` key paths."""


def problem(issue: Issue, locate: Locate, loc: tuple[Any, ...] | None = None) -> Problem:
    """The problem of ``issue``, located where the value at ``loc`` (default: the issue's
    own key path) was written."""
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


def _path_expectation(path: Any, data: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """What is wrong with a policy's ``set`` key path (expected, suggestion), or None."""
    if not isinstance(path, str):
        return "a dotted key path such as caseload.target_per_fte", None
    try:
        parts = split_path(path)
    except ValueError:
        return "a dotted key path such as caseload.target_per_fte", None
    if parts[0] in FIXED_FOR_A_RUN:
        return (
            f"a parameter that a policy can change during a run; {parts[0]!r} "
            "is fixed for the whole run",
            None,
        )
    unknown = check_key_path(parts, data)
    if unknown is None:
        return None
    index, allowed, fixed = unknown
    level = format_path(parts[:index]) or "the top level"
    return (
        f"a key path of a scenario field; {parts[index]!r} is not a key of {level}"
        + (" (" + ", ".join(allowed) + ")" if allowed else ""),
        f"did you mean {fixed!r}?" if fixed else None,
    )


def policy_path_problems(
    data: Mapping[str, Any], locate: Locate
) -> tuple[list[Problem], set[PolicyPath]]:
    """Problems of policy ``set`` key paths that name no field, or one fixed for the run;
    and the (policy index, path) pairs concerned, which are not applied afterwards."""
    problems: list[Problem] = []
    bad: set[PolicyPath] = set()
    policies = data.get("policies")
    if not isinstance(policies, list | tuple):
        return problems, bad
    for i, policy in enumerate(policies):
        changes = policy.get("set") if isinstance(policy, Mapping) else None
        if not isinstance(changes, Mapping):
            continue
        for path, value in changes.items():
            wrong = _path_expectation(path, data)
            if wrong is None:
                continue
            loc = ("policies", i, "set", path)
            expected, suggestion = wrong
            problems.append(problem(Issue(loc, expected, value, suggestion), locate))
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


def _overlaps(a: Loc, b: Loc) -> bool:
    """True if one key path is the other or lies inside it."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _attribute(
    issue: Issue,
    applied: Sequence[PolicyPath],
    policies: Mapping[int, Policy],
    date: dt.date,
    locate: Locate,
) -> Problem:
    """The problem of a policy date's validation error, at the ``set`` entry causing it."""
    for i, path in reversed(applied):
        parts = tuple(split_path(path))
        if issue.loc[: len(parts)] == parts:  # the value set, or something inside it
            return problem(issue, locate, ("policies", i, "set", path, *issue.loc[len(parts) :]))
    for i, path in reversed(applied):
        parts = tuple(split_path(path))
        inputs = issue.inputs or (issue.loc,)
        if any(_overlaps(parts, loc) for loc in inputs):  # a rule across fields it broke
            changed = dataclasses.replace(
                issue,
                value=policies[i].set[path],
                expected=f"{format_path(issue.loc)}: {issue.expected} "
                f"(once the policies of {date} apply)",
            )
            return problem(changed, locate, ("policies", i, "set", path))
    i = applied[0][0]
    changed = dataclasses.replace(
        issue,
        expected=f"{format_path(issue.loc)}: {issue.expected} (once the policies of {date} apply)",
    )
    return problem(changed, locate, ("policies", i, "set"))


def policy_value_problems(
    base: Scenario,
    policies: Sequence[tuple[int, Policy]],
    skip: set[PolicyPath],
    locate: Locate,
) -> list[Problem]:
    """Validate ``base`` after each policy date, in date order, attributing each error to
    the policy ``set`` entry that caused it. ``policies`` are (index in the file, policy).

    Each value is first checked on its own, so that a bad value is reported even when
    another policy of the same date overwrites it; then the scenario after the whole date
    is checked, for rules across fields (case-type shares summing to 1, say) that several
    policies of one date may need together. Every policy is checked, even one dated after
    the run ends, so that a longer horizon never exposes a broken one. Values that fail,
    or a date whose values fail together, are left out of the scenario later dates build
    on, so that each mistake is reported once.
    """
    problems: list[Problem] = []
    by_index = dict(policies)

    def effective(i: int) -> dt.date:
        return max(by_index[i].date, base.start_date)

    current = base.model_dump(mode="python", exclude={"policies"})
    # Date order, as the timeline applies them (policies before the start keep theirs).
    order = sorted(by_index, key=lambda i: by_index[i].date)
    for date, group in groupby(order, key=effective):
        trial, applied = current, []
        for i in group:
            for path, value in by_index[i].set.items():
                if (i, path) in skip:
                    continue
                candidate = set_path(trial, path, value)
                own = _own_issues(candidate, path)
                for issue in own:
                    parts = tuple(split_path(path))
                    loc = ("policies", i, "set", path, *issue.loc[len(parts) :])
                    problems.append(problem(issue, locate, loc))
                if own:
                    continue  # left out, so that later dates build on the good values
                trial = candidate
                applied.append((i, path))
        if applied:
            try:
                Scenario.model_validate(trial)
            except ValidationError as exc:
                for issue in issues_from_validation_error(exc, trial):
                    problems.append(_attribute(issue, applied, by_index, date, locate))
                continue
        current = trial
    return problems

"""Problems in a scenario, and the error that reports every one of them at once.

A :class:`Problem` says where a bad value was written (the file and line, or the override
that gave it: ``overrides``, a keyword, or on the command line ``--set``), its dotted key
path (``demand.case_types.child_in_need.share``, ``policies[0].date``), the value, what was
expected and, for a misspelt key or name, a did-you-mean. A :class:`ScenarioError` carries
all the problems found in one scenario, so a user fixes a file in one pass rather than one
error per run.

What the schema expects at a key path is :mod:`staffsim.scenario.schema_walk`; turning
pydantic's errors into problems is :mod:`staffsim.scenario.pydantic_errors`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from staffsim.errors import UserError

__all__ = [
    "MISSING",
    "Issue",
    "Loc",
    "Origin",
    "Problem",
    "RuleViolations",
    "ScenarioError",
    "did_you_mean",
    "format_path",
    "format_value",
]

Loc = tuple[str | int, ...]
"""A key path as a tuple: mapping keys are strings, list indices integers."""


class _Missing:
    """The value of a key that was not written at all."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def format_path(loc: Sequence[str | int]) -> str:
    """``("policies", 0, "set")`` -> ``"policies[0].set"``; the empty path is ``""``."""
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def format_value(value: Any, limit: int = 100) -> str:
    """A short, YAML-like rendering of a value for an error message."""
    if value is MISSING:
        return "(not given)"

    def render(v: Any) -> str:
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return repr(v)
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, Mapping):
            return "{" + ", ".join(f"{k}: {render(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list | tuple):
            return "[" + ", ".join(render(x) for x in v) + "]"
        return str(v)

    text = render(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def did_you_mean(word: Any, candidates: Iterable[str]) -> str | None:
    """``"did you mean 'target_per_fte'?"`` for the closest candidates, or None."""
    matches = difflib.get_close_matches(str(word), list(candidates), n=3, cutoff=0.6)
    if not matches:
        return None
    return "did you mean " + " or ".join(repr(m) for m in matches) + "?"


@dataclass(frozen=True)
class Issue:
    """A problem before its file and line are known: ``loc`` is a key path tuple.

    ``kind`` is what went wrong (pydantic's error type, or ``"rule"`` for a rule across
    fields); ``inputs`` are the key paths a rule across fields reads, so that a rule whose
    inputs were themselves wrong is not reported as well.
    """

    loc: Loc
    expected: str
    value: Any = MISSING
    suggestion: str | None = None
    kind: str = ""
    inputs: tuple[Loc, ...] = ()


class RuleViolations(ValueError):
    """Raised by a validator that found values breaking rules across fields; carries one
    :class:`Issue` per broken rule, each at the key path it concerns."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = tuple(issues)
        super().__init__("; ".join(f"{format_path(i.loc)}: {i.expected}" for i in self.issues))


class Origin(NamedTuple):
    """Where a value was written: a file (or the override that gave it, such as
    ``"overrides"`` or ``"--set"``) and, if known, line and column."""

    file: str | None
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario.

    ``file`` is where the value was written: a file path, or the override that gave it
    (``"overrides"``, ``"keyword cap__x"``, ``"--set"``; None when unknown). ``line`` and
    ``column`` count from 1. ``path`` is the dotted key path (``""`` for the file as a whole).
    """

    file: str | None
    path: str
    expected: str
    value: Any = MISSING
    suggestion: str | None = None
    line: int | None = None
    column: int | None = None

    @property
    def location(self) -> str:
        """``file:line:column`` (as much of it as is known)."""
        where = self.file or "<scenario>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def format(self) -> str:
        """The problem as a few indented lines for a terminal."""
        head = f"{self.location}: {self.path}" if self.path else f"{self.location}:"
        lines = [head]
        if self.value is not MISSING or self.path:
            lines.append(f"    value:    {format_value(self.value)}")
        lines.append(f"    expected: {self.expected}")
        if self.suggestion:
            lines.append(f"    {self.suggestion}")
        return "\n".join(lines)


class ScenarioError(UserError):
    """A scenario file or override that does not validate; ``problems`` lists every fault.

    ``ScenarioError("message")`` is accepted too, for a fault with no key path.
    """

    def __init__(self, problems: Iterable[Problem] | str, source: str | None = None) -> None:
        if isinstance(problems, str):
            problems = [Problem(file=source, path="", expected=problems)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__(self._format())

    def _format(self) -> str:
        n = len(self.problems)
        what = "1 problem" if n == 1 else f"{n} problems"
        head = f"{self.source}: {what}" if self.source else f"scenario: {what}"
        return "\n".join([head, *(p.format() for p in self.problems)])

    def with_sources_renamed(self, names: Mapping[str, str]) -> ScenarioError:
        """The same problems with their sources renamed (``{"vary": "--vary"}``): the
        command line names its flags where the library names its parameters."""

        def rename(source: str | None) -> str | None:
            return names.get(source, source) if source is not None else None

        problems = [dataclasses.replace(p, file=rename(p.file)) for p in self.problems]
        return ScenarioError(problems, rename(self.source))

    def for_command_line(self, flags: Mapping[str, str]) -> str:
        """The message with parameter names replaced by the command line's flags."""
        return str(self.with_sources_renamed(flags))

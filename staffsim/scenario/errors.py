"""Problems in a scenario, and the error that reports every one of them at once.

A :class:`Problem` says where a bad value was written (the file and line, or ``--set``),
its dotted key path (``demand.case_types.child_in_need.share``, ``policies[0].date``), the
value, what was expected and, for a misspelt key or name, a did-you-mean. A
:class:`ScenarioError` carries all the problems found in one scenario, so a user fixes a
file in one pass rather than one error per run.

This module also knows what the schema expects at a key path (:func:`lookup`), which turns
pydantic's errors into problems (:func:`issues_from_validation_error`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Union

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from staffsim.errors import UserError

__all__ = [
    "MISSING",
    "FieldSpec",
    "Issue",
    "Origin",
    "Problem",
    "ScenarioError",
    "describe",
    "did_you_mean",
    "format_path",
    "format_value",
    "issues_from_validation_error",
    "known_keys",
    "lookup",
    "tags",
    "walk",
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
    """``"did you mean 'cap_per_fte'?"`` for the closest candidates, or None."""
    matches = difflib.get_close_matches(str(word), list(candidates), n=3, cutoff=0.6)
    if not matches:
        return None
    return "did you mean " + " or ".join(repr(m) for m in matches) + "?"


class Origin(NamedTuple):
    """Where a value was written: a file (or ``"--set"``) and, if known, line and column."""

    file: str | None
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario.

    ``file`` is where the value was written: a file path, or ``"--set"`` for a
    command-line override (None when unknown). ``line`` and ``column`` count from 1.
    ``path`` is the dotted key path (``""`` for the file as a whole).
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


# --- what the schema expects at a key path -------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """What the schema expects at one key path: the type, and the field (None inside a
    container such as a list or a mapping of names)."""

    annotation: Any
    field: FieldInfo | None = None

    @property
    def unit(self) -> str | None:
        """The field's unit from its ``json_schema_extra``, if any."""
        extra = self.field.json_schema_extra if self.field else None
        return extra.get("unit") if isinstance(extra, dict) else None  # type: ignore[return-value]


def _strip(tp: Any) -> tuple[Any, bool]:
    """The type without ``Annotated`` and without ``None``; and whether None is allowed."""
    nullable = False
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) < len(typing.get_args(tp)):
                nullable = True
            if len(args) == 1:
                tp = args[0]
            else:
                return Union[tuple(args)], nullable  # noqa: UP007
        else:
            return tp, nullable


def _models(tp: Any) -> list[type[BaseModel]]:
    """The pydantic models a (union) type allows; empty if it is not made of models."""
    tp, _ = _strip(tp)
    members = typing.get_args(tp) if typing.get_origin(tp) in (Union, types.UnionType) else (tp,)
    if all(isinstance(m, type) and issubclass(m, BaseModel) for m in members):
        return list(members)
    return []


def _discriminator(models: Sequence[type[BaseModel]]) -> str | None:
    """The field every member fixes to a literal value (``dist`` for distributions)."""
    if len(models) < 2:
        return None
    for name in models[0].model_fields:
        if all(
            name in m.model_fields
            and typing.get_origin(_strip(m.model_fields[name].annotation)[0]) is Literal
            for m in models
        ):
            return name
    return None


def tags(tp: Any) -> dict[str, type[BaseModel]]:
    """For a tagged union such as a distribution: tag value -> model (empty otherwise)."""
    models = _models(tp)
    key = _discriminator(models)
    if key is None:
        return {}
    return {typing.get_args(_strip(m.model_fields[key].annotation)[0])[0]: m for m in models}


def _choose(tp: Any, data: Any) -> type[BaseModel] | None:
    """The model of a (tagged union) type that ``data`` is meant to be."""
    models = _models(tp)
    if len(models) == 1:
        return models[0]
    tagged = tags(tp)
    key = _discriminator(models)
    if key and isinstance(data, Mapping) and data.get(key) in tagged:
        return tagged[data[key]]
    return None


def known_keys(tp: Any, data: Any = None) -> list[str] | None:
    """The keys a mapping of type ``tp`` may hold (None: any text key)."""
    model = _choose(tp, data)
    if model is not None:
        return list(model.model_fields)
    tagged = tags(tp)
    if tagged:  # a tagged union whose tag is unknown: any member's keys
        return sorted({k for m in tagged.values() for k in m.model_fields})
    base, _ = _strip(tp)
    if typing.get_origin(base) is dict:
        key_type = _strip(typing.get_args(base)[0])[0]
        if typing.get_origin(key_type) is Literal:
            return [str(a) for a in typing.get_args(key_type)]
    return None


def _child(spec: FieldSpec, key: str | int, data: Any) -> FieldSpec | None:
    """The spec one step down from ``spec`` at ``key``; None if the key is not allowed."""
    tp, _ = _strip(spec.annotation)
    if tp is Any:
        return FieldSpec(Any)
    model = _choose(tp, data)
    if model is None and tags(tp):  # unknown tag: take the first member having the key
        model = next((m for m in tags(tp).values() if key in m.model_fields), None)
    if model is not None:
        field = model.model_fields.get(key) if isinstance(key, str) else None
        return FieldSpec(field.annotation, field) if field else None
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is dict:
        allowed = known_keys(tp)
        if allowed is not None and key not in allowed:
            return None
        return FieldSpec(args[1])
    if origin in (tuple, list) and isinstance(key, int):
        if len(args) == 2 and args[1] is Ellipsis:
            return FieldSpec(args[0])
        if origin is list:
            return FieldSpec(args[0])
        return FieldSpec(args[key]) if 0 <= key < len(args) else None
    return None


def _step(data: Any, key: str | int) -> Any:
    if isinstance(data, Mapping):
        return data.get(key)
    if isinstance(data, list | tuple) and isinstance(key, int) and -len(data) <= key < len(data):
        return data[key]
    return None


def lookup(
    loc: Sequence[str | int], data: Any = None, root: type[BaseModel] | None = None
) -> FieldSpec | None:
    """What the schema expects at ``loc`` (a :class:`FieldSpec`), or None if no such key.

    ``data`` (the scenario as written) decides which kind a distribution is, so that
    ``...duration.mean_days`` is looked up in the distribution the file names.
    """
    if root is None:  # imported here so that the schema may one day use this module
        from staffsim.scenario.schema import Scenario

        root = Scenario
    spec: FieldSpec | None = FieldSpec(root)
    for key in loc:
        spec = _child(spec, key, data)
        if spec is None:
            return None
        data = _step(data, key)
    return spec


def walk(data: Any, loc: Sequence[str | int]) -> Any:
    """The value at ``loc`` in nested data, or None."""
    for key in loc:
        data = _step(data, key)
    return data


# --- pydantic errors -> problems --------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """A problem before its file and line are known: ``loc`` is a key path tuple."""

    loc: Loc
    expected: str
    value: Any = MISSING
    suggestion: str | None = None
    kind: str = ""


def _clean_loc(loc: Sequence[str | int], data: Any, kind: str) -> Loc:
    """Drop what pydantic adds to a location that the user never wrote: the tag of a
    distribution (``lognormal``), ``[key]`` markers and validator names."""
    out: list[str | int] = []
    node = data
    for n, part in enumerate(loc):
        last = n == len(loc) - 1
        if part == "[key]":
            continue
        present = (isinstance(node, Mapping) and part in node) or (
            isinstance(node, list | tuple)
            and isinstance(part, int)
            and not isinstance(part, bool)
            and -len(node) <= part < len(node)
        )
        if present:
            out.append(part)
            node = node[part]
        elif last and kind in ("missing", "extra_forbidden"):
            out.append(part)
        elif isinstance(node, Mapping | list | tuple):
            continue  # a tag or a validator name, not a key the user wrote
        else:
            out.append(part)
            node = None
    return tuple(out)


def _range_text(field: FieldInfo | None) -> str:
    """``">= 0 and <= 1"`` from a field's bounds."""
    if field is None:
        return ""
    parts = []
    for m in field.metadata:
        if isinstance(m, annotated_types.Ge):
            parts.append(f">= {m.ge:g}")
        elif isinstance(m, annotated_types.Gt):
            parts.append(f"> {m.gt:g}")
    for m in field.metadata:
        if isinstance(m, annotated_types.Le):
            parts.append(f"<= {m.le:g}")
        elif isinstance(m, annotated_types.Lt):
            parts.append(f"< {m.lt:g}")
    return " and ".join(parts)


def describe(spec: FieldSpec | None) -> str | None:
    """What a value of this field must be, in words (``"a number >= 0 (cases/day)"``)."""
    if spec is None:
        return None
    tp, nullable = _strip(spec.annotation)
    tail = f" ({spec.unit})" if spec.unit else ""
    text: str | None
    if tp is bool:
        text = "true or false"
    elif tp in (int, float):
        kind = "a whole number" if tp is int else "a number"
        bounds = _range_text(spec.field)
        text = f"{kind} {bounds}".strip() + tail
    elif tp is str:
        text = "text"
    elif tp is dt.date:
        text = "a date written YYYY-MM-DD, such as 2024-10-01"
    elif typing.get_origin(tp) is Literal:
        text = "one of " + ", ".join(repr(a) for a in typing.get_args(tp))
    elif tags(tp):
        example = "{dist: lognormal, mean_days: 200, sd_days: 120}"
        text = f"a distribution such as {example}; dist is one of {', '.join(tags(tp))}"
    elif _models(tp):
        text = "a mapping of keys to values"
    elif typing.get_origin(tp) is dict:
        text = "a mapping of names to values"
    elif typing.get_origin(tp) in (tuple, list):
        text = "a list"
    else:
        text = None
    if text and nullable:
        text += ", or null (empty)"
    return text


def _message(err: Mapping[str, Any]) -> str:
    error = (err.get("ctx") or {}).get("error")
    if error is not None:
        return str(error)
    return str(err.get("msg", "")).removeprefix("Value error, ")


_DESCRIBED = frozenset(
    {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "finite_number"}
    | {"float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"}
    | {"bool_type", "bool_parsing", "string_type", "date_type", "date_parsing"}
    | {"date_from_datetime_parsing", "date_from_datetime_inexact", "model_type"}
    | {"model_attributes_type", "dict_type", "tuple_type", "list_type"}
)
"""Pydantic error types answered by describing what the field takes."""


def _issue(err: Mapping[str, Any], data: Any) -> Issue:
    """One pydantic error as an issue at the key path the user wrote."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    loc = _clean_loc(err["loc"], data, kind)
    spec = lookup(loc, data)
    value: Any = err.get("input", MISSING)
    suggestion = None
    expected: str | None = None
    if kind == "missing":
        value = MISSING
        described = describe(spec)
        expected = "a value: this key is required" + (f" ({described})" if described else "")
    elif kind == "extra_forbidden":
        parent = lookup(loc[:-1], data)
        allowed = known_keys(parent.annotation, walk(data, loc[:-1])) if parent else None
        where = format_path(loc[:-1]) or "the top level"
        if allowed:
            expected = f"a known key of {where}: " + ", ".join(allowed)
            suggestion = did_you_mean(loc[-1], allowed)
        else:
            expected = f"a known key of {where}"
    elif kind == "literal_error":
        what = "a key that is one of " if "[key]" in err["loc"] else "one of "
        expected = what + str(ctx.get("expected", ""))
        options = str(ctx.get("expected", "")).replace(" or ", ", ").split(",")
        suggestion = did_you_mean(value, [o.strip(" '") for o in options])
    elif kind == "union_tag_invalid":
        key = str(ctx.get("discriminator", "'dist'")).strip("'")
        loc = (*loc, key)
        value = ctx.get("tag", MISSING)
        options = [o.strip(" '") for o in str(ctx.get("expected_tags", "")).split(",")]
        expected = "the name of a distribution: one of " + ", ".join(options)
        suggestion = did_you_mean(value, options)
    elif kind == "union_tag_not_found":
        key = str(ctx.get("discriminator", "'dist'")).strip("'")
        options = ", ".join(tags(spec.annotation)) if spec else ""
        expected = (
            f"a distribution: a mapping whose '{key}' key names it ({options}), "
            "such as {dist: fixed, days: 30}"
        )
    elif kind in _DESCRIBED:
        expected = describe(spec)
        if expected is None:
            expected = str(err.get("msg", ""))
    elif kind == "too_short":
        n = ctx.get("min_length", 1)
        expected = f"at least {n} item{'s' if n != 1 else ''}"
    elif kind == "too_long":
        n = ctx.get("max_length")
        expected = f"at most {n} item{'s' if n != 1 else ''}"
    elif kind == "string_too_short":
        expected = "text that is not empty"
    elif kind == "invalid_key":
        expected = "keys that are text"
    else:
        expected = _message(err)
        if not loc:
            value = MISSING
    return Issue(loc=loc, expected=expected, value=value, suggestion=suggestion, kind=kind)


def issues_from_validation_error(exc: ValidationError, data: Any) -> list[Issue]:
    """Every error of a failed validation of ``data``, as issues with clean key paths.

    Pydantic may report a misspelt key twice, as an unknown key and as a missing one; the
    two are merged into one issue about the misspelling.
    """
    issues = [_issue(err, data) for err in exc.errors()]
    # A list too short only because an item inside it failed is noise.
    issues = [
        i
        for i in issues
        if not (
            i.kind == "too_short"
            and any(j.loc[: len(i.loc)] == i.loc and len(j.loc) > len(i.loc) for j in issues)
        )
    ]
    missing = {i.loc for i in issues if i.kind == "missing"}
    replaced: dict[Loc, Loc] = {}  # unknown key -> the missing key it misspells
    for i in issues:
        if i.kind == "extra_forbidden":
            siblings = [str(m[-1]) for m in missing if m[:-1] == i.loc[:-1]]
            best = difflib.get_close_matches(str(i.loc[-1]), siblings, n=1, cutoff=0.6)
            if best:
                replaced[i.loc] = (*i.loc[:-1], best[0])
    out = []
    for i in issues:
        if i.kind == "missing" and i.loc in replaced.values():
            continue
        if i.loc in replaced and i.kind == "extra_forbidden":
            target = replaced[i.loc][-1]
            i = dataclasses.replace(
                i, suggestion=f"did you mean {target!r}? ({target!r} is required)"
            )
        out.append(i)
    return out

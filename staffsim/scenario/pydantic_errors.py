"""Pydantic's validation errors turned into issues a planner can act on.

Each error is read from its structured fields, never from its message text: ``type`` says
what went wrong, ``loc`` where, ``input`` the value and ``ctx`` the details (a length, the
tag of a distribution, the exception a validator raised). What the field takes is read from
the schema itself (:mod:`staffsim.scenario.schema_walk`), so an out-of-range number is
answered with its bounds and unit, an unknown key with the keys allowed and a did-you-mean.

:func:`issues_from_validation_error` runs the steps in order:

1. :func:`_read_errors` takes pydantic's errors as plain records;
2. :func:`_translate` turns each into issues at the key path the user wrote (a validator's
   :class:`~staffsim.scenario.errors.RuleViolations` gives one issue per broken rule);
3. :func:`_drop_consequences` leaves out errors that only follow from another;
4. :func:`_merge_misspellings` reports a misspelt required key once, as a misspelling.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from staffsim.scenario.errors import (
    MISSING,
    Issue,
    Loc,
    RuleViolations,
    did_you_mean,
    format_path,
)
from staffsim.scenario.schema_walk import (
    FieldSpec,
    describe,
    discriminator,
    known_keys,
    literal_options,
    lookup,
    tags,
    walk,
)

__all__ = ["issues_from_validation_error"]


@dataclass(frozen=True)
class _Error:
    """One pydantic error, by its structured fields, with the key path the user wrote."""

    kind: str
    raw_loc: tuple[str | int, ...]
    loc: Loc
    value: Any
    ctx: Mapping[str, Any]
    data: Any

    @property
    def spec(self) -> FieldSpec | None:
        return lookup(self.loc, self.data)

    def issue(self, expected: str, **changes: Any) -> Issue:
        fields = {"loc": self.loc, "expected": expected, "value": self.value, "kind": self.kind}
        return Issue(**{**fields, **changes})


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


def _read_errors(exc: ValidationError, data: Any) -> list[_Error]:
    """Step 1: pydantic's errors as records of their structured fields."""
    return [
        _Error(
            kind=err["type"],
            raw_loc=tuple(err["loc"]),
            loc=_clean_loc(err["loc"], data, err["type"]),
            value=err.get("input", MISSING),
            ctx=err.get("ctx") or {},
            data=data,
        )
        for err in exc.errors()
    ]


# --- one handler per kind of error ----------------------------------------------------


def _missing(err: _Error) -> list[Issue]:
    described = describe(err.spec)
    expected = "a value: this key is required" + (f" ({described})" if described else "")
    return [err.issue(expected, value=MISSING)]


def _unknown_key(err: _Error) -> list[Issue]:
    parent = lookup(err.loc[:-1], err.data)
    allowed = known_keys(parent.annotation, walk(err.data, err.loc[:-1])) if parent else None
    where = format_path(err.loc[:-1]) or "the top level"
    if not allowed:
        return [err.issue(f"a known key of {where}")]
    expected = f"a known key of {where}: " + ", ".join(allowed)
    return [err.issue(expected, suggestion=did_you_mean(err.loc[-1], allowed))]


def _not_an_option(err: _Error) -> list[Issue]:
    if "[key]" in err.raw_loc:  # a mapping keyed by a fixed set of names
        parent = lookup(err.loc[:-1], err.data)
        options = (known_keys(parent.annotation) if parent else None) or []
        expected = "a key that is one of " + ", ".join(repr(o) for o in options)
    else:
        options = literal_options(err.spec.annotation) if err.spec else []
        expected = "one of " + ", ".join(repr(o) for o in options)
    return [err.issue(expected, suggestion=did_you_mean(err.value, options))]


def _unknown_distribution(err: _Error) -> list[Issue]:
    annotation = err.spec.annotation if err.spec else None
    key = discriminator(annotation) or "dist"
    options = list(tags(annotation))
    expected = "the name of a distribution: one of " + ", ".join(options)
    value = err.ctx.get("tag", MISSING)
    return [
        err.issue(
            expected, loc=(*err.loc, key), value=value, suggestion=did_you_mean(value, options)
        )
    ]


def _untagged_distribution(err: _Error) -> list[Issue]:
    annotation = err.spec.annotation if err.spec else None
    key = discriminator(annotation) or "dist"
    expected = (
        f"a distribution: a mapping whose {key!r} key names it ({', '.join(tags(annotation))}), "
        "such as {dist: fixed, days: 30}"
    )
    return [err.issue(expected)]


def _described(err: _Error) -> list[Issue]:
    return [err.issue(describe(err.spec) or _in_words(err.kind))]


def _too_few(err: _Error) -> list[Issue]:
    n = err.ctx.get("min_length", 1)
    return [err.issue(f"at least {n} item{'s' if n != 1 else ''}")]


def _too_many(err: _Error) -> list[Issue]:
    n = err.ctx.get("max_length")
    return [err.issue(f"at most {n} item{'s' if n != 1 else ''}")]


def _validator_said(err: _Error) -> list[Issue]:
    """A validator of ours raised: its exception is in ``ctx``, its words are ours."""
    raised = err.ctx.get("error")
    if isinstance(raised, RuleViolations):
        return [
            dataclasses.replace(
                i,
                loc=(*err.loc, *i.loc),
                inputs=tuple((*err.loc, *loc) for loc in i.inputs),
            )
            for i in raised.issues
        ]
    text = str(raised) if raised is not None else _in_words(err.kind)
    return [err.issue(text, value=err.value if err.loc else MISSING)]


def _in_words(kind: str) -> str:
    """The last resort for a kind of error without a handler: its name in words."""
    return "a valid value (" + kind.replace("_", " ") + ")"


_DESCRIBED = frozenset(
    {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "finite_number"}
    | {"float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"}
    | {"bool_type", "bool_parsing", "string_type", "date_type", "date_parsing"}
    | {"date_from_datetime_parsing", "date_from_datetime_inexact", "model_type"}
    | {"model_attributes_type", "dict_type", "tuple_type", "list_type", "string_pattern_mismatch"}
)
"""Kinds of error answered by describing what the field takes."""

_HANDLERS: dict[str, Callable[[_Error], list[Issue]]] = {
    "missing": _missing,
    "extra_forbidden": _unknown_key,
    "literal_error": _not_an_option,
    "union_tag_invalid": _unknown_distribution,
    "union_tag_not_found": _untagged_distribution,
    "too_short": _too_few,
    "too_long": _too_many,
    "string_too_short": lambda err: [err.issue("text that is not empty")],
    "invalid_key": lambda err: [err.issue("keys that are text")],
    "value_error": _validator_said,
    "assertion_error": _validator_said,
    **dict.fromkeys(_DESCRIBED, _described),
}


def _translate(err: _Error) -> list[Issue]:
    """Step 2: the issues of one error, at the key path the user wrote."""
    return _HANDLERS.get(err.kind, _described)(err)


def _drop_consequences(issues: list[Issue]) -> list[Issue]:
    """Step 3: a list too short only because an item inside it failed is noise."""
    return [
        i
        for i in issues
        if not (
            i.kind == "too_short"
            and any(j.loc[: len(i.loc)] == i.loc and len(j.loc) > len(i.loc) for j in issues)
        )
    ]


def _merge_misspellings(issues: list[Issue]) -> list[Issue]:
    """Step 4: pydantic reports a misspelt required key twice, as an unknown key and as a
    missing one; keep one issue, about the misspelling."""
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


def issues_from_validation_error(exc: ValidationError, data: Any) -> list[Issue]:
    """Every error of a failed validation of ``data``, as issues with clean key paths."""
    errors = _read_errors(exc, data)
    issues = [issue for err in errors for issue in _translate(err)]
    issues = _drop_consequences(issues)
    return _merge_misspellings(issues)

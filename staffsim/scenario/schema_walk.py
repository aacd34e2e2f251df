"""What the schema expects at a key path, found by walking the pydantic types.

:func:`lookup` follows a key path (``("demand", "case_types", "cin", "duration",
"mean_days")``) down the annotations of :class:`~staffsim.scenario.schema.Scenario`, through
sections, mappings of names, lists and tagged unions (a distribution's kind is read from the
data, so ``mean_days`` is looked up in the distribution the file names). :func:`describe`
says in words what a value there must be (``"a number > 0 and <= 36525 (days)"``), and
:func:`known_keys` which keys a mapping there may hold, for did-you-mean suggestions.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

__all__ = [
    "FieldSpec",
    "describe",
    "discriminator",
    "known_keys",
    "literal_options",
    "lookup",
    "tags",
    "walk",
]


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
        unit = extra.get("unit") if isinstance(extra, dict) else None
        return unit if isinstance(unit, str) else None

    @property
    def constraints(self) -> list[Any]:
        """The field's bounds and other constraints, its own and its type's."""
        found = list(self.field.metadata) if self.field else []
        tp = self.annotation
        while typing.get_origin(tp) is typing.Annotated:
            for meta in typing.get_args(tp)[1:]:
                found.extend(meta.metadata if isinstance(meta, FieldInfo) else [meta])
            tp = typing.get_args(tp)[0]
        return found


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


def _tag_field(models: Sequence[type[BaseModel]]) -> str | None:
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


def discriminator(tp: Any) -> str | None:
    """The key naming the member of a tagged union (``"dist"``), or None."""
    return _tag_field(_models(tp))


def tags(tp: Any) -> dict[str, type[BaseModel]]:
    """For a tagged union such as a distribution: tag value -> model (empty otherwise)."""
    models = _models(tp)
    key = _tag_field(models)
    if key is None:
        return {}
    return {typing.get_args(_strip(m.model_fields[key].annotation)[0])[0]: m for m in models}


def literal_options(tp: Any) -> list[str]:
    """The values a ``Literal`` type allows, as text (empty for any other type)."""
    base, _ = _strip(tp)
    if typing.get_origin(base) is Literal:
        return [str(a) for a in typing.get_args(base)]
    return []


def _choose(tp: Any, data: Any) -> type[BaseModel] | None:
    """The model of a (tagged union) type that ``data`` is meant to be."""
    models = _models(tp)
    if len(models) == 1:
        return models[0]
    tagged = tags(tp)
    key = _tag_field(models)
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
        return literal_options(typing.get_args(base)[0]) or None
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
    ``...duration.mean_days`` is looked up in the distribution the file names. ``root``
    defaults to :class:`~staffsim.scenario.schema.Scenario`.
    """
    if root is None:  # imported here: the schema's own modules use this one
        from staffsim.scenario.schema import Scenario

        root = Scenario
    spec: FieldSpec | None = FieldSpec(root)
    for key in loc:
        assert spec is not None
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


def _bound(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if isinstance(value, int) else f"{value:g}"


def _range_text(spec: FieldSpec) -> str:
    """``">= 0 and <= 1"`` from a field's bounds."""
    lower, upper = [], []
    for m in spec.constraints:
        if isinstance(m, annotated_types.Ge):
            lower.append(f">= {_bound(m.ge)}")
        elif isinstance(m, annotated_types.Gt):
            lower.append(f"> {_bound(m.gt)}")
        elif isinstance(m, annotated_types.Le):
            upper.append(f"<= {_bound(m.le)}")
        elif isinstance(m, annotated_types.Lt):
            upper.append(f"< {_bound(m.lt)}")
    return " and ".join([*lower, *upper])


def describe(spec: FieldSpec | None) -> str | None:
    """What a value of this field must be, in words (``"a number >= 0 (cases/day)"``)."""
    if spec is None:
        return None
    tp, nullable = _strip(spec.annotation)
    tail = f" ({spec.unit})" if spec.unit else ""
    bounds = _range_text(spec)
    text: str | None
    if tp is bool:
        text = "true or false"
    elif tp in (int, float):
        kind = "a whole number" if tp is int else "a number"
        text = f"{kind} {bounds}".strip() + tail
    elif tp is str:
        text = "text"
    elif tp is dt.date:
        text = "a date written YYYY-MM-DD, such as 2024-10-01"
        if bounds:
            text += f", {bounds}"
    elif literal_options(tp):
        text = "one of " + ", ".join(repr(a) for a in literal_options(tp))
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

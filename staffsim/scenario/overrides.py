"""Overrides: changing any field of a scenario by its dotted key path.

An override is a key path, a value and where it was given (its *source*): the
``overrides`` argument of :func:`staffsim.load_scenario`, one of its keywords, a sweep's
``vary``, or on the command line ``--set``. Problems in an overridden value name that
source, as problems in a file name the file and line. A plain mapping of key paths to values
is taken as overrides from :data:`OVERRIDES_SOURCE`.

On the command line, ``--set key.path=value`` gives one.

The value is read as a YAML value, so numbers, ``true``/``false``, dates, lists and
mappings are written as they would be in a file::

    --set caseload.target_per_fte=18
    --set agency.cover_vacancies=false
    --set 'recruitment.campaign_days={dist: fixed, days: 30}'

A value replaces whatever the file had at that key path (a mapping is not merged into the
file's mapping, so a distribution can change kind). An override goes through the same
validation as the file; its problems name the key path and say where they came from.
A value containing ``: `` must be quoted (``--set 'description="a: b"'``), as in YAML.

:func:`check_key_path` also checks the key paths of policies' ``set`` before any value is
applied, so that a misspelt path gets a did-you-mean for the whole path.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from pydantic import BaseModel

from staffsim.scenario.errors import Origin, Problem, ScenarioError, format_path
from staffsim.scenario.paths import set_path, split_path
from staffsim.scenario.schema_walk import known_keys, lookup, walk
from staffsim.scenario.yaml_io import parse_value

__all__ = [
    "OVERRIDES_SOURCE",
    "SET_SOURCE",
    "Override",
    "Overrides",
    "as_overrides",
    "check_key_path",
    "check_override_path",
    "keyword_overrides",
    "override_data",
    "parse_set",
    "parse_sets",
]

OVERRIDES_SOURCE = "overrides"
"""The source of overrides given as a plain mapping (the ``overrides`` parameter)."""

SET_SOURCE = "--set"
"""The source of a value that came from the command line's ``--set``."""


@dataclass(frozen=True)
class Override:
    """``path`` (dotted) set to ``value``; ``source`` says where it was given."""

    path: str
    value: Any
    source: str = OVERRIDES_SOURCE


Overrides: TypeAlias = "Mapping[str, Any] | Iterable[Override]"
"""Overrides as a mapping of key paths to values, or as :class:`Override` items."""


def as_overrides(overrides: Overrides | None, source: str = OVERRIDES_SOURCE) -> list[Override]:
    """Overrides as a list of :class:`Override`; a mapping's come from ``source``."""
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        return [Override(str(path), value, source) for path, value in overrides.items()]
    return list(overrides)


def keyword_overrides(keywords: Mapping[str, Any]) -> list[Override]:
    """Keyword arguments as overrides, ``__`` standing for the dot
    (``caseload__target_per_fte=18``); each names its keyword as its source."""
    return [
        Override(key.replace("__", "."), value, f"keyword {key}") for key, value in keywords.items()
    ]


def parse_set(text: str) -> tuple[str, Any]:
    """``"caseload.target_per_fte=18"`` -> ``("caseload.target_per_fte", 18)``.

    Raises :class:`ScenarioError` for text that is not ``key.path=value``, an empty
    value (write ``null`` for an empty one) or a value that is not valid YAML.
    """
    source = f"{SET_SOURCE} {text}"
    path, sep, raw = text.partition("=")
    path, raw = path.strip(), raw.strip()
    if not sep:
        raise ScenarioError(
            [Problem(source, "", "key.path=value, such as caseload.target_per_fte=18", text)],
            source,
        )
    try:
        split_path(path)
    except ValueError:
        raise ScenarioError(
            [Problem(source, path, "a dotted key path such as caseload.target_per_fte", path)],
            source,
        ) from None
    if not raw:
        raise ScenarioError(
            [Problem(source, path, "a value after '=' (write null for an empty value)", "")],
            source,
        )
    return path, parse_value(raw, source)


def parse_sets(texts: Iterable[str]) -> dict[str, Any]:
    """Several ``key.path=value`` texts as one mapping; a later one for a path wins. All
    malformed texts are reported together."""
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for text in texts:
        try:
            path, value = parse_set(text)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        out.pop(path, None)  # keep the order in which they take effect
        out[path] = value
    if problems:
        raise ScenarioError(problems, SET_SOURCE)
    return out


def check_key_path(
    parts: Sequence[str], data: Any = None, root: type[BaseModel] | None = None
) -> tuple[int, list[str] | None, str | None] | None:
    """None if ``parts`` names a place in the schema; else (index of the first bad part,
    the keys allowed there, a suggested corrected path or None)."""
    for i in range(len(parts)):
        if lookup(parts[: i + 1], data, root) is None:
            parent = lookup(parts[:i], data, root)
            allowed = known_keys(parent.annotation, walk(data, parts[:i])) if parent else None
            fixed = _suggest_path(parts, i, allowed, data, root)
            return i, allowed, fixed
    return None


def _suggest_path(
    parts: Sequence[str],
    i: int,
    allowed: list[str] | None,
    data: Any,
    root: type[BaseModel] | None,
) -> str | None:
    """Correct the first unknown key and as many after it as can be corrected."""
    parts = list(parts)
    while i < len(parts):
        parent = lookup(parts[:i], data, root)
        keys = known_keys(parent.annotation, walk(data, parts[:i])) if parent else None
        if i > 0 and keys is None:
            break
        keys = allowed if keys is None else keys
        matches = difflib.get_close_matches(parts[i], keys or [], n=1, cutoff=0.6)
        if not matches:
            return None
        parts[i] = matches[0]
        bad = next(
            (j for j in range(i, len(parts)) if lookup(parts[: j + 1], data, root) is None), None
        )
        if bad is None:
            return ".".join(parts)
        i = bad
    return None


def check_override_path(
    path: str, value: Any, data: Any, source: str = OVERRIDES_SOURCE
) -> Problem | None:
    """A problem if ``path`` names no field of a scenario (with a did-you-mean), else None.

    ``data`` is the scenario being overridden; it decides which keys a distribution has.
    ``source`` is where the override was given.
    """
    if not isinstance(path, str):
        expected = "a dotted key path such as caseload.target_per_fte"
        return Problem(source, str(path), expected, value)
    try:
        parts = split_path(path)
    except ValueError:
        return Problem(source, path, "a dotted key path such as caseload.target_per_fte", value)
    if parts[0] == "schema_version":  # the format the file is written in, not a setting
        return Problem(source, path, "a scenario field; schema_version is the file's format", value)
    bad = check_key_path(parts, data)
    if bad is None:
        return None
    index, allowed, fixed = bad
    where = format_path(parts[:index]) or "the top level"
    expected = f"a known key of {where}" + (": " + ", ".join(allowed) if allowed else "")
    suggestion = f"did you mean {fixed!r}?" if fixed else None
    return Problem(source, path, expected, value, suggestion)


def _exists(data: Any, key: tuple[str, ...]) -> bool:
    for part in key:
        if not isinstance(data, Mapping) or part not in data:
            return False
        data = data[part]
    return True


def override_data(
    data: dict[str, Any],
    overrides: Overrides,
    origins: dict[tuple[Any, ...], Origin] | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """Raw scenario ``data`` with each override applied in order, and the problems of
    overrides whose key path is unknown (those are not applied, so that each mistake is
    reported once). Validation is the caller's.

    ``origins`` (key path -> where the value was written) is updated in place: an
    overridden value and everything under it now come from the override's source.
    """
    problems: list[Problem] = []
    for override in as_overrides(overrides):
        path, value, source = override.path, override.value, override.source
        problem = check_override_path(path, value, data, source)
        if problem is not None:
            problems.append(problem)
            continue
        key = tuple(split_path(path))
        created = next((n for n in range(1, len(key)) if not _exists(data, key[:n])), len(key))
        data = set_path(data, path, value)
        if origins is not None:
            for stale in [k for k in origins if k[: len(key)] == key]:
                del origins[stale]
            # Mappings the override creates come from it too (a new case type, say).
            for n in range(created, len(key) + 1):
                origins[key[:n]] = Origin(source, None, None)
    return data, problems

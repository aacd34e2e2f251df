"""What a report says about its scenarios: the assumptions and sources written in the
scenario files, and what differs between the scenarios compared.

Scenario files note each value's source or mark it an assumption in a comment on its line
(``agency_day_rate_gbp: 307  # SOURCES.md: ...``) or in the comment lines just above it.
:func:`file_assumptions` reads those notes back, file by file along the ``extends`` chain,
so a report's list of assumptions is generated from the files, never copied by hand.
:func:`scenario_differences` compares resolved scenarios (as saved in the manifests).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from staffsim.scenario.errors import format_path
from staffsim.scenario.loader import EXTENDS_KEY
from staffsim.scenario.yaml_io import load_yaml_file

__all__ = [
    "Assumption",
    "PolicyText",
    "ScenarioFile",
    "file_assumptions",
    "policy_text",
    "scenario_differences",
]

_NOT_COMPARED = frozenset({"name", "description", "policies", "schema_version"})


@dataclass(frozen=True)
class Assumption:
    """One value a scenario file sets, with the note written beside it."""

    key: str
    value: str
    note: str


@dataclass(frozen=True)
class ScenarioFile:
    """A scenario file's header comment and the values it sets."""

    path: str
    header: str
    assumptions: tuple[Assumption, ...]


def _comment(line: str) -> str:
    """The comment on a YAML line (after a ``#`` that follows a space or starts it)."""
    if line.lstrip().startswith("#"):
        return line.lstrip()[1:].strip()
    at = line.find(" #")
    return line[at + 2 :].strip() if at >= 0 else ""


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """Key paths of the values a file sets (a distribution or a policy's ``set`` entry is
    one value)."""
    if isinstance(data, Mapping) and data and "dist" not in data:
        out = []
        for key, value in data.items():
            out.extend(_leaves(value, (*path, key)))
        return out
    if isinstance(data, list) and data and all(isinstance(v, Mapping) for v in data):
        out = []
        for i, value in enumerate(data):
            out.extend(_leaves(value, (*path, i)))
        return out
    return [(path, data)]


def _value_text(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_value_text(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _header(lines: list[str]) -> str:
    out = []
    for line in lines:
        if not line.startswith("#"):
            break
        out.append(line[1:].strip())
    return " ".join(out)


def file_assumptions(path: str | Path) -> list[ScenarioFile]:
    """The values ``path`` and every file it extends set, with their notes, the file
    extended first."""
    files: list[ScenarioFile] = []
    current: Path | None = Path(path)
    seen: set[Path] = set()
    while current is not None and current.resolve() not in seen:
        seen.add(current.resolve())
        doc = load_yaml_file(current)
        lines = current.read_text(encoding="utf-8").splitlines()
        rows = []
        data = doc.data if isinstance(doc.data, Mapping) else {}
        for key_path, value in _leaves({k: v for k, v in data.items() if k != EXTENDS_KEY}):
            line_no = doc.locations.get(key_path, (0, 0))[0]
            note = _comment(lines[line_no - 1]) if line_no else ""
            if not note and line_no:
                above: list[str] = []
                i = line_no - 2
                while i >= 0 and lines[i].lstrip().startswith("#"):
                    above.insert(0, _comment(lines[i]))
                    i -= 1
                note = " ".join(above) if i >= 0 and above and line_no > 1 else ""
            rows.append(Assumption(format_path(key_path), _value_text(value), note))
        files.insert(0, ScenarioFile(str(current), _header(lines), tuple(rows)))
        parent = data.get(EXTENDS_KEY)
        current = current.parent / parent if isinstance(parent, str) else None
    return files


@dataclass(frozen=True)
class PolicyText:
    """A dated policy in words."""

    name: str
    date: str
    changes: str
    one_off_gbp: float
    per_year_gbp: float


def policy_text(scenario: Mapping[str, Any]) -> list[PolicyText]:
    """The policies of a resolved scenario."""
    out = []
    for policy in scenario.get("policies", []):
        changes = "; ".join(f"{k} = {_value_text(v)}" for k, v in policy.get("set", {}).items())
        out.append(
            PolicyText(
                str(policy.get("name", "")),
                str(policy.get("date", "")),
                changes,
                float(policy.get("cost_gbp_one_off", 0.0) or 0.0),
                float(policy.get("cost_gbp_per_year", 0.0) or 0.0),
            )
        )
    return out


def _flat(data: Any, path: tuple[Any, ...] = ()) -> dict[str, Any]:
    if isinstance(data, Mapping) and "dist" not in data:
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(_flat(value, (*path, key)))
        return out
    return {format_path(path): data}


def scenario_differences(
    base: Mapping[str, Any], option: Mapping[str, Any]
) -> tuple[list[tuple[str, str, str]], list[PolicyText]]:
    """What differs from ``base`` in ``option`` (resolved scenarios): the values at the
    start (key path, base value, option value) and the option's policies that the base does
    not have."""
    a = _flat({k: v for k, v in base.items() if k not in _NOT_COMPARED})
    b = _flat({k: v for k, v in option.items() if k not in _NOT_COMPARED})
    values = [
        (key, _value_text(a.get(key, "-")), _value_text(b.get(key, "-")))
        for key in dict.fromkeys([*a, *b])
        if a.get(key) != b.get(key)
    ]
    base_policies = {(p.name, p.date, p.changes) for p in policy_text(base)}
    policies = [p for p in policy_text(option) if (p.name, p.date, p.changes) not in base_policies]
    return values, policies

"""The scenario file reference (``docs/scenario-reference.md``), generated from the schema.

Every key path, its type, unit, default, allowed range and description come from
``Scenario.model_json_schema()`` and the defaults of ``Scenario()``, so the reference
cannot drift from the code: a test compares the committed file with what this module
writes. Regenerate it after changing the schema::

    python -m staffsim.scenario.reference > docs/scenario-reference.md
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from staffsim.scenario.loader import EXTENDS_KEY, FIXED_FOR_A_RUN
from staffsim.scenario.schema import SCHEMA_VERSION, Scenario
from staffsim.scenario.yaml_io import MAX_NODES

__all__ = ["reference_markdown", "write_reference"]

_LONG = 60
"""Defaults longer than this many characters are shown as YAML below their table."""


def _text(description: str | None) -> str:
    """A schema description as one line of Markdown for a table cell."""
    text = description or ""
    text = re.sub(r":\w+:`~?([^`]+)`", r"`\1`", text)  # Sphinx roles -> code
    text = text.replace("``", "`").replace("|", "\\|")
    return " ".join(text.split())


def _flow(value: Any) -> str:
    """A value in YAML flow style: ``{dist: fixed, days: 30}``, ``[[0.6, 0.85], ...]``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"' if value == "" or ":" in value or "," in value else value
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return repr(value)


def _block(value: Mapping[str, Any], indent: int = 0) -> list[str]:
    """A mapping as block-style YAML lines (leaves in flow style)."""
    lines = []
    for key, item in value.items():
        if isinstance(item, Mapping) and "dist" not in item:
            lines.append(" " * indent + f"{key}:")
            lines.extend(_block(item, indent + 2))
        else:
            lines.append(" " * indent + f"{key}: {_flow(item)}")
    return lines


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"


def _range(schema: Mapping[str, Any]) -> str:
    """``>= 0, <= 1`` from a property's bounds; sizes for lists, maps and text."""
    parts = []
    for key, sign in (("minimum", ">="), ("exclusiveMinimum", ">")):
        if key in schema:
            parts.append(f"{sign} {_number(schema[key])}")
    for key, sign in (("maximum", "<="), ("exclusiveMaximum", "<")):
        if key in schema:
            parts.append(f"{sign} {_number(schema[key])}")
    if schema.get("minLength"):
        parts.append("not empty")
    for key in ("minItems", "minProperties"):
        if schema.get(key):
            parts.append(f"at least {schema[key]}")
    return ", ".join(parts)


class _Reference:
    """Walks the JSON Schema and collects table rows, sections, distributions, effects."""

    def __init__(self) -> None:
        self.schema = Scenario.model_json_schema()
        self.defs: dict[str, Any] = self.schema["$defs"]
        self.defaults = Scenario().model_dump(mode="json")
        self.effects: list[tuple[str, str, Any]] = []
        self.distributions: dict[str, Any] = {}
        self.long_defaults: list[tuple[str, Any]] = []

    def resolve(self, schema: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
        """The schema with a ``$ref`` followed (local keys win), and the def's name."""
        ref = schema.get("$ref")
        if ref is None:
            return dict(schema), None
        name = ref.rsplit("/", 1)[-1]
        return {**self.defs[name], **{k: v for k, v in schema.items() if k != "$ref"}}, name

    def kind(self, schema: Mapping[str, Any]) -> str:
        """The type of a value in words."""
        schema, name = self.resolve(schema)
        if "discriminator" in schema:
            for option in schema.get("oneOf", []):
                ref = option["$ref"].rsplit("/", 1)[-1]
                self.distributions.setdefault(ref, self.defs[ref])
            return "[distribution](#distributions)"
        if name == "Effect":
            return "[effect](#effect-curves)"
        if "anyOf" in schema:
            kinds = [self.kind(s) for s in schema["anyOf"] if s.get("type") != "null"]
            nullable = any(s.get("type") == "null" for s in schema["anyOf"])
            return " or ".join(kinds) + (" or null" if nullable else "")
        if "const" in schema:
            return f"`{schema['const']}`"
        if "enum" in schema:
            return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
        kind = schema.get("type")
        if kind == "object":
            if "propertyNames" in schema:
                keys = ", ".join(f"`{k}`" for k in schema["propertyNames"].get("enum", []))
                return f"mapping of {keys} to {self.kind(schema['additionalProperties'])}"
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                ref = extra.get("$ref", "")
                words = re.sub(r"(?<!^)([A-Z])", r" \1", ref.rsplit("/", 1)[-1]).lower()
                inner = f"{words}s" if ref else self.kind(extra)
                return f"mapping of names to {inner}"
            return "mapping"
        if kind == "array":
            items = schema.get("items", {})
            if "prefixItems" in items:
                inner = "[" + ", ".join(self.kind(s) for s in items["prefixItems"]) + "]"
                return f"list of {inner}"
            return f"list of {self.kind(items)}" if items else "list"
        kind_name = str(kind)
        return {
            "number": "number",
            "integer": "whole number",
            "boolean": "true/false",
            "string": "date (YYYY-MM-DD)" if schema.get("format") == "date" else "text",
            "null": "null",
        }.get(kind_name, kind_name)

    def default(self, path: list[str], schema: Mapping[str, Any], required: bool) -> str:
        """The default at ``path`` as a table cell (long ones are listed below the table)."""
        node: Any = self.defaults
        for key in path:
            if not isinstance(node, Mapping) or key not in node:
                node = _NONE
                break
            node = node[key]
        if node is _NONE:
            if "default" in schema:
                node = schema["default"]
            else:
                return "required" if required else ""
        text = _flow(node)
        if len(text) > _LONG and isinstance(node, Mapping):
            self.long_defaults.append((".".join(path), node))
            return "see below"
        return f"`{text}`"

    def rows(
        self, prefix: str, path: list[str] | None, schema: Mapping[str, Any]
    ) -> list[list[str]]:
        """Table rows for the properties of an object schema, nested sections inline.

        ``path`` is the path into the defaults (None inside a mapping of names, where
        each entry's own schema defaults apply).
        """
        schema, _ = self.resolve(schema)
        required = set(schema.get("required", []))
        out: list[list[str]] = []
        for key, prop in schema.get("properties", {}).items():
            full = f"{prefix}.{key}" if prefix else key
            sub = None if path is None else [*path, key]
            resolved, name = self.resolve(prop)
            if name == "Effect":
                self.effects.append((full, _text(resolved.get("description")), sub))
                continue
            if "properties" in resolved and "discriminator" not in resolved:
                out.extend(self.rows(full, sub, resolved))
                continue
            default = self.default(sub, resolved, key in required) if sub else ""
            if sub is None:
                default = "required" if key in required else f"`{_flow(resolved.get('default'))}`"
            out.append(
                [
                    f"`{full}`",
                    self.kind(prop),
                    resolved.get("unit", ""),
                    default,
                    _range(resolved),
                    _text(resolved.get("description")),
                ]
            )
            extra = resolved.get("additionalProperties")
            if isinstance(extra, dict) and "$ref" in extra:
                out.extend(self.rows(f"{full}.<name>", None, extra))
        return out


_NONE = object()

_HEADER = ["Key", "Type", "Unit", "Default", "Allowed", "Description"]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def reference_markdown() -> str:
    """The whole reference as Markdown."""
    ref = _Reference()
    top = ref.schema
    fixed = ", ".join(f"`{k}`" for k in sorted(FIXED_FOR_A_RUN))
    out: list[str] = [
        "# Scenario file reference",
        "",
        "<!-- Generated from the schema by `python -m staffsim.scenario.reference"
        " > docs/scenario-reference.md`; do not edit by hand. -->",
        "",
        "A scenario file is YAML describing one children's social work service and what "
        "happens to it. Every key is optional unless marked *required*; a key left out takes "
        "the default below. Rates and shares are fractions (0.12 means 12%), durations are "
        "days unless the key says years, money is pounds sterling (GBP).",
        "",
        f"This staffsim reads scenario format (`schema_version`) {SCHEMA_VERSION}.",
        "",
        "## Reading a file",
        "",
        "- **Unknown keys are errors**, with a did-you-mean for a misspelt key. Every problem in "
        "a file is reported at once, with the file, line, key path, value and what was "
        "expected; `staffsim validate FILE...` checks files without running anything.",
        f"- **`{EXTENDS_KEY}: other.yaml`** inherits another scenario (the path is relative to "
        "the file; chains are allowed, cycles and missing files are errors). Mappings merge key "
        "by key at every depth; a distribution whose `dist` differs from the parent's replaces "
        "it whole; lists and plain values replace the parent's; `policies` add up, the "
        "parent's first, then the child's (so policy indices in messages count the parent's "
        "first); a child that does not set `name` is named after its file.",
        "- **`--set key.path=value`** on the command line overrides any field, e.g. "
        "`--set caseload.target_per_fte=18` or `--set 'recruitment.campaign_days={dist: fixed, "
        "days: 30}'`. The value is YAML and replaces the value at that path whole; it is "
        "checked like the file.",
        "- **`schema_version`**: a file without it is read as the current format; a file "
        "written for an older format is migrated, and one written for a newer staffsim is "
        "refused with a message to upgrade.",
        "- **Safety**: plain YAML data only (mappings, lists, text, numbers, true/false, null, "
        "dates); tags such as `!!python/object` are refused before anything is read, a key "
        f"repeated in a mapping is an error, and a document that expands to more than "
        f"{MAX_NODES:,} values through aliases is refused.",
        "- **Policies** (`policies:`) are dated changes: from `date` on, each key path in "
        "`set` takes its new value, e.g. `set: {caseload.target_per_fte: 18}`. The scenario after "
        "each date is validated like a file, so a policy can never make the model run with "
        f"values a file could not hold. A policy cannot change {fixed}.",
        "",
        "## Top level",
        "",
    ]
    top_rows: list[list[str]] = [
        [
            f"`{EXTENDS_KEY}`",
            "text",
            "",
            "",
            "",
            "Path (relative to this file) of a scenario file this one inherits from.",
        ]
    ]
    sections: list[tuple[str, dict[str, Any]]] = []
    for key, prop in top["properties"].items():
        resolved, name = ref.resolve(prop)
        if (name and "properties" in resolved) or key == "policies":
            sections.append((key, resolved))
        else:
            top_rows.extend(ref.rows("", [], {"properties": {key: prop}}))
    out += _table(_HEADER, top_rows)
    for key, section in sections:
        out += ["", f"## `{key}`", ""]
        if key == "policies":
            policy, _ = ref.resolve(section["items"])
            out += [_text(section.get("description")) + " " + _text(policy.get("description")), ""]
            rows = ref.rows("policies[]", None, policy)
            out += _table(_HEADER, rows)
            continue
        out += [_text(section.get("description")), ""]
        ref.long_defaults = []
        rows = ref.rows(key, [key], section)
        if rows:
            out += _table(_HEADER, rows)
        else:
            out += ["See [Effect curves](#effect-curves)."]
        for path, value in ref.long_defaults:
            out += ["", f"Default of `{path}`:", "", "```yaml", *_block(value), "```"]
    out += _distributions(ref)
    out += _effects(ref)
    return "\n".join(out) + "\n"


def _distributions(ref: _Reference) -> list[str]:
    out = [
        "",
        "## Distributions",
        "",
        "A key of type *distribution* takes a mapping naming the distribution with `dist` "
        "and giving its parameters, e.g. `{dist: lognormal, mean_days: 200, sd_days: 120}`. "
        "Every duration is in days.",
        "",
    ]
    rows = []
    for schema in ref.distributions.values():
        tag = schema["properties"]["dist"].get("const", "")
        params = [k for k in schema["properties"] if k != "dist"]
        for i, param in enumerate(params):
            prop = schema["properties"][param]
            rows.append(
                [
                    f"`{tag}`" if i == 0 else "",
                    _text(schema.get("description")) if i == 0 else "",
                    f"`{param}`",
                    prop.get("unit", ""),
                    _range(prop),
                    _text(prop.get("description")),
                ]
            )
    out += _table(["dist", "Meaning", "Parameter", "Unit", "Allowed", "Description"], rows)
    return out


def _effects(ref: _Reference) -> list[str]:
    effect = ref.defs.get("Effect", {})
    out = [
        "",
        "## Effect curves",
        "",
        "An *effect* is a feedback curve: it maps an input (pressure, tenure, pay relative to "
        "the market, ...) to a multiplier on a rate, by linear interpolation between its "
        "points and flat beyond the first and last. Switching one off makes its multiplier "
        "exactly 1, so each loop of the model can be tested apart. An effect is a mapping:",
        "",
    ]
    rows = ref.rows("", None, effect)
    out += _table(_HEADER, [[r[0].replace("`", "`<effect>.", 1), *r[1:]] for r in rows])
    out += ["", "The effects and their default curves:", ""]
    rows = []
    for path, description, defaults_path in ref.effects:
        node: Any = ref.defaults
        for key in defaults_path or []:
            node = node.get(key, {}) if isinstance(node, Mapping) else {}
        points = ", ".join(f"({x:g}, {y:g})" for x, y in node.get("points", []))
        switched = "" if node.get("enabled", True) else " (off)"
        rows.append([f"`{path}`", description, points + switched, _text(node.get("source", ""))])
    out += _table(["Key", "Input -> multiplier", "Default points", "Source"], rows)
    return out


def write_reference(path: str | Path) -> None:
    """Write the reference to ``path``."""
    Path(path).write_text(reference_markdown(), encoding="utf-8")


if __name__ == "__main__":
    sys.stdout.write(reference_markdown())

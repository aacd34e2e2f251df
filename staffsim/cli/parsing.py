"""Reading the command line's own value syntax, and speaking its language in errors.

``--vary KEY.PATH=V1,V2,...`` (and ``--lever``) is parsed here into a key path and a list
of values; the experiment layer takes the parsed values. The library reports bad values in
Python terms (the parameter ``replications``, the source ``vary``); :func:`message` shows an
error in the command line's terms, naming the flag instead (:data:`FLAGS`).
"""

from __future__ import annotations

import json
from typing import Any

from staffsim.errors import StaffsimError, UserError
from staffsim.scenario.errors import ScenarioError
from staffsim.scenario.paths import split_path
from staffsim.scenario.yaml_io import parse_value

__all__ = ["FLAGS", "message", "parse_vary"]

FLAGS = {
    "overrides": "--set",
    "vary": "--vary",
    "lever": "--lever",
    "years": "--years",
    "seed": "--seed",
    "replications": "--replications",
    "jobs": "--jobs",
    "precision": "--precision",
    "max_replications": "--max-replications",
    "scheduler": "--scheduler",
    "backend": "--backend",
    "out": "--out",
}
"""Parameter names and value sources of the library -> the flags that give them."""


def message(exc: StaffsimError) -> str:
    """The error's message in the command line's terms."""
    if isinstance(exc, UserError):
        return exc.for_command_line(FLAGS)
    return str(exc)


def parse_vary(text: str, flag: str = "--vary") -> tuple[str, list[Any]]:
    """``"key.path=v1,v2,..."`` -> ``(key path, [v1, v2, ...])``.

    The values are read as a YAML flow sequence (safely, as a scenario file is), so numbers,
    ``true``/``false``, dates and quoted strings mean what they mean in a scenario file,
    and a value holding a comma can be written in brackets or quotes. Raises
    :class:`UserError` naming ``flag`` for anything else.
    """
    path, sep, values = text.partition("=")
    path = path.strip()
    example = "expected KEY.PATH=V1,V2,... such as caseload.target_per_fte=16,18,20"
    if not sep or not path or not values.strip():
        raise UserError(f"{flag} {text!r}: {example}")
    try:
        split_path(path)
    except ValueError as exc:
        raise UserError(f"{flag} {text!r}: {exc}") from None
    try:
        parsed = parse_value(f"[{values}]", flag)
    except ScenarioError:
        raise UserError(f"{flag} {text!r}: cannot read the values; {example}") from None
    if not isinstance(parsed, list) or not parsed or any(v is None for v in parsed):
        raise UserError(f"{flag} {text!r}: an empty value; {example}")
    if len({json.dumps(v, sort_keys=True, default=str) for v in parsed}) != len(parsed):
        raise UserError(f"{flag} {text!r}: a value is repeated")
    return path, parsed

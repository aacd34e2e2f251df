"""``staffsim schema``: the JSON Schema of a scenario file, for editors.

Point an editor's YAML support at it (for example a ``# yaml-language-server:
$schema=scenario.schema.json`` first line) to get completion, descriptions and checking of
keys and ranges while writing a scenario.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from staffsim.errors import UserError
from staffsim.scenario.loader import file_json_schema

__all__ = ["register", "run_schema", "write_atomically"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``schema`` subcommand."""
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of a scenario file",
        description="Print the JSON Schema of a scenario file (for editors' completion).",
    )
    parser.add_argument("--out", metavar="FILE", help="write it to FILE instead of stdout")
    parser.set_defaults(handler=run_schema)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new, never half.

    The text goes to a temporary file in the same directory, then replaces ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_schema(args: argparse.Namespace) -> int:
    """Print or write the schema."""
    text = json.dumps(file_json_schema(), indent=2, sort_keys=False) + "\n"
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        write_atomically(Path(args.out), text)
    except OSError as exc:
        raise UserError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    print(f"wrote {args.out}", file=sys.stderr)
    return 0

"""Change values in a scenario file's text, keeping its comments and layout.

A calibrated scenario is its source file with the fitted values changed, each with a
comment saying how it was fitted: the rest of the file (every value's source comment, the
order, the policies) stays as its author wrote it. This edits text, not parsed YAML, for
the one layout scenario files use for a scalar in a section::

    section:
      # comment lines about the key (replaced)
      key: value  # an end-of-line comment (dropped)

A key missing from its section is added at the section's start; a section missing from the
file is added at its end (a file that ``extends`` another then overrides the inherited
value). A key whose value is not a scalar on its own line is refused.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence

from staffsim.errors import UserError

__all__ = ["comment_block", "set_values"]

WIDTH = 100


def comment_block(text: str, indent: int, width: int = WIDTH) -> list[str]:
    """``text`` as ``#`` comment lines at ``indent`` spaces, wrapped at ``width``."""
    pad = " " * indent
    return textwrap.wrap(
        text,
        width,
        initial_indent=f"{pad}# ",
        subsequent_indent=f"{pad}#   ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def _section_span(lines: Sequence[str], section: str) -> tuple[int, int] | None:
    """(header line, end line exclusive) of a top-level ``section:`` block."""
    header = re.compile(rf"^{re.escape(section)}:\s*(#.*)?$")
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() and not line.startswith((" ", "#")):
            break
        end += 1
    while end > start + 1 and not lines[end - 1].strip():  # trailing blank lines
        end -= 1
    return start, end


def _format(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 6))
    return str(value)


def set_values(text: str, values: Mapping[str, tuple[object, str]], source: str) -> str:
    """``text`` with each ``section.key`` in ``values`` set to its value, the comment lines
    just above it replaced by its comment. ``source`` names the file in errors."""
    lines = text.splitlines()
    for dotted, (value, comment) in values.items():
        section, _, key = dotted.partition(".")
        if not key or "." in key:
            raise ValueError(f"{dotted!r}: expected section.key")
        span = _section_span(lines, section)
        new_value = f"  {key}: {_format(value)}"
        new_comment = comment_block(comment, 2)
        if span is None:
            if lines and lines[-1].strip():
                lines.append("")
            lines += [f"{section}:", *new_comment, new_value]
            continue
        start, end = span
        pattern = re.compile(rf"^  {re.escape(key)}:(\s*)(?P<rest>.*)$")
        at = next((i for i in range(start + 1, end) if pattern.match(lines[i])), None)
        if at is None:
            lines[start + 1 : start + 1] = [*new_comment, new_value]
            continue
        rest = pattern.match(lines[at])
        value_text = rest.group("rest").split("#", 1)[0].strip() if rest else ""
        if not value_text or value_text.startswith(("{", "[", "|", ">")):
            raise UserError(
                f"{source}: {dotted} is not a plain number on its own line; write it as "
                f"'{key}: <number>' to calibrate it"
            )
        first = at
        while first - 1 > start and lines[first - 1].startswith("  #"):
            first -= 1
        lines[first : at + 1] = [*new_comment, new_value]
    return "\n".join(lines) + "\n"

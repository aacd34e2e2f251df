"""Safe YAML reading for scenario files and ``--set`` values.

A scenario file is plain data: mappings, lists, text, numbers, true/false, null and dates.
Reading one must never run code or exhaust memory, so this module

* refuses every tag outside that plain set (``!!python/object``, ``!!binary``, custom
  ``!tags``) before a single value is constructed: nothing in the file is ever turned
  into a Python object other than those plain values;
* reads only a regular file, refusing a device (``/dev/zero``), a named pipe (which could
  wait for ever for a writer) or a folder before reading a byte, and reads at most
  :data:`MAX_FILE_BYTES`, so a file that grows or lies about its size cannot exhaust memory;
* refuses a file holding NUL bytes (a binary file, not YAML text);
* bounds the size of the document *after* alias expansion (:data:`MAX_NODES`) and its
  nesting depth (:data:`MAX_DEPTH`), so a "billion laughs" file of nested aliases is
  refused at once, and a recursive alias too;
* refuses a mapping that repeats a key (YAML keeps the last silently, which hides a
  mistake);
* reports syntax errors with the file, line and column;
* remembers the line and column of every key, so that an error about a value can say
  where it was written.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from staffsim.scenario.errors import Problem, ScenarioError, format_path
from staffsim.scenario.schema_walk import walk

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "YamlDocument",
    "load_yaml",
    "load_yaml_file",
    "parse_value",
    "read_file_bounded",
]

MAX_NODES = 100_000
"""Most values a document may hold with every alias expanded (a full scenario has a few
hundred)."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists (a scenario nests about six deep)."""

MAX_FILE_BYTES = 2_000_000
"""Largest scenario file read (a full scenario is a few kilobytes)."""

_CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = frozenset(
    _CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge")
)
"""The tags of plain data; any other tag is refused."""

Location = tuple[int, int]
"""(line, column), both counted from 1."""


class _Loader(yaml.SafeLoader):
    """The safe loader, with dates that do not exist left as text so that validation
    reports them at their key path (PyYAML would stop at the first one)."""


def _lenient_timestamp(loader: yaml.SafeLoader, node: ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:  # 2025-13-01: let the schema say what is wrong, with the others
        return loader.construct_scalar(node)


_Loader.add_constructor(_CORE + "timestamp", _lenient_timestamp)

# YAML 1.2 reads 1e3 and 2.5E-4 as numbers; PyYAML (YAML 1.1) wants a dot and a signed
# exponent, and would read them as text that the schema then refuses.
_Loader.add_implicit_resolver(
    _CORE + "float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


@dataclass
class YamlDocument:
    """A read document: the data, where each key was written, and non-fatal problems
    (repeated keys) to report with the schema's. ``empty`` is true for a document with
    no content at all (nothing, or only comments), which reads as an empty mapping."""

    data: Any
    source: str
    locations: dict[tuple[Any, ...], Location] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    empty: bool = False


def _mark(node: Node) -> Location:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _refuse(source: str, node: Node | None, expected: str, value: Any = None) -> ScenarioError:
    line, column = _mark(node) if node is not None else (None, None)
    problem = Problem(
        file=source,
        path="",
        expected=expected,
        line=line,
        column=column,
        **({"value": value} if value is not None else {}),
    )
    return ScenarioError([problem], source)


def _children(node: Node) -> Iterator[Node]:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, SequenceNode):
        yield from node.value


def _check(root: Node, source: str) -> None:
    """Refuse unknown tags, recursive aliases and documents too large or too deep once
    aliases are expanded; counts are memoised per node, so this is linear in the text."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            total = 1 + sum(sizes[id(c)] for c in _children(node))
            if total > MAX_NODES:
                raise _refuse(
                    source,
                    node,
                    f"at most {MAX_NODES:,} values once aliases (*name) are expanded; this "
                    "document expands to more, which is refused rather than read",
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in active:
            raise _refuse(source, node, "no alias (*name) inside the value it names")
        if node.tag not in ALLOWED_TAGS:
            raise _refuse(
                source,
                node,
                "plain data only (mappings, lists, text, numbers, true/false, null, dates); "
                f"the tag {node.tag.replace(_CORE, '!!')} is not allowed in a scenario file",
            )
        if depth > MAX_DEPTH:
            raise _refuse(source, node, f"values nested at most {MAX_DEPTH} deep")
        active.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in _children(node))


def _duplicates(root: Node, source: str) -> list[Problem]:
    """A problem for each key written twice in one mapping."""
    problems: list[Problem] = []
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, MappingNode):
            first: dict[tuple[str, str], Location] = {}
            for key, _ in node.value:
                if isinstance(key, ScalarNode) and key.tag != _CORE + "merge":
                    ident = (key.tag, key.value)
                    if ident in first:
                        line, column = _mark(key)
                        problems.append(
                            Problem(
                                file=source,
                                path=key.value,
                                expected=f"each key once in a mapping; {key.value!r} was "
                                f"already given on line {first[ident][0]}",
                                line=line,
                                column=column,
                            )
                        )
                    else:
                        first[ident] = _mark(key)
        stack.extend(_children(node))
    return problems


def _locations(loader: _Loader, root: Node) -> dict[tuple[Any, ...], Location]:
    """Key path -> where it was written, for every mapping key and list item."""
    out: dict[tuple[Any, ...], Location] = {(): _mark(root)}
    stack: list[tuple[Node, tuple[Any, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if not isinstance(key, ScalarNode):
                    continue
                key_path = (*path, loader.construct_object(key))
                out[key_path] = _mark(key)
                stack.append((value, key_path))
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                item_path = (*path, i)
                out[item_path] = _mark(item)
                stack.append((item, item_path))
    return out


def _prefix_duplicates(problems: list[Problem], locations: dict, data: Any) -> list[Problem]:
    """Give each repeated key its full key path (the mark alone names only the key) and
    the value it was given the second time."""
    by_mark = {mark: path for path, mark in locations.items()}
    out = []
    for p in problems:
        path = by_mark.get((p.line, p.column))
        if path:
            p = dataclasses.replace(p, path=format_path(path), value=walk(data, path))
        out.append(p)
    return out


def load_yaml(text: str, source: str) -> YamlDocument:
    """Read YAML text safely; raise :class:`ScenarioError` naming ``source`` if it cannot
    be read. An empty document reads as an empty mapping."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ScenarioError(
            [
                Problem(
                    source,
                    "",
                    "YAML text, without NUL bytes (this looks like a binary file)",
                    line=line,
                )
            ],
            source,
        )
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        root = loader.get_single_node()
        if root is None:
            return YamlDocument({}, source, empty=True)
        _check(root, source)
        duplicates = _duplicates(root, source)
        data = loader.construct_document(root)
        locations = _locations(loader, root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        problem = Problem(
            file=source,
            path="",
            expected=f"valid YAML ({what})",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        )
        raise ScenarioError([problem], source) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(source, "", f"valid YAML ({exc})")], source) from None
    except RecursionError:
        raise _refuse(source, None, f"values nested at most {MAX_DEPTH} deep") from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. !!int abc
        raise _refuse(source, None, f"valid YAML values ({exc})") from None
    finally:
        if loader is not None:
            loader.dispose()
    return YamlDocument(data, source, locations, _prefix_duplicates(duplicates, locations, data))


def _file_problem(source: str, expected: str) -> ScenarioError:
    return ScenarioError([Problem(source, "", expected)], source)


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_file_bounded(path: str | Path, source: str, limit: int | None = None) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them (default
    :data:`MAX_FILE_BYTES`).

    The file is checked before a byte is read: it must exist and be a regular file (not a
    folder, device or named pipe); it is opened without blocking, checked again once open
    (it may have been replaced), and read with a bound, so that its size is known before
    it is held in memory. Raises :class:`ScenarioError` naming ``source``.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise _file_problem(source, "an existing file") from None
    except OSError as exc:
        raise _file_problem(source, f"a readable file ({exc.strerror})") from None
    if stat.S_ISDIR(mode):
        raise _file_problem(source, "a file, not a directory")
    if not stat.S_ISREG(mode):
        raise _file_problem(source, f"a regular file, not {_kind_of(mode)}")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _file_problem(source, f"a readable file ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(opened):
            raise _file_problem(source, f"a regular file, not {_kind_of(opened)}")
        try:
            raw = handle.read(limit + 1)
        except OSError as exc:
            raise _file_problem(source, f"a readable file ({exc.strerror})") from None
    if len(raw) > limit:
        raise _file_problem(source, f"a file of at most {limit:,} bytes")
    return raw


def load_yaml_file(path: str | Path) -> YamlDocument:
    """Read a YAML file safely (see :func:`load_yaml` and :func:`read_file_bounded`); the
    file's name is its source."""
    source = str(path)
    raw = read_file_bounded(path, source)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_problem(source, f"text encoded as UTF-8 (byte {exc.start} is not)") from None
    return load_yaml(text, source)


def parse_value(text: str, source: str = "--set") -> Any:
    """A single YAML value from the command line: ``18``, ``false``, ``2025-04-01``,
    ``{dist: fixed, days: 30}``, ``[[0, 1], [1, 2]]``; the same safety rules apply."""
    return load_yaml(text, source).data

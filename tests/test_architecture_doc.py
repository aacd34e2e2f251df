"""docs/architecture.md names only files that exist.

Every backticked path in it that starts with a top-level folder of the repository
(``staffsim/``, ``tools/``, ``tests/``, ``scripts/``, ``benchmarks/``, ``docs/``,
``scenarios/``) must exist, and so must the short paths it writes inside the package
(``model/run.py`` for ``staffsim/model/run.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
TOP = ("staffsim", "tools", "tests", "scripts", "benchmarks", "docs", "scenarios")
PACKAGE = tuple(p.name for p in (ROOT / "staffsim").iterdir() if p.is_dir() and p.name[0] != "_")
FOLDERS = "|".join(TOP + PACKAGE)
PATH = re.compile(r"(?<![\w./-])((?:" + FOLDERS + r")/[\w./-]*)")


def cited_paths(text: str) -> list[str]:
    """The paths in backticked spans of ``text``, in order, each once."""
    spans = re.findall(r"`([^`\n]+)`", text)
    found = [m.rstrip(".") for span in spans for m in PATH.findall(span)]
    return list(dict.fromkeys(found))


def resolve(path: str) -> Path:
    """A cited path from the repository root; a short package path from ``staffsim/``."""
    first = path.split("/", 1)[0]
    return ROOT / path if first in TOP else ROOT / "staffsim" / path


def test_the_pattern_finds_paths_of_each_form() -> None:
    text = "`staffsim/registry.py`, `model/run.py`, `python scripts/golden_hashes.py` and `x/y`"
    assert cited_paths(text) == ["staffsim/registry.py", "model/run.py", "scripts/golden_hashes.py"]


def test_the_document_cites_paths() -> None:
    # a pattern that stopped matching would make the next test pass on nothing
    paths = cited_paths(DOC.read_text(encoding="utf-8"))
    assert "staffsim/registry.py" in paths
    assert len(paths) > 30


@pytest.mark.parametrize("path", cited_paths(DOC.read_text(encoding="utf-8")))
def test_every_cited_path_exists(path: str) -> None:
    assert resolve(path).exists(), f"docs/architecture.md cites {path}, which does not exist"

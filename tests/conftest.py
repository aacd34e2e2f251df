"""Shared fixtures."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

SCENARIO_DATA = Path(__file__).parent / "data" / "scenarios"
"""Scenario files used as test inputs."""


@pytest.fixture
def scenario_data() -> Path:
    """The folder of test scenario files."""
    return SCENARIO_DATA


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[[str, str], Path]:
    """``write_yaml("name.yaml", text)`` writes dedented text under a temporary folder."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write

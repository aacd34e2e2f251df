"""Reading scenario files (minimal version: YAML -> validated Scenario)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from staffsim.errors import UserError
from staffsim.scenario.paths import set_path
from staffsim.scenario.schema import Scenario

__all__ = ["ScenarioError", "load_scenario"]


class ScenarioError(UserError):
    """A scenario file or override that does not validate."""


def load_scenario(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load, merge overrides into and validate the scenario file at ``path``."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    for key, value in (overrides or {}).items():
        data = set_path(data, key, value)
    try:
        return Scenario.model_validate(data)
    except Exception as exc:  # replaced by the full error reporting
        raise ScenarioError(f"{path}: {exc}") from None

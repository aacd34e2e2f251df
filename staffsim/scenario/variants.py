"""Variants of a validated scenario: the same scenario with some values changed.

:func:`override_scenario` changes fields by dotted key path and validates the result again,
exactly as a file with those values would be; :func:`with_base_seed` changes only the base
seed, so that a run's resolved scenario names the seed it used. (Changing a raw scenario
mapping before validation is :func:`staffsim.scenario.overrides.override_data`.)
"""

from __future__ import annotations

from staffsim.scenario.errors import Origin
from staffsim.scenario.overrides import (
    OVERRIDES_SOURCE,
    Override,
    Overrides,
    as_overrides,
    override_data,
)
from staffsim.scenario.schema import Scenario
from staffsim.scenario.validation import validate_data

__all__ = ["override_scenario", "with_base_seed"]


def override_scenario(
    scenario: Scenario, overrides: Overrides | None, source: str = OVERRIDES_SOURCE
) -> Scenario:
    """``scenario`` with dotted key paths set to new values, validated again like a file.

    ``overrides`` is a mapping of key paths to values (given by ``source``, the name shown
    in messages) or a list of :class:`~staffsim.scenario.overrides.Override`. Raises
    :class:`~staffsim.scenario.errors.ScenarioError` listing every problem.
    """
    changes = as_overrides(overrides, source)
    if not changes:
        return scenario
    shown = f"scenario {scenario.name!r}"
    origins: dict[tuple[object, ...], Origin] = {}
    data, problems = override_data(scenario.model_dump(mode="json"), changes, origins)
    return validate_data(data, shown, origins=origins, problems=problems)


def with_base_seed(scenario: Scenario, seed: int | None, source: str = "seed") -> Scenario:
    """``scenario`` with its base seed set to ``seed`` (unchanged if ``seed`` is None), so
    the resolved scenario in a manifest names the seed the run used."""
    if seed is None or seed == scenario.seed:
        return scenario
    return override_scenario(scenario, [Override("seed", seed, source)])

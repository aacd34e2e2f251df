"""Feedback effects as named lookup curves.

An effect maps an input (pressure, tenure in years, pay relative to the market, ...) to a
multiplier on some rate, by linear interpolation between the scenario's points and flat
beyond the first and last. ``enabled: false`` makes the multiplier exactly 1, so each
loop of the model can be switched off and tested apart.
"""

from __future__ import annotations

import itertools
from typing import Annotated

from pydantic import Field, Strict, field_validator

from staffsim.scenario.base import Section, StrictNumber

__all__ = ["MAX_INPUT", "MAX_MULTIPLIER", "Effect"]

MAX_INPUT = 1e6
"""Largest input (in size) a curve's point may have."""

MAX_MULTIPLIER = 10.0
"""Largest multiplier a curve may give: a tenfold change of a rate is already extreme (the
default curves stay within 3), and several effects multiply together."""

Point = Annotated[
    tuple[
        Annotated[StrictNumber, Field(ge=-MAX_INPUT, le=MAX_INPUT)],
        Annotated[StrictNumber, Field(ge=0, le=MAX_MULTIPLIER)],
    ],
    Strict(False),  # a list in the file
]


class Effect(Section):
    """A switchable multiplier curve: ``points`` are ``[input, multiplier]`` pairs."""

    enabled: bool = Field(True, description="False makes this effect's multiplier exactly 1.")
    points: tuple[Point, ...] = Field(
        min_length=1,
        strict=False,  # a list in the file
        description="[input, multiplier] pairs, inputs strictly increasing (each between "
        "-1e6 and 1e6), multipliers from 0 to 10; linear between points, flat outside them.",
    )
    source: str = Field("", description="Where the curve comes from, or the assumption made.")

    @field_validator("points")
    @classmethod
    def _increasing(
        cls, points: tuple[tuple[float, float], ...]
    ) -> tuple[tuple[float, float], ...]:
        xs = [x for x, _ in points]
        if any(b <= a for a, b in itertools.pairwise(xs)):
            raise ValueError(f"inputs must be strictly increasing, got {xs}")
        return points

    def __call__(self, x: float) -> float:
        """The multiplier at input ``x`` (1.0 when the effect is disabled)."""
        if not self.enabled:
            return 1.0
        pts = self.points
        x0, y0 = pts[0]
        if x <= x0:
            return y0
        # a linear scan: curves have a handful of points, and it avoids building anything
        for x1, y1 in pts[1:]:
            if x < x1:
                return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
            x0, y0 = x1, y1
        return y0

    def off(self) -> Effect:
        """A copy of this effect switched off."""
        return self.model_copy(update={"enabled": False})

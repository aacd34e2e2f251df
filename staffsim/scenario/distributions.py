"""Probability distributions of durations, declared by name and parameters.

A scenario writes ``{dist: lognormal, mean_days: 200, sd_days: 120}``. Every duration is
in days, at most :data:`MAX_DAYS` (a century); a mean or standard deviation is at least
:data:`MIN_DAYS`, so that no parameter can overflow or collapse a duration to nothing.
Each distribution knows its mean; sampling lives in :mod:`staffsim.model.sampling` so
that this layer stays free of random numbers.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from staffsim.scenario.base import Section

__all__ = [
    "MAX_DAYS",
    "MIN_DAYS",
    "Distribution",
    "Exponential",
    "Fixed",
    "Gamma",
    "Lognormal",
    "Uniform",
]

MAX_DAYS = 36_525.0
"""Longest duration a distribution's parameter may give: a century of days."""

MIN_DAYS = 0.001
"""Smallest mean or standard deviation: under two minutes."""


def _days(description: str, *, positive: bool = False) -> Any:
    """A duration parameter: ``>= 0`` (or ``>= MIN_DAYS``) and ``<= MAX_DAYS`` days."""
    lower = MIN_DAYS if positive else 0
    return Field(ge=lower, le=MAX_DAYS, description=description, json_schema_extra={"unit": "days"})


class Fixed(Section):
    """Always the same duration."""

    dist: Literal["fixed"] = "fixed"
    days: float = _days("The duration.")

    @property
    def mean(self) -> float:
        """Mean in days."""
        return self.days


class Exponential(Section):
    """Memoryless durations (constant hazard 1 / mean)."""

    dist: Literal["exponential"] = "exponential"
    mean_days: float = _days("Mean duration.", positive=True)

    @property
    def mean(self) -> float:
        """Mean in days."""
        return self.mean_days


class Lognormal(Section):
    """Right-skewed durations given by their mean and standard deviation (not log-scale)."""

    dist: Literal["lognormal"] = "lognormal"
    mean_days: float = _days("Mean duration.", positive=True)
    sd_days: float = _days("Standard deviation of the duration.", positive=True)

    @property
    def mean(self) -> float:
        """Mean in days."""
        return self.mean_days

    @property
    def log_params(self) -> tuple[float, float]:
        """(mu, sigma) of the underlying normal distribution."""
        sigma2 = math.log1p((self.sd_days / self.mean_days) ** 2)
        return math.log(self.mean_days) - sigma2 / 2, math.sqrt(sigma2)


class Gamma(Section):
    """Gamma-distributed durations given by their mean and standard deviation."""

    dist: Literal["gamma"] = "gamma"
    mean_days: float = _days("Mean duration.", positive=True)
    sd_days: float = _days("Standard deviation of the duration.", positive=True)

    @property
    def mean(self) -> float:
        """Mean in days."""
        return self.mean_days

    @property
    def shape_scale(self) -> tuple[float, float]:
        """(shape k, scale theta) with k * theta = mean and k * theta**2 = variance."""
        shape = (self.mean_days / self.sd_days) ** 2
        return shape, self.mean_days / shape


class Uniform(Section):
    """Durations spread evenly between a minimum and a maximum."""

    dist: Literal["uniform"] = "uniform"
    min_days: float = _days("Shortest duration.")
    max_days: float = _days("Longest duration.")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.max_days < self.min_days:
            raise ValueError(
                f"max_days ({self.max_days}) must be at least min_days ({self.min_days})"
            )
        return self

    @property
    def mean(self) -> float:
        """Mean in days."""
        return (self.min_days + self.max_days) / 2


Distribution = Annotated[
    Fixed | Exponential | Lognormal | Gamma | Uniform,
    Field(discriminator="dist"),
]
"""Any duration distribution; the ``dist`` key names which."""

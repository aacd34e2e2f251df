"""Drawing durations from scenario distributions, a block of draws at a time.

Two samplers per distribution: the distribution itself, and its *residual* (equilibrium)
distribution, which is what remains of a duration seen in progress at a random moment
(density S(x) / mean). Residual draws come from the length-biased distribution L (density
x f(x) / mean) times an independent U(0, 1), which has exactly that density.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from staffsim.scenario.distributions import Exponential, Fixed, Gamma, Lognormal, Uniform

__all__ = ["Dist", "Sampler", "poisson_at_least_one", "residual_sampler", "sampler"]

Dist = Fixed | Exponential | Lognormal | Gamma | Uniform
"""A scenario's duration distribution (days)."""

Draw = Callable[[int], np.ndarray]
"""``draw(n)``: ``n`` draws at once, in days."""

_BLOCK = 1024


class Sampler:
    """Scalar draws (days) from a vectorised draw function, produced in blocks."""

    __slots__ = ("_block", "_draw", "_i", "_n", "dist", "mean_days")

    def __init__(self, draw: Draw, mean_days: float) -> None:
        self._draw = draw
        self._block: list[float] = []
        self._i = 0
        self._n = 0
        self.mean_days = mean_days
        self.dist: Dist | None = None
        """The distribution drawn from, when the sampler's owner records it."""

    def __call__(self) -> float:
        """Next draw in days."""
        if self._i >= self._n:
            self._block = self._draw(_BLOCK).tolist()
            self._i = 0
            self._n = len(self._block)
        value = self._block[self._i]
        self._i += 1
        return value


def sampler(dist: Dist, rng: np.random.Generator) -> Sampler:
    """A sampler of ``dist`` drawing from ``rng``."""
    if isinstance(dist, Fixed):
        days = float(dist.days)
        return Sampler(lambda n: np.full(n, days), days)
    if isinstance(dist, Exponential):
        mean = dist.mean_days
        return Sampler(lambda n: rng.exponential(mean, n), mean)
    if isinstance(dist, Lognormal):
        mu, sigma = dist.log_params
        return Sampler(lambda n: rng.lognormal(mu, sigma, n), dist.mean_days)
    if isinstance(dist, Gamma):
        shape, scale = dist.shape_scale
        return Sampler(lambda n: rng.gamma(shape, scale, n), dist.mean_days)
    if isinstance(dist, Uniform):
        lo, hi = dist.min_days, dist.max_days
        return Sampler(lambda n: rng.uniform(lo, hi, n), dist.mean)
    raise TypeError(f"unknown distribution {dist!r}")


def residual_sampler(dist: Dist, rng: np.random.Generator) -> Sampler:
    """A sampler of the remaining duration of ``dist`` seen in progress at a random time."""
    if isinstance(dist, Fixed):
        days = float(dist.days)
        return Sampler(lambda n: days * rng.random(n), days / 2)
    if isinstance(dist, Exponential):
        mean = dist.mean_days
        return Sampler(lambda n: rng.exponential(mean, n), mean)
    if isinstance(dist, Lognormal):
        mu, sigma = dist.log_params
        second = dist.sd_days**2 + dist.mean_days**2
        return Sampler(
            lambda n: rng.lognormal(mu + sigma**2, sigma, n) * rng.random(n),
            second / (2 * dist.mean_days),
        )
    if isinstance(dist, Gamma):
        shape, scale = dist.shape_scale
        second = dist.sd_days**2 + dist.mean_days**2
        return Sampler(
            lambda n: rng.gamma(shape + 1, scale, n) * rng.random(n),
            second / (2 * dist.mean_days),
        )
    if isinstance(dist, Uniform):
        lo, hi = dist.min_days, dist.max_days
        if hi == lo:
            return Sampler(lambda n: lo * rng.random(n), lo / 2)

        def draw(n: int) -> np.ndarray:
            length = np.sqrt(lo**2 + rng.random(n) * (hi**2 - lo**2))
            return length * rng.random(n)

        second = (hi**3 - lo**3) / (3 * (hi - lo))
        return Sampler(draw, second / (2 * dist.mean))
    raise TypeError(f"unknown distribution {dist!r}")


def poisson_at_least_one(mean: float, u: float) -> bool:
    """Whether a Poisson(mean) count is at least one, given a uniform draw ``u``."""
    return u < -math.expm1(-mean)

"""Named random streams.

Every random purpose in the model ("demand.arrivals", "attrition", ...) draws from
its own NumPy generator, derived from ``(seed, replication, name)`` with
``numpy.random.SeedSequence``. A stream is identified by its *name*, not by the order
in which it was created, so

* two scenarios run with the same seed share their random numbers purpose by purpose
  (common random numbers), and
* adding a new stream leaves the draws of every other stream unchanged.

Draws are buffered in blocks because single scalar draws from NumPy cost about a
microsecond each; the buffered sequence is exactly the sequence NumPy would give for
one long vector draw, so block size never changes the numbers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np

__all__ = ["BufferedDraws", "RandomStreams", "stream_key"]

_BLOCK = 2048


def stream_key(name: str) -> tuple[int, ...]:
    """Stable 128-bit integer words for a stream name (independent of Python's hash seed)."""
    if not name:
        raise ValueError("a random stream needs a non-empty name")
    digest = hashlib.sha256(name.encode("utf-8")).digest()[:16]
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


class BufferedDraws:
    """Scalar draws from one generator, produced a block at a time.

    ``kind`` is ``"uniform"`` (on [0, 1)), ``"exponential"`` (standard, mean 1) or
    ``"normal"`` (standard).
    """

    __slots__ = ("_block", "_draw", "_i", "_n")

    def __init__(self, generator: np.random.Generator, kind: str) -> None:
        self._draw: Callable[[int], np.ndarray]
        if kind == "uniform":
            self._draw = generator.random
        elif kind == "exponential":
            self._draw = generator.standard_exponential
        elif kind == "normal":
            self._draw = generator.standard_normal
        else:
            raise ValueError(f"unknown draw kind {kind!r}")
        self._block: list[float] = []
        self._i = 0
        self._n = 0

    def __call__(self) -> float:
        """Return the next draw."""
        if self._i >= self._n:
            self._block = self._draw(_BLOCK).tolist()
            self._i = 0
            self._n = len(self._block)
        value = self._block[self._i]
        self._i += 1
        return value


class RandomStreams:
    """The random streams of one replication: ``streams["attrition"]`` is a ``Generator``.

    Parameters
    ----------
    seed:
        The experiment's base seed (a non-negative integer).
    replication:
        The replication number (0, 1, ...). Replications of different scenarios with the
        same seed and number share their streams.
    """

    def __init__(self, seed: int, replication: int) -> None:
        if seed < 0 or replication < 0:
            raise ValueError("seed and replication must be non-negative integers")
        self.seed = int(seed)
        self.replication = int(replication)
        self._generators: dict[str, np.random.Generator] = {}

    def seed_sequence(self, name: str) -> np.random.SeedSequence:
        """The SeedSequence of stream ``name``; depends only on seed, replication and name."""
        return np.random.SeedSequence(entropy=(self.seed, self.replication, *stream_key(name)))

    def __getitem__(self, name: str) -> np.random.Generator:
        generator = self._generators.get(name)
        if generator is None:
            generator = np.random.Generator(np.random.PCG64(self.seed_sequence(name)))
            self._generators[name] = generator
        return generator

    def uniform(self, name: str) -> BufferedDraws:
        """A fast scalar source of U[0, 1) draws from its own stream ``name``."""
        return BufferedDraws(self[name], "uniform")

    def exponential(self, name: str) -> BufferedDraws:
        """A fast scalar source of standard exponential draws from its own stream ``name``."""
        return BufferedDraws(self[name], "exponential")

    @property
    def names(self) -> tuple[str, ...]:
        """Names of the streams created so far (for diagnostics)."""
        return tuple(sorted(self._generators))

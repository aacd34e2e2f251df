"""Named random streams: one generator per purpose, identified by name, not by order."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from staffsim.streams import BufferedDraws, RandomStreams, stream_key

NAMES = ["attrition", "demand.arrivals", "recruitment.applicants", "agency.search"]


def draws(streams: RandomStreams, name: str, n: int = 20) -> np.ndarray:
    return streams[name].random(n)


def test_creation_order_does_not_change_any_stream():
    """Creating streams in reverse order gives every stream the same numbers."""
    forward, backward = RandomStreams(7, 0), RandomStreams(7, 0)
    for name in NAMES:
        forward[name]
    for name in reversed(NAMES):
        backward[name]
    for name in NAMES:
        np.testing.assert_array_equal(draws(forward, name), draws(backward, name))


def test_adding_a_stream_leaves_the_others_unchanged():
    """A scenario that also draws from a new stream, even in between, leaves the draws of
    the existing streams as they were."""
    plain, extended = RandomStreams(7, 0), RandomStreams(7, 0)
    first_plain = draws(plain, "attrition")
    first_extended = draws(extended, "attrition")
    extended["a.brand.new.stream"].random(1000)
    np.testing.assert_array_equal(first_plain, first_extended)
    np.testing.assert_array_equal(draws(plain, "attrition"), draws(extended, "attrition"))
    np.testing.assert_array_equal(
        draws(plain, "demand.arrivals"), draws(extended, "demand.arrivals")
    )


def test_same_seed_replication_and_name_give_the_same_draws():
    """Two separate RandomStreams objects agree stream by stream (common random numbers)."""
    a, b = RandomStreams(123, 4), RandomStreams(123, 4)
    np.testing.assert_array_equal(draws(a, "attrition", 100), draws(b, "attrition", 100))


@pytest.mark.parametrize(
    ("other_seed", "other_replication", "other_name"),
    [(123, 4, "attritions"), (123, 5, "attrition"), (124, 4, "attrition")],
)
def test_a_different_name_replication_or_seed_gives_different_draws(
    other_seed, other_replication, other_name
):
    """Changing any one of (seed, replication, name) changes the draws."""
    base = draws(RandomStreams(123, 4), "attrition", 100)
    other = draws(RandomStreams(other_seed, other_replication), other_name, 100)
    assert not np.array_equal(base, other)


def test_streams_do_not_depend_on_the_python_hash_seed():
    """The same draws in a fresh interpreter with another PYTHONHASHSEED (string hashing
    is randomised per process, so a name hashed with hash() would change)."""
    code = (
        "from staffsim.streams import RandomStreams;"
        "print(repr(RandomStreams(5, 1)['attrition'].random(3).tolist()))"
    )
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(result.stdout.strip())
    assert outputs == {repr(RandomStreams(5, 1)["attrition"].random(3).tolist())}


def test_a_stream_is_created_once_and_kept():
    """Asking twice for a name returns the same generator, continuing its sequence."""
    streams = RandomStreams(1, 0)
    assert streams["x"] is streams["x"]
    assert streams.names == ("x",)


def test_stream_keys_are_stable_and_refuse_empty_names():
    """A name maps to four 32-bit words; the empty name is refused."""
    key = stream_key("attrition")
    assert len(key) == 4 and all(0 <= w < 2**32 for w in key)
    assert key == stream_key("attrition")
    with pytest.raises(ValueError):
        stream_key("")


def test_negative_seed_or_replication_is_refused():
    """Seeds and replications are non-negative."""
    with pytest.raises(ValueError):
        RandomStreams(-1, 0)
    with pytest.raises(ValueError):
        RandomStreams(0, -1)


@pytest.mark.parametrize(
    ("kind", "vector"),
    [
        ("uniform", lambda g, n: g.random(n)),
        ("exponential", lambda g, n: g.standard_exponential(n)),
        ("normal", lambda g, n: g.standard_normal(n)),
    ],
)
def test_buffered_draws_equal_one_long_vector_draw(kind, vector):
    """5000 scalar draws (across three blocks) are exactly the first 5000 numbers of a
    single vector draw from an identical generator."""
    n = 5000
    buffered = BufferedDraws(np.random.Generator(np.random.PCG64(99)), kind)
    scalars = [buffered() for _ in range(n)]
    expected = vector(np.random.Generator(np.random.PCG64(99)), n)
    assert scalars == expected.tolist()


def test_buffered_sources_of_random_streams_use_their_named_stream():
    """streams.uniform(name) gives the numbers of that stream's generator."""
    scalars = [RandomStreams(3, 2).uniform("demand.arrivals")() for _ in range(1)]
    assert scalars[0] == RandomStreams(3, 2)["demand.arrivals"].random(1)[0]
    exp = RandomStreams(3, 2).exponential("attrition")
    assert exp() == RandomStreams(3, 2)["attrition"].standard_exponential(1)[0]


def test_an_unknown_draw_kind_is_refused():
    """Only uniform, exponential and normal draws are buffered."""
    with pytest.raises(ValueError):
        BufferedDraws(np.random.default_rng(0), "poisson")

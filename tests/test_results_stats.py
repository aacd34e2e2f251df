"""Statistics over replications: t intervals, paired differences, the replication rule."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from staffsim.results import stats

samples = st.lists(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
    min_size=2,
    max_size=40,
).filter(lambda xs: np.std(xs) > 1e-6 * (1 + max(abs(x) for x in xs)))


@settings(max_examples=60, deadline=None)
@given(samples, st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_t_interval_is_scipys_one_sample_t_interval(values, confidence):
    """The interval is the one-sample Student-t interval SciPy's t-test reports."""
    ci = stats.t_interval(values, confidence)
    ref = sps.ttest_1samp(values, 0.0).confidence_interval(confidence)
    scale = 1 + max(abs(v) for v in values)
    assert ci.mean == pytest.approx(np.mean(values), rel=1e-12, abs=1e-9 * scale)
    assert ci.low == pytest.approx(ref.low, rel=1e-9, abs=1e-9 * scale)
    assert ci.high == pytest.approx(ref.high, rel=1e-9, abs=1e-9 * scale)
    assert ci.n == len(values)


@settings(max_examples=40, deadline=None)
@given(samples, st.floats(min_value=-100, max_value=100), st.floats(min_value=0.1, max_value=10))
def test_paired_interval_is_scipys_related_samples_interval(base, shift, noise):
    """The paired interval of option - base is the related-samples t interval."""
    rng = np.random.default_rng(len(base))
    option = np.asarray(base) + shift + noise * rng.standard_normal(len(base))
    ci = stats.paired_interval(option, base)
    ref = sps.ttest_rel(option, base).confidence_interval(0.95)
    scale = 1 + max(abs(v) for v in base)
    assert ci.low == pytest.approx(ref.low, rel=1e-9, abs=1e-9 * scale)
    assert ci.high == pytest.approx(ref.high, rel=1e-9, abs=1e-9 * scale)


def test_degenerate_samples():
    """One observation has no interval; identical observations have a zero-width one."""
    one = stats.t_interval([3.0])
    assert one.mean == 3.0 and math.isnan(one.low) and math.isnan(one.high)
    same = stats.t_interval([2.5, 2.5, 2.5])
    assert (same.low, same.mean, same.high, same.half_width) == (2.5, 2.5, 2.5, 0.0)
    with pytest.raises(ValueError, match="differ in length"):
        stats.paired_interval([1.0, 2.0], [1.0])


def test_summary_matches_t_interval_per_group():
    """``summary`` gives each group the interval ``t_interval`` gives its values."""
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {
            "metric": np.repeat(["a", "b", "c"], 12),
            "period": "all",
            "value": np.concatenate([rng.normal(10, 2, 12), rng.normal(-3, 0.5, 12), [7.0] * 12]),
        }
    )
    out = stats.summary(df, ["metric", "period"])
    assert list(out["metric"]) == ["a", "b", "c"]
    for row in out.itertuples():
        ci = stats.t_interval(df.loc[df["metric"] == row.metric, "value"])
        assert row.mean == pytest.approx(ci.mean)
        assert row.ci_low == pytest.approx(ci.low)
        assert row.ci_high == pytest.approx(ci.high)
        assert row.replications == 12


# ------------------------------------------------------------------ replication rule
def test_relative_half_width_is_the_intervals_half_width_over_the_mean():
    """d_n is the t interval's half-width over the first n values divided by |mean|."""
    values = np.random.default_rng(3).normal(50.0, 10.0, size=30)
    d = stats.relative_half_widths(values)
    assert math.isnan(d[0])
    for n in range(2, 31):
        ci = stats.t_interval(values[:n])
        assert d[n - 1] == pytest.approx(ci.half_width / abs(ci.mean), rel=1e-9)


def test_lookahead_is_k_up_to_100_then_k_percent():
    """HRD's f(kLimit, n): kLimit up to 100 replications, kLimit% of n beyond."""
    assert [stats.lookahead(n, 5) for n in (3, 50, 100)] == [5, 5, 5]
    assert stats.lookahead(200, 5) == 10
    assert stats.lookahead(250, 5) == 12


def test_rule_solution_meets_precision_through_its_lookahead():
    """On noisy data the solution is the first n whose precision holds for n .. n + f(n)."""
    rng = np.random.default_rng(7)
    values = rng.normal(100.0, 15.0, size=200)
    precision = 0.05
    check = stats.hrd_check(values, precision)
    assert check.done
    n = check.solution
    d = stats.relative_half_widths(values)
    end = n + stats.lookahead(n)
    assert check.required == end
    assert np.all(d[n - 1 : end] <= precision)
    for earlier in range(3, n):
        window = d[earlier - 1 : earlier + stats.lookahead(earlier)]
        assert np.any(window > precision), f"n={earlier} would already have been a solution"
    # About (t * sd / (P * mean))^2 = (1.96 * 15 / 5)^2 ~ 35 replications, give or take.
    assert 10 <= n <= 100


def test_rule_lookahead_rejects_a_spurious_early_convergence():
    """Three near-equal values look precise; the look-ahead sees the spread that follows
    and the solution comes later."""
    values = [100.0, 100.1, 99.9, 130.0, 70.0, 125.0, 75.0, 100.0] + [100.0, 101.0, 99.0] * 20
    d = stats.relative_half_widths(values)
    assert d[2] <= 0.05, "the first three values alone meet the precision"
    check = stats.hrd_check(values, 0.05)
    assert check.done and check.solution > 3
    without_lookahead = stats.hrd_check(values, 0.05, k_limit=0)
    assert without_lookahead.solution == 3


def test_rule_asks_for_more_replications_until_it_can_confirm():
    """While a candidate's look-ahead is incomplete the rule names how many it needs."""
    values = [100.0, 100.1, 99.9, 100.05]
    check = stats.hrd_check(values, 0.05)
    assert not check.done
    assert check.required == 3 + stats.lookahead(3)
    assert check.required > len(values)


def test_rule_never_converges_on_a_zero_mean_with_spread():
    """A relative precision around a zero mean cannot be met."""
    values = [-1.0, 1.0] * 30
    check = stats.hrd_check(values, 0.5)
    assert not check.done and check.required > len(values)
    assert stats.hrd_check([0.0] * 10, 0.05).done, "no spread at all is perfectly precise"

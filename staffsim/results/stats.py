"""Statistics over replications: t confidence intervals, paired differences and the number
of replications a run needs.

Each replication of a scenario is one independent observation of a metric (for one period),
so a metric's mean over ``n`` replications has the Student-t interval
``mean +/- t(1 - alpha/2, n - 1) * sd / sqrt(n)``. Two scenarios run on common random numbers
are compared replication by replication (a paired t interval on the differences), which is
what makes a comparison sharp: the noise both runs share cancels.

The replication rule is the confidence-interval method with a look-ahead of Hoad, Robinson
and Davies (2010, "Automated selection of the number of replications for a discrete-event
simulation", JORS 61:1632-1644): the solution is the smallest ``n`` whose relative CI
half-width ``d_n = t * s_n / sqrt(n) / |mean_n|`` is within the precision ``P`` and stays
within it for the next ``f(k, n)`` replications (``k`` if ``n <= 100``, else ``k * n / 100``),
which guards against a spurious early convergence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as _st

__all__ = [
    "Interval",
    "ReplicationCheck",
    "hrd_check",
    "lookahead",
    "paired_interval",
    "relative_half_widths",
    "summary",
    "t_interval",
]


@dataclass(frozen=True)
class Interval:
    """A mean with its confidence interval over ``n`` observations."""

    mean: float
    low: float
    high: float
    sd: float
    n: int

    @property
    def half_width(self) -> float:
        """Half the interval's width (NaN with fewer than two observations)."""
        return (self.high - self.low) / 2


def t_interval(values: Sequence[float] | np.ndarray, confidence: float = 0.95) -> Interval:
    """Mean and Student-t confidence interval of independent observations.

    With fewer than two observations the interval is undefined (NaN); with no spread at all
    it is the mean itself.
    """
    x = np.asarray(values, dtype=float)
    n = int(x.size)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if n < 2:
        return Interval(mean, math.nan, math.nan, math.nan, n)
    sd = float(x.std(ddof=1))
    if sd == 0.0:
        return Interval(mean, mean, mean, 0.0, n)
    low, high = _st.t.interval(confidence, n - 1, loc=mean, scale=sd / math.sqrt(n))
    return Interval(mean, float(low), float(high), sd, n)


def paired_interval(
    option: Sequence[float] | np.ndarray,
    base: Sequence[float] | np.ndarray,
    confidence: float = 0.95,
) -> Interval:
    """Paired-t interval of ``option - base``; element ``i`` of each is the same replication."""
    a = np.asarray(option, dtype=float)
    b = np.asarray(base, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired samples differ in length: {a.size} and {b.size}")
    return t_interval(a - b, confidence)


def summary(values: pd.DataFrame, by: Sequence[str], confidence: float = 0.95) -> pd.DataFrame:
    """Mean, sd and t confidence interval of ``values["value"]`` over replications.

    ``values`` is tidy, one row per replication and group (for example the output of
    :func:`staffsim.results.tables.period_values`); ``by`` names the grouping columns. The
    result has ``by`` then ``mean, ci_low, ci_high, sd, replications``, in the groups' order
    of first appearance.
    """
    grouped = values.groupby(list(by), sort=False, observed=True)["value"]
    out = grouped.agg(mean="mean", sd="std", replications="count").reset_index()
    n = out["replications"].to_numpy()
    sd = out["sd"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(n > 1, _st.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1)), np.nan)
        half = np.where(sd == 0.0, 0.0, t * sd / np.sqrt(n))
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out[[*by, "mean", "ci_low", "ci_high", "sd", "replications"]]


def relative_half_widths(
    values: Sequence[float] | np.ndarray, confidence: float = 0.95
) -> np.ndarray:
    """``d_n`` for ``n = 1 .. len(values)``: the CI half-width over the first ``n`` values
    divided by the absolute mean of those values (NaN for ``n < 2``).

    A mean of zero with no spread counts as perfectly precise (0); with spread, as infinitely
    imprecise.
    """
    x = pd.Series(np.asarray(values, dtype=float))
    n = np.arange(1, x.size + 1)
    mean = x.expanding().mean().to_numpy()
    sd = x.expanding().std(ddof=1).to_numpy()  # a stable running variance, NaN at n = 1
    with np.errstate(divide="ignore", invalid="ignore"):
        t = _st.t.ppf(0.5 + confidence / 2, n - 1)
        half = t * sd / np.sqrt(n)
        d = np.where(half == 0.0, 0.0, half / np.abs(mean))
    return np.where(n < 2, np.nan, d)


def lookahead(n: int, k_limit: int = 5) -> int:
    """Replications beyond a candidate ``n`` that must keep the precision (HRD's ``f``)."""
    return k_limit if n <= 100 else math.floor(k_limit * n / 100)


@dataclass(frozen=True)
class ReplicationCheck:
    """The state of the replication rule for one sequence of observations.

    ``solution`` is the number of replications the rule recommends (``None`` until it is
    confirmed); ``required`` is how many replications the confirmation needs (the solution
    plus its look-ahead), or, while unconfirmed, the fewest the data could be confirmed with
    (always more than the replications seen).
    """

    solution: int | None
    required: int

    @property
    def done(self) -> bool:
        return self.solution is not None


def hrd_check(
    values: Sequence[float] | np.ndarray,
    precision: float,
    k_limit: int = 5,
    min_replications: int = 3,
    confidence: float = 0.95,
) -> ReplicationCheck:
    """Apply the Hoad-Robinson-Davies rule to the observations seen so far, in order.

    ``precision`` is the largest acceptable relative half-width (0.05 = within 5% of the
    mean). Returns the confirmed solution if the data hold one, else how many replications
    the next possible confirmation needs.
    """
    if not precision > 0:
        raise ValueError(f"precision must be positive, got {precision}")
    d = relative_half_widths(values, confidence)
    seen = d.size
    start = max(min_replications, 2)
    for n in range(start, seen + 1):
        if not d[n - 1] <= precision:
            continue
        end = n + lookahead(n, k_limit)
        if end > seen:
            # The first candidate whose look-ahead is still running: nothing later can be
            # confirmed sooner, so more data are needed.
            return ReplicationCheck(None, end)
        if np.all(d[n - 1 : end] <= precision):
            return ReplicationCheck(n, end)
    return ReplicationCheck(None, max(seen + 1, start))

"""Backtest tables and their scores: how well a fitted scenario forecast the published years.

``staffsim backtest`` fits a council's scenario to its published DfE figures up to a year,
runs it forward and writes ``backtest.csv``, long, with the columns of
:data:`BACKTEST_COLUMNS`: one row per council x forecast year (``time_period``, the DfE
reporting year to 30 September) x metric (:data:`BACKTEST_METRICS`, DfE's own column names
and units: rates in percent, caseload in cases per case-holding FTE). Each row holds

* ``published``: the council's published value that year (NaN where DfE suppressed it);
* ``simulated_mean``: the mean over replications;
* ``pi_low``, ``pi_high``: the 5th and 95th percentiles across replications, a 90%
  prediction interval for one year's published value;
* ``naive``: the naive forecast, the last value published at or before the year the fit
  stops (the same for every forecast year), NaN if none was.

:func:`backtest_scores` scores a table per metric (and per forecast horizon if asked): how
often the published value fell inside the 90% interval, with a 95% Clopper-Pearson interval
on that share, and whether the model's mean beats the naive forecast. No score pools
metrics: their units differ, so a pooled error would weigh caseloads against percentages.

Pure pandas, numpy and scipy: this module never runs the model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

__all__ = [
    "BACKTEST_COLUMNS",
    "BACKTEST_METRICS",
    "COVERAGE_CONFIDENCE",
    "NOMINAL_COVERAGE",
    "SCORE_COLUMNS",
    "backtest_scores",
    "check_backtest_table",
    "forecast_horizons",
    "require_columns",
]

BACKTEST_COLUMNS: tuple[str, ...] = (
    "la_code",
    "la_name",
    "time_period",
    "metric",
    "published",
    "simulated_mean",
    "pi_low",
    "pi_high",
    "naive",
)
"""The columns of ``backtest.csv``, in order."""

BACKTEST_METRICS: tuple[str, ...] = (
    "turnover_rate_fte",
    "vacancy_rate_fte",
    "agency_rate_fte",
    "caseload_fte",
)
"""The metrics a backtest forecasts, in DfE's column names (rates in percent, caseload in
cases per case-holding FTE); their labels and units are in
:mod:`staffsim.results.labels`."""

NOMINAL_COVERAGE = 0.9
"""The share of published values the 5th to 95th percentile interval should hold."""

COVERAGE_CONFIDENCE = 0.95
"""The confidence level of the Clopper-Pearson interval on the observed coverage."""

_NUMERIC = ("published", "simulated_mean", "pi_low", "pi_high", "naive")
_KEY = ("la_code", "time_period", "metric")

SCORE_COLUMNS: tuple[str, ...] = (
    "metric",
    "n",
    "councils",
    "coverage",
    "coverage_low",
    "coverage_high",
    "nominal",
    "n_compared",
    "mae_model",
    "mae_naive",
    "skill",
    "model_better_share",
)
"""The columns of :func:`backtest_scores` (``horizon`` follows ``metric`` by horizon)."""


def require_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> pd.DataFrame:
    """A copy of ``columns`` of ``df``, in that order; ``ValueError`` naming those it lacks."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"the {what} has no column(s) {', '.join(repr(c) for c in missing)}; "
            f"it needs {', '.join(columns)}"
        )
    return df.loc[:, list(columns)].copy()


def check_backtest_table(df: pd.DataFrame) -> pd.DataFrame:
    """A checked copy of a backtest table: the columns of :data:`BACKTEST_COLUMNS` in
    order (any others dropped), ``time_period`` as whole years (int64) and the values as
    floats.

    Raises ``ValueError`` naming the missing columns, and for a table a score would read
    wrongly: a value that is not a number, a missing or fractional ``time_period``, an
    interval whose low end is above its high end, or a council, year and metric given twice.
    """
    out = require_columns(df, BACKTEST_COLUMNS, "backtest table")
    for column in _NUMERIC:
        try:
            out[column] = pd.to_numeric(out[column], errors="raise").astype("float64")
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"the backtest column {column!r} holds a value that is not a number"
            ) from exc
    try:
        years = pd.to_numeric(out["time_period"], errors="raise").astype("float64")
    except (TypeError, ValueError) as exc:
        raise ValueError(
            "the backtest column 'time_period' holds a value that is not a year"
        ) from exc
    if years.isna().any() or not np.all(np.mod(years.to_numpy(), 1.0) == 0.0):
        raise ValueError("the backtest column 'time_period' must hold whole years, none missing")
    out["time_period"] = years.astype("int64")
    # a swapped interval would score every year as a miss, which reads as a bad model
    swapped = out["pi_low"] > out["pi_high"]
    if swapped.any():
        first = out[swapped].iloc[0]
        raise ValueError(
            f"{int(swapped.sum())} backtest row(s) have pi_low above pi_high, the first "
            f"{first['la_code']} {first['time_period']} {first['metric']}"
        )
    # a row given twice would count twice in every score
    repeated = out.duplicated(list(_KEY), keep=False)
    if repeated.any():
        first = out[repeated].iloc[0]
        raise ValueError(
            "the backtest table has more than one row for a council, year and metric, "
            f"the first {first['la_code']} {first['time_period']} {first['metric']}"
        )
    return out


def forecast_horizons(df: pd.DataFrame) -> pd.Series:
    """Each row's forecast horizon in years ahead: ``time_period`` minus its council's
    first forecast year (the least ``time_period`` among the council's rows, of any metric
    and whether published or not), plus one; so the first forecast year is horizon 1.

    ``df`` needs ``la_code`` and ``time_period``; the result (int64, named ``horizon``)
    shares its index."""
    years = pd.to_numeric(df["time_period"]).astype("int64")
    first = years.groupby(df["la_code"]).transform("min")
    return (years - first + 1).astype("int64").rename("horizon")


def _score(rows: pd.DataFrame) -> dict[str, Any]:
    """The scores of one metric (and horizon): see :func:`backtest_scores`."""
    scored = rows[rows["published"].notna()]
    n = len(scored)
    # comparisons with NaN are False, so a row without an interval counts as a miss: the
    # model gets no credit for a year it gave no forecast for
    covered = (scored["published"] >= scored["pi_low"]) & (scored["published"] <= scored["pi_high"])
    k = int(covered.sum())
    coverage = low = high = math.nan
    if n:
        coverage = k / n
        ci = _st.binomtest(k, n).proportion_ci(confidence_level=COVERAGE_CONFIDENCE, method="exact")
        low, high = float(ci.low), float(ci.high)
    # the model and the naive forecast are compared on the same rows only, or a model
    # scored on years the naive forecast skips would be measured against different data
    compared = scored[scored["naive"].notna() & scored["simulated_mean"].notna()]
    m = len(compared)
    mae_model = mae_naive = skill = better = math.nan
    if m:
        error_model = (compared["simulated_mean"] - compared["published"]).abs().to_numpy()
        error_naive = (compared["naive"] - compared["published"]).abs().to_numpy()
        mae_model = float(error_model.mean())
        mae_naive = float(error_naive.mean())
        skill = 1.0 - mae_model / mae_naive if mae_naive > 0 else math.nan
        better = float(np.mean(error_model < error_naive))
    return {
        "n": n,
        "councils": int(scored["la_code"].nunique()),
        "coverage": coverage,
        "coverage_low": low,
        "coverage_high": high,
        "nominal": NOMINAL_COVERAGE,
        "n_compared": m,
        "mae_model": mae_model,
        "mae_naive": mae_naive,
        "skill": skill,
        "model_better_share": better,
    }


def backtest_scores(df: pd.DataFrame, by_horizon: bool = False) -> pd.DataFrame:
    """Score a backtest table (:data:`BACKTEST_COLUMNS`): one row per metric, or per metric
    and forecast horizon with ``by_horizon``.

    Every metric of :data:`BACKTEST_METRICS` has a row (then any other metric in the table,
    in name order), with ``n = 0`` and NaN scores where the table has nothing to score; by
    horizon, every metric has a row for every horizon found in the table (none if the table
    is empty). Metrics are never pooled: their units differ.

    Columns:

    * ``metric``: the DfE column name;
    * ``horizon`` (with ``by_horizon`` only): years ahead, 1 for a council's first forecast
      year (:func:`forecast_horizons`);
    * ``n``: rows scored for coverage, those whose ``published`` value is present;
    * ``councils``: distinct ``la_code`` among those rows;
    * ``coverage``: the share of those rows whose published value lies within
      ``[pi_low, pi_high]``, ends included (a row without an interval counts as outside);
    * ``coverage_low``, ``coverage_high``: the 95% Clopper-Pearson (exact binomial)
      interval on ``coverage``, treating rows as independent (years of one council are not
      quite, so read it as a little narrow);
    * ``nominal``: the coverage the interval aims at, 0.9;
    * ``n_compared``: rows in the model-against-naive comparison, those whose
      ``published``, ``naive`` and ``simulated_mean`` are all present;
    * ``mae_model``: mean ``|simulated_mean - published|`` over the compared rows, in the
      metric's unit (percentage points for rates, cases per FTE for caseload);
    * ``mae_naive``: mean ``|naive - published|`` over the same rows, same unit;
    * ``skill``: ``1 - mae_model / mae_naive``, unitless: above 0 the model beats the naive
      forecast, 1 is perfect, below 0 it does worse; NaN when ``mae_naive`` is 0;
    * ``model_better_share``: the share of compared rows where the model's absolute error is
      strictly smaller than the naive forecast's (a tie counts as not better).

    Shares are fractions (0 to 1). Scores with no rows to score are NaN.
    """
    table = check_backtest_table(df)
    present = set(table["metric"])
    metrics = [*BACKTEST_METRICS, *sorted(str(m) for m in present - set(BACKTEST_METRICS))]
    if not by_horizon:
        rows = [{"metric": m, **_score(table[table["metric"] == m])} for m in metrics]
        return _typed(pd.DataFrame(rows, columns=list(SCORE_COLUMNS)))
    table["horizon"] = forecast_horizons(table)
    horizons = sorted(int(h) for h in table["horizon"].unique())
    rows = [
        {
            "metric": m,
            "horizon": h,
            **_score(table[(table["metric"] == m) & (table["horizon"] == h)]),
        }
        for m in metrics
        for h in horizons
    ]
    columns = ["metric", "horizon", *SCORE_COLUMNS[1:]]
    out = pd.DataFrame(rows, columns=columns)
    return _typed(out.astype({"horizon": "int64"}))


def _typed(scores: pd.DataFrame) -> pd.DataFrame:
    """Counts as int64, scores as float64, whatever an empty frame would have guessed."""
    counts = {c: "int64" for c in ("n", "councils", "n_compared")}
    floats = {c: "float64" for c in SCORE_COLUMNS if c not in counts and c != "metric"}
    return scores.astype({**counts, **floats})

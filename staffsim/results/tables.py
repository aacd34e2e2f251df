"""Records of replications -> tidy pandas tables keyed by scenario and replication.

The model returns plain rows (one dict per month, one per 30 September snapshot); this module
is where they become DataFrames:

* the **annual** table is wide: ``scenario, replication`` then the snapshot's columns in the
  model's order, with the DfE census names and units (rates in percent);
* the **monthly** table is tidy (long): ``scenario, replication, month, period_start,
  period_end, days, metric, value``, one row per replication, month and metric, so any
  metric can be filtered, grouped or plotted the same way; :func:`monthly_wide` turns it
  back into one column per metric;
* :func:`period_values` gives each metric per replication and period (each simulated year,
  plus ``all``: the mean over the horizon's snapshots), the input of summaries and
  comparisons.

Rows are always in replication order, so tables do not depend on the order in which
replications finished.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from staffsim.registry import MONTHLY, PERIOD

__all__ = [
    "ALL_PERIODS",
    "KEY_COLUMNS",
    "MONTHLY_TIDY_COLUMNS",
    "MONTH_COLUMNS",
    "annual_table",
    "empty_monthly_tidy",
    "monthly_tidy",
    "monthly_wide",
    "period_values",
]

KEY_COLUMNS = ("scenario", "replication")
"""The columns that identify a replication in every table."""

MONTH_COLUMNS = tuple(c.name for c in MONTHLY if c.group == PERIOD)
"""The columns that identify a month (``days`` is its length, shorter for a last part month),
as registered in :mod:`staffsim.registry`."""

MONTHLY_TIDY_COLUMNS = (*KEY_COLUMNS, *MONTH_COLUMNS, "metric", "value")
"""The columns of the tidy monthly table."""

ALL_PERIODS = "all"
"""The ``period`` label of a value averaged over all of a replication's snapshots."""


def annual_table(records: Iterable[Mapping[str, Any]], scenario: str) -> pd.DataFrame:
    """The wide annual table of ``records`` (one per replication, as ``run_one`` returns).

    One row per replication and 30 September snapshot, ``scenario`` and ``replication``
    first, sorted by replication then snapshot.
    """
    rows = [
        {"scenario": scenario, "replication": rec["replication"], **row}
        for rec in sorted(records, key=lambda r: r["replication"])
        for row in rec["annual"]
    ]
    if not rows:
        return pd.DataFrame({"scenario": pd.Series(dtype=str), "replication": []}).astype(
            {"replication": "int64"}
        )
    df = pd.DataFrame(rows)
    sort = ["replication", "time_period"] if "time_period" in df else ["replication"]
    return df.sort_values(sort, kind="stable", ignore_index=True)


def monthly_tidy(record: Mapping[str, Any], scenario: str) -> pd.DataFrame:
    """The tidy monthly table of one replication's ``record``.

    Rows run month by month and, within a month, metric by metric in the model's order;
    values are floats (counts included). A column that is not a number is kept beside the
    month columns rather than forced into ``value``.
    """
    wide = pd.DataFrame(record["monthly"])
    if wide.empty:
        return empty_monthly_tidy()
    ids = [c for c in MONTH_COLUMNS if c in wide]
    extra_ids = [
        c for c in wide.columns if c not in ids and not pd.api.types.is_numeric_dtype(wide[c])
    ]
    metrics = [c for c in wide.columns if c not in ids and c not in extra_ids]
    n_months, n_metrics = len(wide), len(metrics)
    out = {
        "scenario": np.full(n_months * n_metrics, scenario, dtype=object),
        "replication": np.full(n_months * n_metrics, int(record["replication"]), dtype=np.int64),
    }
    for col in (*ids, *extra_ids):
        out[col] = np.repeat(wide[col].to_numpy(), n_metrics)
    out["metric"] = np.tile(np.asarray(metrics, dtype=object), n_months)
    # Row-major ravel puts each month's metrics together.
    out["value"] = wide[metrics].to_numpy(dtype=float).ravel()
    df = pd.DataFrame(out)
    df["days"] = df["days"].astype(float)
    return df


def empty_monthly_tidy() -> pd.DataFrame:
    """A tidy monthly table with no rows (the columns and dtypes of a full one)."""
    return pd.DataFrame(
        {
            "scenario": pd.Series(dtype=object),
            "replication": pd.Series(dtype="int64"),
            "month": pd.Series(dtype=object),
            "period_start": pd.Series(dtype=object),
            "period_end": pd.Series(dtype=object),
            "days": pd.Series(dtype=float),
            "metric": pd.Series(dtype=object),
            "value": pd.Series(dtype=float),
        }
    )


def monthly_wide(tidy: pd.DataFrame) -> pd.DataFrame:
    """The tidy monthly table with one column per metric (metrics in their original order)."""
    ids = [c for c in tidy.columns if c not in ("metric", "value")]
    order = list(dict.fromkeys(tidy["metric"]))
    wide = tidy.pivot(index=ids, columns="metric", values="value")
    wide = wide[order].reset_index()
    wide.columns.name = None
    return wide.sort_values(["replication", "month"], kind="stable", ignore_index=True)


def period_values(
    annual: pd.DataFrame, metrics: Sequence[str], keys: Sequence[str] = KEY_COLUMNS
) -> pd.DataFrame:
    """Each metric per replication and period, tidy: ``*keys, metric, period, value``.

    ``period`` is each snapshot's ``time_period`` (as text) and ``all``, the mean over a
    replication's snapshots. Rows are ordered by metric (as given), period (years, then
    ``all``), then the order of ``annual``.
    """
    keys = list(keys)
    metrics = list(metrics)
    missing = [m for m in metrics if m not in annual.columns]
    if missing:
        raise KeyError(f"metrics not in the annual table: {', '.join(missing)}")
    cols = [*keys, "metric", "period", "value"]
    if annual.empty:
        return pd.DataFrame({c: pd.Series(dtype=float if c == "value" else object) for c in cols})
    yearly = annual[[*keys, "time_period", *metrics]].melt(
        id_vars=[*keys, "time_period"], value_vars=metrics, var_name="metric", value_name="value"
    )
    yearly["rank"] = yearly["time_period"].astype(float)
    yearly["period"] = yearly["time_period"].astype(str)
    overall = (
        annual.groupby(keys, sort=False, observed=True)[metrics]
        .mean()
        .reset_index()
        .melt(id_vars=keys, value_vars=metrics, var_name="metric", value_name="value")
    )
    overall["rank"] = np.inf
    overall["period"] = ALL_PERIODS
    out = pd.concat([yearly, overall], ignore_index=True)
    out["order"] = out["metric"].map({m: i for i, m in enumerate(metrics)})
    out = out.sort_values(["order", "rank"], kind="stable", ignore_index=True)
    out["value"] = out["value"].astype(float)
    return out[cols]

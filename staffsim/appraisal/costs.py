"""Costs by financial year (April to March) beside census years (October to September).

The model records its costs month by month (``monthly.csv``): employed pay with on-costs,
agency spend, recruitment campaigns, newly qualified (ASYE) support, and the policies' own
costs (``policy_gbp``: one-off costs charged on each policy's date plus running costs pro
rata to the days since it). Months never straddle a year boundary of either kind, so summing months
gives each year exactly. A year the run covers only part of, at either end, is a row of its
own with ``part_year`` true.

:func:`monthly_costs` gives each replication's months with each policy's one-off and running
costs in columns of their own (``policy_one_off_gbp: <policy name>``), attributed from the
resolved scenario exactly as the model charges them and checked against the model's
``policy_gbp`` month by month; :func:`costs_by_year` sums them into financial and census
years. In every row the parts add to ``total_cost_gbp``, the model's total.

Costs are in the prices of the scenario's ``price_base_year``: the model holds every price
constant, so they are real prices of that year throughout the run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from staffsim.errors import UserError
from staffsim.results.results import Results
from staffsim.units import DAYS_PER_YEAR

__all__ = [
    "CENSUS",
    "COST_COMPONENTS",
    "FINANCIAL",
    "POLICY_ONE_OFF_PREFIX",
    "POLICY_RUNNING_PREFIX",
    "census_year",
    "costs_by_year",
    "financial_year_label",
    "financial_year_start",
    "monthly_costs",
    "policy_columns",
]

COST_COMPONENTS = (
    "employed_pay_gbp",
    "agency_spend_gbp",
    "recruitment_gbp",
    "newly_qualified_support_gbp",
)
"""The model's cost components other than the policies' own costs (GBP)."""

POLICY_ONE_OFF_PREFIX = "policy_one_off_gbp: "
POLICY_RUNNING_PREFIX = "policy_running_gbp: "
"""Column names of one policy's one-off and running costs are these plus its name."""

FINANCIAL = "financial"
CENSUS = "census"
"""The ``year_type`` of a financial year (April to March) and of a DfE census year (October
to September, labelled by the year of its 30 September, as ``time_period``)."""

_TOLERANCE_GBP = 1e-6
"""Largest relative difference allowed between a sum of parts and the model's total (the
parts are added in a different order, so the last bits may differ)."""


def financial_year_start(date: dt.date) -> int:
    """The calendar year in which the financial year holding ``date`` starts (1 April)."""
    return date.year if date.month >= 4 else date.year - 1


def financial_year_label(start_year: int) -> str:
    """``2015`` -> ``"2015-16"``."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def census_year(date: dt.date) -> int:
    """The DfE reporting year holding ``date``: the year of the 30 September ending it."""
    return date.year if date.month <= 9 else date.year + 1


def _unique_names(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        label, n = name, 2
        while label in out:
            label = f"{name} ({n})"
            n += 1
        out.append(label)
    return out


def policy_columns(scenario: Mapping[str, Any]) -> list[str]:
    """The one-off and running cost columns of a resolved scenario's policies, in order."""
    names = _unique_names(str(p["name"]) for p in scenario.get("policies", ()))
    return [
        f"{prefix}{n}" for n in names for prefix in (POLICY_ONE_OFF_PREFIX, POLICY_RUNNING_PREFIX)
    ]


def _wide_months(results: Results, metrics: Sequence[str]) -> pd.DataFrame:
    tidy = results.monthly
    tidy = tidy[tidy["metric"].isin(metrics)]
    ids = ["replication", "month", "period_start", "period_end", "days"]
    wide = tidy.pivot(index=ids, columns="metric", values="value").reset_index()
    wide.columns.name = None
    return wide.sort_values(["replication", "month"], kind="stable", ignore_index=True)


def monthly_costs(results: Results) -> pd.DataFrame:
    """Each replication's months with every cost component in a column of its own (GBP).

    Columns: ``replication, month, period_start, period_end, days``, then
    :data:`COST_COMPONENTS`, each policy's one-off and running costs, ``total_cost_gbp``
    and ``sw_changes`` (changes of social worker in the month, an outcome the appraisal
    counts). Raises :class:`UserError` if the policies' costs, attributed from the
    scenario, do not add up to what the model recorded (results not made from this
    scenario).
    """
    scenario = results.scenario
    needed = [
        *COST_COMPONENTS,
        "policy_gbp",
        "total_cost_gbp",
        "sw_changes",
    ]
    wide = _wide_months(results, needed)
    missing = [c for c in (*COST_COMPONENTS, "policy_gbp", "total_cost_gbp") if c not in wide]
    if missing:
        raise UserError(
            f"the monthly table of {results.name!r} has no {', '.join(missing)}: it was made "
            "by a version of staffsim that did not record costs; run it again"
        )
    start = dt.date.fromisoformat(str(scenario["start_date"]))
    month_start = np.array(
        [(dt.date.fromisoformat(str(d)) - start).days for d in wide["period_start"]], dtype=float
    )
    month_end = month_start + wide["days"].to_numpy(dtype=float)
    first_month = month_start == 0.0
    one_off_total = np.zeros(len(wide))
    running_total = np.zeros(len(wide))
    names = _unique_names(str(p["name"]) for p in scenario.get("policies", ()))
    for name, pol in zip(names, scenario.get("policies", ()), strict=True):
        # As the model charges them: a policy dated before the start is in force (and its
        # one-off cost paid) from day 0; one dated on or after the end never starts.
        begin = max(float((dt.date.fromisoformat(str(pol["date"])) - start).days), 0.0)
        charged = (month_start <= begin) & (begin < month_end)
        if begin == 0.0:
            charged = first_month
        one_off = np.where(charged, float(pol["cost_gbp_one_off"]), 0.0)
        overlap = np.maximum(0.0, month_end - np.maximum(month_start, begin))
        running = float(pol["cost_gbp_per_year"]) * overlap / DAYS_PER_YEAR
        wide[f"{POLICY_ONE_OFF_PREFIX}{name}"] = one_off
        wide[f"{POLICY_RUNNING_PREFIX}{name}"] = running
        one_off_total += one_off
        running_total += running
    # The model records the policies' costs as one monthly total; the attribution must
    # account for all of it, month by month.
    ours, model = one_off_total + running_total, wide["policy_gbp"].to_numpy()
    gap = np.abs(ours - model) > _TOLERANCE_GBP * np.maximum(1.0, np.abs(model))
    if gap.any():
        i = int(np.argmax(gap))
        raise UserError(
            f"{results.name!r}, replication {int(wide['replication'].iloc[i])}, "
            f"{wide['month'].iloc[i]}: the policies' costs in the scenario come to "
            f"GBP {ours[i]:,.2f} but the model recorded GBP {model[i]:,.2f}; the results "
            "were not made from the scenario in their manifest"
        )
    columns = [
        "replication",
        "month",
        "period_start",
        "period_end",
        "days",
        *COST_COMPONENTS,
        *policy_columns(scenario),
        "total_cost_gbp",
    ]
    out = wide[columns].copy()
    out["sw_changes"] = wide.get("sw_changes", np.nan)
    return out


def _year_rows(months: pd.DataFrame, year_type: str) -> pd.DataFrame:
    starts = [dt.date.fromisoformat(str(d)) for d in months["period_start"]]
    if year_type == FINANCIAL:
        key = [financial_year_start(d) for d in starts]
    else:
        key = [census_year(d) for d in starts]
    frame = months.assign(_year=key)
    value_columns = [
        c for c in months.columns if c not in ("replication", "month", "period_start", "period_end")
    ]
    grouped = frame.groupby(["replication", "_year"], sort=True)
    sums = grouped[value_columns].sum().reset_index()
    sums["period_start"] = grouped["period_start"].min().to_numpy()
    sums["period_end"] = grouped["period_end"].max().to_numpy()
    if year_type == FINANCIAL:
        full = [(dt.date(y, 4, 1), dt.date(y + 1, 3, 31)) for y in sums["_year"]]
        sums["year"] = [financial_year_label(int(y)) for y in sums["_year"]]
    else:
        full = [(dt.date(y - 1, 10, 1), dt.date(y, 9, 30)) for y in sums["_year"]]
        sums["year"] = [str(int(y)) for y in sums["_year"]]
    sums["part_year"] = [
        (str(s), str(e)) != (a.isoformat(), b.isoformat())
        for s, e, (a, b) in zip(sums["period_start"], sums["period_end"], full, strict=True)
    ]
    sums["year_type"] = year_type
    return sums.drop(columns="_year")


def costs_by_year(
    results: Results, year_types: Sequence[str] = (FINANCIAL, CENSUS)
) -> pd.DataFrame:
    """Each replication's costs (GBP) by financial year and by census year, from the months.

    Columns: ``scenario, replication, year_type, year, period_start, period_end, days,
    part_year``, the components of :func:`monthly_costs`, ``total_cost_gbp`` and
    ``sw_changes``. ``year`` is ``"2015-16"`` for a financial year and ``"2015"`` for the
    census year ending 30 September 2015; ``part_year`` marks a year the run covers only
    part of.
    """
    months = monthly_costs(results)
    frames = [_year_rows(months, t) for t in year_types]
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "scenario", results.name)
    ids = ["scenario", "replication", "year_type", "year", "period_start", "period_end", "days"]
    rest = [c for c in months.columns if c not in (*ids, "month")]
    out = out[[*ids, "part_year", *rest]]
    order = {t: i for i, t in enumerate(year_types)}
    out["_t"] = out["year_type"].map(order)
    out = out.sort_values(["_t", "replication", "period_start"], kind="stable", ignore_index=True)
    return out.drop(columns="_t")

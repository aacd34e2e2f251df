"""The cost tables the cost charts read: cash flows by financial year, discounted.

The cost charts (:mod:`staffsim.charts.costs`) read two small tables, defined here so that
any source can fill them:

* **cash flows** (:data:`CASHFLOW_COLUMNS`), one row per option and financial year: ``option,
  financial_year, year_index, cost_difference_gbp, discount_factor, present_value_gbp``
  (means over replications; the columns of the appraisal's ``appraisal_cashflows.csv``),
  optionally ``part_year``, and ``cumulative_low_gbp, cumulative_high_gbp`` (a 95% interval
  of the cumulative present value);
* **cost components** (:data:`COMPONENT_COLUMNS`), one row per option and kind of cost:
  ``option, component, base_present_value_gbp, option_present_value_gbp``.

:func:`comparison_costs` builds both from a saved comparison's monthly costs, with
discounting at the Green Book social time preference rate. It is a bridge until the
appraisal module (``staffsim.appraisal``) provides these tables with its own financial-year
costs and discounting; then :func:`comparison_costs` should return that module's tables
and the helpers below go.

Financial years run from 1 April to 31 March (``2014-15``); a month belongs to the
financial year it starts in. ``year_index`` is 0 for the first financial year the run
touches. Discount factor: ``1.035^-t`` for ``t <= 30``, then ``1.035^-30 x 1.03^-(t-30)``
(HM Treasury, The Green Book, 2022, annex A6). Costs are in the model's prices (the
scenario's costs, no inflation), so the discounting is of real costs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffsim.results import stats

__all__ = [
    "CASHFLOW_COLUMNS",
    "COMPONENT_COLUMNS",
    "COST_COMPONENTS",
    "ComparisonCosts",
    "comparison_costs",
    "discount_factor",
    "financial_year",
    "payback_year",
]

CASHFLOW_COLUMNS = (
    "option",
    "financial_year",
    "year_index",
    "cost_difference_gbp",
    "discount_factor",
    "present_value_gbp",
)
"""Required columns of a cash-flow table."""

COMPONENT_COLUMNS = ("option", "component", "base_present_value_gbp", "option_present_value_gbp")
"""Columns of a cost-components table."""

COST_COMPONENTS = (
    "employed_pay_gbp",
    "agency_spend_gbp",
    "recruitment_gbp",
    "newly_qualified_support_gbp",
    "policy_gbp",
)
"""The kinds of cost that add up to ``total_cost_gbp``, in the order a waterfall shows."""


def financial_year(month: str) -> str:
    """The financial year (April to March) a month ``YYYY-MM`` starts in: ``2015-03`` ->
    ``2014-15``."""
    year, mon = int(month[:4]), int(month[5:7])
    start = year if mon >= 4 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def discount_factor(year_index: int | np.ndarray) -> np.ndarray:
    """Green Book discount factor of year ``t`` (``t = 0`` is undiscounted)."""
    t = np.asarray(year_index, dtype=float)
    return np.where(t <= 30, 1.035**-t, 1.035**-30 * 1.03 ** -(t - 30))


def payback_year(years: Sequence[str], cumulative: Sequence[float]) -> str | None:
    """The financial year in which the cumulative discounted difference comes back to zero
    or below after having been above it (``None`` if it does not). An option that never
    costs more than the base pays back in the first year; years of no difference before a
    policy starts do not count as paying back.
    """
    above = False
    for year, value in zip(years, cumulative, strict=True):
        if value > 0:
            above = True
        elif above:
            return year
    if not above and len(years):
        return years[0]
    return None


@dataclass(frozen=True)
class ComparisonCosts:
    """The cost tables of a comparison.

    ``cashflows`` has :data:`CASHFLOW_COLUMNS` plus ``part_year``, ``cumulative_gbp``,
    ``cumulative_low_gbp`` and ``cumulative_high_gbp``; ``per_replication`` the same per
    replication; ``components`` has :data:`COMPONENT_COLUMNS`; ``npv`` one row per option:
    ``option, npv_gbp, npv_ci_low_gbp, npv_ci_high_gbp, payback_share,
    payback_median_year, replications``.
    """

    cashflows: pd.DataFrame
    per_replication: pd.DataFrame
    components: pd.DataFrame
    npv: pd.DataFrame


def _costs_by_year(monthly: pd.DataFrame) -> pd.DataFrame:
    """Each replication's cost components summed by financial year (wide)."""
    wanted = [*COST_COMPONENTS, "total_cost_gbp"]
    part = monthly[monthly["metric"].isin(wanted)]
    wide = part.pivot_table(
        index=["replication", "month", "days"], columns="metric", values="value", aggfunc="sum"
    ).reset_index()
    for column in wanted:
        if column not in wide:
            wide[column] = 0.0
    wide["financial_year"] = wide["month"].map(financial_year)
    month_days = pd.to_datetime(wide["month"] + "-01").dt.days_in_month
    wide["full_month"] = wide["days"] >= month_days
    grouped = wide.groupby(["replication", "financial_year"], sort=True)
    out = grouped[wanted].sum()
    out["months"] = grouped["month"].count()
    out["full_months"] = grouped["full_month"].sum()
    out = out.reset_index()
    out["part_year"] = out["full_months"] < 12
    return out.drop(columns="full_months")


def comparison_costs(
    monthly: Mapping[str, pd.DataFrame], base: str, confidence: float = 0.95
) -> ComparisonCosts:
    """The cost tables of options against ``base`` from each scenario's tidy monthly table
    (``monthly[label]``), replication by replication (common random numbers)."""
    base_years = _costs_by_year(monthly[base])
    years = sorted(base_years["financial_year"].unique())
    index = {year: i for i, year in enumerate(years)}
    rows, component_rows, npv_rows = [], [], []
    for option, table in monthly.items():
        if option == base:
            continue
        option_years = _costs_by_year(table)
        paired = base_years.merge(
            option_years,
            on=["replication", "financial_year"],
            suffixes=("_base", "_option"),
            validate="one_to_one",
        )
        paired["option"] = option
        paired["year_index"] = paired["financial_year"].map(index).astype(int)
        paired["discount_factor"] = discount_factor(paired["year_index"].to_numpy())
        paired["cost_difference_gbp"] = (
            paired["total_cost_gbp_option"] - paired["total_cost_gbp_base"]
        )
        paired["present_value_gbp"] = paired["cost_difference_gbp"] * paired["discount_factor"]
        paired = paired.sort_values(["replication", "year_index"], ignore_index=True)
        paired["cumulative_gbp"] = paired.groupby("replication")["present_value_gbp"].cumsum()
        paired["part_year"] = paired["part_year_base"]
        rows.append(
            paired[
                [
                    "option",
                    "replication",
                    "financial_year",
                    "year_index",
                    "part_year",
                    "cost_difference_gbp",
                    "discount_factor",
                    "present_value_gbp",
                    "cumulative_gbp",
                ]
            ]
        )
        for component in COST_COMPONENTS:
            df = paired["discount_factor"]
            component_rows.append(
                {
                    "option": option,
                    "component": component,
                    "base_present_value_gbp": float(
                        (paired[f"{component}_base"] * df)
                        .groupby(paired["replication"])
                        .sum()
                        .mean()
                    ),
                    "option_present_value_gbp": float(
                        (paired[f"{component}_option"] * df)
                        .groupby(paired["replication"])
                        .sum()
                        .mean()
                    ),
                }
            )
        npv = paired.groupby("replication")["present_value_gbp"].sum()
        interval = stats.t_interval(npv.to_numpy(), confidence)
        paybacks = [
            payback_year(list(g["financial_year"]), list(g["cumulative_gbp"]))
            for _, g in paired.groupby("replication")
        ]
        paid = sorted(index[y] for y in paybacks if y is not None)
        # The median of an even count of years can fall between two; the later one is a
        # year of the run and the cautious reading.
        median = years[int(np.ceil(np.median(paid)))] if paid else None
        npv_rows.append(
            {
                "option": option,
                "npv_gbp": interval.mean,
                "npv_ci_low_gbp": interval.low,
                "npv_ci_high_gbp": interval.high,
                "payback_share": len(paid) / len(paybacks) if paybacks else float("nan"),
                "payback_median_year": median,
                "replications": interval.n,
            }
        )
    per_replication = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    cashflows = _mean_cashflows(per_replication, confidence)
    return ComparisonCosts(
        cashflows, per_replication, pd.DataFrame(component_rows), pd.DataFrame(npv_rows)
    )


def _mean_cashflows(per_replication: pd.DataFrame, confidence: float) -> pd.DataFrame:
    if per_replication.empty:
        return pd.DataFrame(columns=[*CASHFLOW_COLUMNS, "part_year"])
    keys = ["option", "financial_year", "year_index", "part_year", "discount_factor"]
    means = (
        per_replication.groupby(keys, sort=False)[
            ["cost_difference_gbp", "present_value_gbp", "cumulative_gbp"]
        ]
        .mean()
        .reset_index()
    )
    spread = stats.summary(
        per_replication.rename(columns={"cumulative_gbp": "value"}),
        ["option", "financial_year"],
        confidence,
    )[["option", "financial_year", "ci_low", "ci_high"]]
    out = means.merge(spread, on=["option", "financial_year"])
    out = out.rename(columns={"ci_low": "cumulative_low_gbp", "ci_high": "cumulative_high_gbp"})
    return out[
        [
            *CASHFLOW_COLUMNS,
            "part_year",
            "cumulative_gbp",
            "cumulative_low_gbp",
            "cumulative_high_gbp",
        ]
    ]

"""A Green Book appraisal of each option against the base, from a comparison's costs.

Every figure is a cost difference, option minus base, in real prices of the scenarios'
``price_base_year``, by financial year, discounted at the Green Book STPR
(:mod:`staffsim.appraisal.discount`); a positive net present value (NPV) means the option
costs more. Replications are paired on common random numbers, so the NPV is computed per
replication and reported as a mean with its 95% t interval.

* **Optimism bias** uplifts the policies' own costs (one-off and running) by a stated
  percentage, in both arms: :data:`OPTIMISM_BIAS_PCT` by default, with its source in
  :data:`OPTIMISM_BIAS_SOURCE`. The model's pay, agency, recruitment and newly qualified
  costs are outputs of the simulation, not estimates made in advance, and are not uplifted.
* **Payback** is the first financial year in which the cumulative discounted difference is
  at or below zero, counted from the first year in which the costs differ at all: the
  share of replications that pay back within the horizon, and the median year among them.
* **Switching values** of the price inputs come from the cost split without re-running:
  the NPV is linear in each price, ``NPV(s) = NPV - N_c + s N_c`` where ``N_c`` is the
  present value of the component the price multiplies and ``s`` the factor on every rate
  of that price in both arms, so the sign changes at ``s* = 1 - NPV / N_c``. Behaviour is
  held as run (a salary also moves the pay effects; see the method column).
* **Cost-effectiveness**: the NPV per percentage point of vacancy rate avoided (the mean
  over the horizon's 30 September snapshots) and per child who keeps their social worker
  (a change of social worker avoided, counted by financial year and discounted like the
  costs). Every other outcome is listed beside the money with its difference and interval,
  never given a price.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from staffsim.appraisal.costs import (
    COST_COMPONENTS,
    FINANCIAL,
    POLICY_ONE_OFF_PREFIX,
    POLICY_RUNNING_PREFIX,
    costs_by_year,
    financial_year_label,
)
from staffsim.appraisal.discount import (
    STPR_FIRST_YEARS,
    STPR_LATER,
    STPR_SWITCH_YEAR,
    discount_factor,
)
from staffsim.errors import UserError
from staffsim.results import io, stats, tables
from staffsim.results.metrics import METRICS
from staffsim.results.results import ComparisonResults

__all__ = [
    "APPRAISAL_COLUMNS",
    "CASHFLOW_COLUMNS",
    "COMPONENT_COLUMNS",
    "CUMULATIVE_COLUMNS",
    "OPTIMISM_BIAS_PCT",
    "OPTIMISM_BIAS_SOURCE",
    "SWITCHING_COLUMNS",
    "Appraisal",
    "appraise_comparison",
    "payback_label",
]

OPTIMISM_BIAS_PCT = 41.0
"""The default uplift (percent) on the policies' own costs."""

OPTIMISM_BIAS_SOURCE = (
    "HM Treasury, Supplementary Green Book Guidance: Optimism Bias (2003), table of "
    "recommended adjustments (from Mott MacDonald, Review of Large Public Procurement in the "
    "UK, 2002): the upper bound for operating expenditure, 41% (outsourcing projects), the "
    "generic category nearest to a service's running costs. The guidance asks for the upper "
    "bound at the outset, reduced only as specific risks are managed and evidenced."
)
"""Where the default optimism bias comes from."""

PRICE_BASE_YEAR_DEFAULT = 2024
"""The schema's default ``price_base_year``, for results saved before the field existed."""

APPRAISAL_COLUMNS = (
    "option",
    "base",
    "price_base_year",
    "first_financial_year",
    "last_financial_year",
    "replications",
    "npv_mean_gbp",
    "npv_ci_low_gbp",
    "npv_ci_high_gbp",
    "npv_sd_gbp",
    "payback_share",
    "payback_median_year_index",
    "payback_median_financial_year",
    "optimism_bias_pct",
    "policy_costs_pv_gbp",
    "vacancy_rate_points_avoided",
    "cost_per_vacancy_point_avoided_gbp",
    "sw_changes_avoided_pv",
    "cost_per_child_keeping_social_worker_gbp",
)
"""The columns of ``appraisal.csv``."""

CASHFLOW_COLUMNS = (
    "option",
    "financial_year",
    "year_index",
    "cost_difference_gbp",
    "discount_factor",
    "present_value_gbp",
)
"""The columns of ``appraisal_cashflows.csv``."""

SWITCHING_COLUMNS = (
    "option",
    "input",
    "kind",
    "unit",
    "base_value",
    "switching_value",
    "change_pct",
    "method",
    "note",
)
"""The columns of ``switching_values.csv``."""

COMPONENT_COLUMNS = (
    "option",
    "component",
    "base_present_value_gbp",
    "option_present_value_gbp",
    "difference_present_value_gbp",
)
"""The columns of ``appraisal_components.csv``: each kind of cost's present value over the
horizon in each arm and their difference (means over replications; the differences add up
to the NPV). ``policy_gbp`` is after optimism bias."""

CUMULATIVE_COLUMNS = (
    "option",
    "financial_year",
    "year_index",
    "part_year",
    "cumulative_present_value_gbp",
    "cumulative_ci_low_gbp",
    "cumulative_ci_high_gbp",
)
"""The columns of ``appraisal_cumulative.csv``: the running total of the present value by
financial year, mean over replications and its 95% t interval (the last year's mean is the
NPV); ``part_year`` marks a year the run covers only part of."""

GRID_COLUMNS = ("option", "input", "value", "npv_mean_gbp", "npv_ci_low_gbp", "npv_ci_high_gbp")
"""The columns of ``switching_grid.csv``: the NPV at each point of a behavioural grid."""

OUTCOME_COLUMNS = (
    "option",
    "metric",
    "unit",
    "description",
    "better",
    "mean_base",
    "mean_option",
    "diff",
    "ci_low",
    "ci_high",
    "p_better",
    "replications",
)
"""The columns of ``appraisal_outcomes.csv``, the outcomes listed but not monetised."""

POLICY_COMPONENT = "policy_gbp"
"""The policies' own costs, summed over policies, after optimism bias."""

COMPONENTS = (*COST_COMPONENTS, POLICY_COMPONENT)
"""The components of a cash flow (GBP)."""

MONETISED = frozenset({"total_cost_gbp", "agency_spend_gbp"})
"""Comparison metrics that are money, so not listed among the non-monetised outcomes."""

APPRAISAL_CSV = "appraisal.csv"
CASHFLOWS_CSV = "appraisal_cashflows.csv"
SWITCHING_CSV = "switching_values.csv"
GRID_CSV = "switching_grid.csv"
OUTCOMES_CSV = "appraisal_outcomes.csv"
COMPONENTS_CSV = "appraisal_components.csv"
CUMULATIVE_CSV = "appraisal_cumulative.csv"
REPLICATIONS_CSV = "appraisal_replications.csv"
COSTS_BY_YEAR_CSV = "costs_by_year.csv"
APPRAISAL_JSON = "appraisal.json"


# ----------------------------------------------------------------------- the result
@dataclass
class Appraisal:
    """Options appraised against a base.

    Attributes:
        table: one row per option (:data:`APPRAISAL_COLUMNS`), ``appraisal.csv``.
        cashflows: means over replications by option and financial year
            (:data:`CASHFLOW_COLUMNS`), ``appraisal_cashflows.csv``.
        switching: switching values (:data:`SWITCHING_COLUMNS`), ``switching_values.csv``.
        switching_grid: NPVs at each point of a behavioural grid, ``switching_grid.csv``.
        outcomes: the outcomes listed beside the money, ``appraisal_outcomes.csv``.
        replications: per replication and option, the NPV, its components' present values
            and the payback year, ``appraisal_replications.csv``.
        costs: every scenario's costs by financial and census year, per replication,
            ``costs_by_year.csv``.
        settings: the appraisal's assumptions (rates, optimism bias and its source, price
            base year), ``appraisal.json``.
        components: each kind of cost's present value in each arm
            (:data:`COMPONENT_COLUMNS`), ``appraisal_components.csv``.
        cumulative: the running total of the present value by financial year with its 95%
            interval (:data:`CUMULATIVE_COLUMNS`), ``appraisal_cumulative.csv``.
        comparison: the comparison appraised, if it is at hand.
    """

    table: pd.DataFrame
    cashflows: pd.DataFrame
    switching: pd.DataFrame
    switching_grid: pd.DataFrame
    outcomes: pd.DataFrame
    replications: pd.DataFrame
    costs: pd.DataFrame
    settings: dict[str, Any]
    components: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(COMPONENT_COLUMNS))
    )
    cumulative: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(CUMULATIVE_COLUMNS))
    )
    comparison: ComparisonResults | None = None
    path: Path | None = field(default=None)

    def save(self, directory: str | Path) -> Path:
        """Write the appraisal's files to ``directory`` (each atomically)."""
        folder = io.ensure_writable_dir(directory)
        io.write_csv(self.table, folder / APPRAISAL_CSV)
        io.write_csv(self.cashflows, folder / CASHFLOWS_CSV)
        io.write_csv(self.switching, folder / SWITCHING_CSV)
        io.write_csv(self.switching_grid, folder / GRID_CSV)
        io.write_csv(self.outcomes, folder / OUTCOMES_CSV)
        io.write_csv(self.replications, folder / REPLICATIONS_CSV)
        io.write_csv(self.costs, folder / COSTS_BY_YEAR_CSV)
        io.write_csv(self.components, folder / COMPONENTS_CSV)
        io.write_csv(self.cumulative, folder / CUMULATIVE_CSV)
        io.write_json(self.settings, folder / APPRAISAL_JSON)
        self.path = folder
        return folder

    @classmethod
    def load(cls, directory: str | Path) -> Appraisal:
        """Read an appraisal saved by :meth:`save` (the comparison is not loaded).

        A folder saved before the components and running totals were written loads with
        those two tables empty."""
        folder = Path(directory)
        text = {"option": str, "financial_year": str, "payback_median_financial_year": str}

        def read(name: str) -> pd.DataFrame:
            return pd.read_csv(folder / name, dtype={k: v for k, v in text.items()})

        return cls(
            table=read(APPRAISAL_CSV),
            cashflows=read(CASHFLOWS_CSV),
            switching=read(SWITCHING_CSV),
            switching_grid=read(GRID_CSV),
            outcomes=read(OUTCOMES_CSV),
            replications=read(REPLICATIONS_CSV),
            costs=pd.read_csv(folder / COSTS_BY_YEAR_CSV, dtype={"year": str}),
            settings=io.read_json(folder / APPRAISAL_JSON),
            components=read(COMPONENTS_CSV)
            if (folder / COMPONENTS_CSV).is_file()
            else pd.DataFrame(columns=list(COMPONENT_COLUMNS)),
            cumulative=read(CUMULATIVE_CSV)
            if (folder / CUMULATIVE_CSV).is_file()
            else pd.DataFrame(columns=list(CUMULATIVE_COLUMNS)),
            path=folder,
        )

    def __repr__(self) -> str:
        options = list(self.table["option"]) if not self.table.empty else []
        return f"<Appraisal of {options} against {self.settings.get('base')!r}>"


# --------------------------------------------------------------------- cash flows
def _with_policy_component(costs: pd.DataFrame, uplift: float) -> pd.DataFrame:
    """``costs`` with the policies' own costs summed and uplifted into one column."""
    policy = [
        c
        for c in costs.columns
        if c.startswith(POLICY_ONE_OFF_PREFIX) or c.startswith(POLICY_RUNNING_PREFIX)
    ]
    out = costs.copy()
    out[POLICY_COMPONENT] = costs[policy].sum(axis=1) * uplift if policy else 0.0
    out["policy_stated_gbp"] = costs[policy].sum(axis=1) if policy else 0.0
    return out


def _paired_flows(
    base: pd.DataFrame, option: pd.DataFrame, uplift: float, first_year: int
) -> pd.DataFrame:
    """Per replication and financial year: each component's difference, the cost
    difference, the discount factor and the present value."""
    keep = ["replication", "year", *COMPONENTS, "policy_stated_gbp", "sw_changes"]
    b = _with_policy_component(base, uplift)[keep]
    o = _with_policy_component(option, uplift)[keep]
    merged = b.merge(o, on=["replication", "year"], suffixes=("_base", "_option"), how="outer")
    if merged.isna().any().any():
        raise UserError(
            "the base and the option do not cover the same replications and financial "
            "years; compare scenarios with the same start date and horizon"
        )
    out = merged[["replication", "year"]].rename(columns={"year": "financial_year"})
    out["year_index"] = [int(y[:4]) - first_year for y in out["financial_year"]]
    for c in (*COMPONENTS, "policy_stated_gbp", "sw_changes"):
        out[f"{c}_diff"] = merged[f"{c}_option"] - merged[f"{c}_base"]
    for c in COMPONENTS:
        out[f"{c}_base"] = merged[f"{c}_base"]
        out[f"{c}_option"] = merged[f"{c}_option"]
    out["policy_stated_option_gbp"] = merged["policy_stated_gbp_option"]
    out["cost_difference_gbp"] = out[[f"{c}_diff" for c in COMPONENTS]].sum(axis=1)
    out["discount_factor"] = [discount_factor(t) for t in out["year_index"]]
    out["present_value_gbp"] = out["cost_difference_gbp"] * out["discount_factor"]
    return out.sort_values(["replication", "year_index"], kind="stable", ignore_index=True)


def payback_label(first_year: int, year_index: float) -> str:
    """The financial year of a (median) payback year index; two years if it falls between."""
    if math.isnan(year_index):
        return ""
    low = math.floor(year_index)
    if low == year_index:
        return financial_year_label(first_year + low)
    return f"{financial_year_label(first_year + low)}/{financial_year_label(first_year + low + 1)}"


def _payback_year(flows: pd.DataFrame) -> float:
    """The first year, counting from the first whose cost difference is not zero, in which
    the cumulative discounted difference is at or below zero (NaN if none; the first year
    if the costs never differ). Years before an option's policies start differ by exactly
    nothing on common random numbers and would otherwise count as paid back."""
    pv = flows["present_value_gbp"].to_numpy()
    moved = np.flatnonzero(pv != 0.0)
    if not moved.size:
        return float(flows["year_index"].iloc[0])
    cumulative = np.cumsum(pv)
    hits = np.flatnonzero(cumulative[moved[0] :] <= 0.0)
    return float(flows["year_index"].iloc[moved[0] + hits[0]]) if hits.size else math.nan


def _vacancy_points_avoided(base_annual: pd.DataFrame, option_annual: pd.DataFrame) -> pd.Series:
    """Per replication: base minus option vacancy rate, mean over snapshots (points)."""
    metric = "vacancy_rate_fte"
    if metric not in base_annual or metric not in option_annual or base_annual.empty:
        return pd.Series(dtype=float)
    b = tables.period_values(base_annual, [metric])
    o = tables.period_values(option_annual, [metric])
    b = b[b["period"] == tables.ALL_PERIODS].set_index("replication")["value"]
    o = o[o["period"] == tables.ALL_PERIODS].set_index("replication")["value"]
    return (b - o).dropna()


def _price_base_year(comparison: ComparisonResults) -> int:
    years = {
        label: int(r.scenario.get("price_base_year", PRICE_BASE_YEAR_DEFAULT))
        for label, r in comparison.results.items()
    }
    if len(set(years.values())) != 1:
        listed = ", ".join(f"{k}: {v}" for k, v in years.items())
        raise UserError(
            f"the scenarios state different price base years ({listed}); an appraisal "
            "compares costs in one year's prices, so give them the same price_base_year"
        )
    return next(iter(years.values()))


def _check_same_run(comparison: ComparisonResults) -> None:
    spans = {
        label: (str(r.scenario["start_date"]), float(r.scenario["horizon_years"]))
        for label, r in comparison.results.items()
    }
    if len(set(spans.values())) != 1:
        listed = ", ".join(f"{k}: from {s} for {y:g} years" for k, (s, y) in spans.items())
        raise UserError(
            f"the scenarios cover different periods ({listed}); an appraisal needs the "
            "same start date and horizon in every scenario"
        )


# ---------------------------------------------------------------- switching values
@dataclass(frozen=True)
class _PriceInput:
    name: str
    component: str
    unit: str
    kind: str  # "linear": value x s; "one_plus": (1 + value) s - 1; "percent": (1 + v/100) s - 1


_PRICE_INPUTS = (
    _PriceInput("costs.agency_day_rate_gbp", "agency_spend_gbp", "GBP/day", "linear"),
    _PriceInput(
        "costs.salary_gbp_per_year + costs.retention_supplement_gbp_per_year",
        "employed_pay_gbp",
        "GBP/year",
        "linear",
    ),
    _PriceInput("costs.on_cost_share", "employed_pay_gbp", "fraction of salary", "one_plus"),
    _PriceInput("costs.recruitment_gbp_per_campaign", "recruitment_gbp", "GBP", "linear"),
    _PriceInput(
        "costs.newly_qualified_support_gbp", "newly_qualified_support_gbp", "GBP", "linear"
    ),
    _PriceInput(
        "policies' own costs, as stated (total over the horizon, option)",
        POLICY_COMPONENT,
        "GBP",
        "linear",
    ),
    _PriceInput("optimism bias on the policies' own costs", POLICY_COMPONENT, "%", "percent"),
)

PRICE_METHOD = (
    "cost split, no re-run: NPV = NPV_other + s x NPV_component with every rate of this "
    "price scaled by s in both arms in every year; switching value at s* = 1 - NPV / "
    "NPV_component; behaviour held as run"
)


def _price_value(
    scenario: Mapping[str, Any], item: _PriceInput, option_policy: float, ob: float
) -> float:
    costs = scenario.get("costs", {})
    if item.name.startswith("costs.salary"):
        return float(costs["salary_gbp_per_year"]) + float(
            costs.get("retention_supplement_gbp_per_year", 0.0)
        )
    if item.name.startswith("costs."):
        return float(costs[item.name.removeprefix("costs.")])
    if item.kind == "percent":
        return ob
    return option_policy


def _has_price_cap(scenario: Mapping[str, Any]) -> bool:
    if scenario.get("agency", {}).get("price_cap_gbp_per_day") is not None:
        return True
    return any(
        "agency.price_cap_gbp_per_day" in p.get("set", {}) for p in scenario.get("policies", ())
    )


def _price_switching(
    option: str,
    npv: float,
    component_pv: Mapping[str, float],
    base_scenario: Mapping[str, Any],
    option_scenario: Mapping[str, Any],
    option_policy_stated: float,
    ob_pct: float,
) -> list[dict[str, Any]]:
    rows = []
    capped = _has_price_cap(base_scenario) or _has_price_cap(option_scenario)
    for item in _PRICE_INPUTS:
        value = _price_value(base_scenario, item, option_policy_stated, ob_pct)
        n_c = component_pv[item.component]
        notes = []
        switching = math.nan
        if n_c == 0.0:
            notes.append(
                "this cost is the same in option and base: no value of it changes the sign"
            )
        else:
            s = 1.0 - npv / n_c
            if item.kind == "linear":
                switching = value * s
            elif item.kind == "one_plus":
                switching = (1.0 + value) * s - 1.0
            else:
                switching = ((1.0 + value / 100.0) * s - 1.0) * 100.0
            if switching < 0:
                notes.append(
                    f"the sign would change only at {switching:,.4g}, below zero: no real value "
                    "of this input changes it"
                )
                switching = math.nan
        if item.component == "agency_spend_gbp" and capped:
            notes.append("a price cap binds in a scenario, so spend is not exactly proportional")
        if item.component == "employed_pay_gbp" and item.kind == "linear":
            notes.append("pay also drives resignations and applicants (pay effects), held as run")
        change = (
            (switching - value) / value * 100.0 if value and not math.isnan(switching) else math.nan
        )
        rows.append(
            {
                "option": option,
                "input": item.name,
                "kind": "price",
                "unit": item.unit,
                "base_value": value,
                "switching_value": switching,
                "change_pct": change,
                "method": PRICE_METHOD,
                "note": "; ".join(notes),
            }
        )
    return rows


# -------------------------------------------------------------------- the appraisal
def appraise_comparison(
    comparison: ComparisonResults,
    *,
    optimism_bias_pct: float = OPTIMISM_BIAS_PCT,
    confidence: float = 0.95,
) -> Appraisal:
    """Appraise each option of ``comparison`` against its base (see the module's notes).

    Needs the comparison's monthly tables (in memory, or saved beside it). The switching
    values are those of the price inputs; :func:`staffsim.appraisal.behaviour.behavioural_switching`
    adds behavioural ones by re-running.
    """
    if not 0 <= optimism_bias_pct <= 1000 or math.isnan(optimism_bias_pct):
        raise UserError(
            f"optimism bias is a percentage from 0 to 1000, such as 41; got {optimism_bias_pct}"
        )
    _check_same_run(comparison)
    price_year = _price_base_year(comparison)
    uplift = 1.0 + optimism_bias_pct / 100.0
    costs = {label: costs_by_year(r) for label, r in comparison.results.items()}
    all_costs = _stack_costs(list(costs.values()))
    financial = {k: v[v["year_type"] == FINANCIAL] for k, v in costs.items()}
    base_label = comparison.base
    base_fy = financial[base_label]
    if base_fy.empty:
        raise UserError("the comparison has no monthly costs to appraise")
    first_year = min(int(str(y)[:4]) for y in base_fy["year"])
    last_year = max(int(str(y)[:4]) for y in base_fy["year"])
    base_res = comparison.results[base_label]
    part_year = (
        base_fy.drop_duplicates("year").set_index("year")["part_year"].astype(bool).to_dict()
    )
    rows, flows_rows, switching_rows, per_rep, outcomes = [], [], [], [], []
    component_rows: list[dict[str, Any]] = []
    cumulative_rows: list[dict[str, Any]] = []
    for option in comparison.options:
        opt_res = comparison.results[option]
        flows = _paired_flows(base_fy, financial[option], uplift, first_year)
        by_rep = flows.groupby("replication", sort=True)
        npv = by_rep["present_value_gbp"].sum()
        component_pv = {
            c: (flows[f"{c}_diff"] * flows["discount_factor"]).groupby(flows["replication"]).sum()
            for c in COMPONENTS
        }
        sw_avoided = (
            (-flows["sw_changes_diff"] * flows["discount_factor"])
            .groupby(flows["replication"])
            .sum()
        )
        payback = by_rep.apply(_payback_year, include_groups=False)
        rep_table = pd.DataFrame(
            {
                "option": option,
                "replication": npv.index,
                "npv_gbp": npv.to_numpy(),
                **{f"pv_{c}": component_pv[c].to_numpy() for c in COMPONENTS},
                "sw_changes_avoided_pv": sw_avoided.to_numpy(),
                "payback_year_index": payback.reindex(npv.index).to_numpy(),
            }
        )
        per_rep.append(rep_table)
        interval = stats.t_interval(npv.to_numpy(), confidence)
        paid = payback.dropna()
        median = float(paid.median()) if not paid.empty else math.nan
        points = _vacancy_points_avoided(base_res.annual, opt_res.annual)
        points = points.reindex(npv.index)
        points_mean = float(points.mean()) if points.notna().any() else math.nan
        sw_mean = float(sw_avoided.mean())
        policy_pv = float(component_pv[POLICY_COMPONENT].mean())
        rows.append(
            {
                "option": option,
                "base": base_label,
                "price_base_year": financial_year_label(price_year),
                "first_financial_year": financial_year_label(first_year),
                "last_financial_year": financial_year_label(last_year),
                "replications": interval.n,
                "npv_mean_gbp": interval.mean,
                "npv_ci_low_gbp": interval.low,
                "npv_ci_high_gbp": interval.high,
                "npv_sd_gbp": interval.sd,
                "payback_share": float(len(paid) / len(payback)) if len(payback) else math.nan,
                "payback_median_year_index": median,
                "payback_median_financial_year": payback_label(first_year, median),
                "optimism_bias_pct": optimism_bias_pct,
                "policy_costs_pv_gbp": policy_pv,
                "vacancy_rate_points_avoided": points_mean,
                "cost_per_vacancy_point_avoided_gbp": _per_unit(interval.mean, points_mean),
                "sw_changes_avoided_pv": sw_mean,
                "cost_per_child_keeping_social_worker_gbp": _per_unit(interval.mean, sw_mean),
            }
        )
        means = flows.groupby(["financial_year", "year_index"], sort=False)[
            ["cost_difference_gbp", "discount_factor"]
        ].mean()
        for (year, index), m in means.iterrows():
            flows_rows.append(
                {
                    "option": option,
                    "financial_year": year,
                    "year_index": int(index),
                    "cost_difference_gbp": float(m["cost_difference_gbp"]),
                    "discount_factor": float(m["discount_factor"]),
                    "present_value_gbp": float(m["cost_difference_gbp"] * m["discount_factor"]),
                }
            )
        for c in COMPONENTS:
            level = {
                arm: float(
                    (flows[f"{c}_{arm}"] * flows["discount_factor"])
                    .groupby(flows["replication"])
                    .sum()
                    .mean()
                )
                for arm in ("base", "option")
            }
            component_rows.append(
                {
                    "option": option,
                    "component": c,
                    "base_present_value_gbp": level["base"],
                    "option_present_value_gbp": level["option"],
                    "difference_present_value_gbp": float(component_pv[c].mean()),
                }
            )
        running = flows.assign(
            cumulative=flows.groupby("replication")["present_value_gbp"].cumsum()
        )
        for (year, index), part in running.groupby(["financial_year", "year_index"], sort=False):
            band = stats.t_interval(part["cumulative"].to_numpy(), confidence)
            cumulative_rows.append(
                {
                    "option": option,
                    "financial_year": year,
                    "year_index": int(index),
                    "part_year": bool(part_year.get(year, False)),
                    "cumulative_present_value_gbp": band.mean,
                    "cumulative_ci_low_gbp": band.low,
                    "cumulative_ci_high_gbp": band.high,
                }
            )
        stated = float(flows.groupby("replication")["policy_stated_option_gbp"].sum().mean())
        switching_rows += _price_switching(
            option,
            interval.mean,
            {c: float(v.mean()) for c, v in component_pv.items()},
            base_res.scenario,
            opt_res.scenario,
            stated,
            optimism_bias_pct,
        )
        outcomes.append(_outcomes(comparison.comparison, option))
    settings = {
        "base": base_label,
        "options": comparison.options,
        "price_base_year": price_year,
        "price_base_financial_year": financial_year_label(price_year),
        "prices": "real, constant prices of the price base year (the model holds every "
        "price constant)",
        "discounting": {
            "rate_years_0_to_30": STPR_FIRST_YEARS,
            "rate_after_30": STPR_LATER,
            "switch_year": STPR_SWITCH_YEAR,
            "source": "HM Treasury, The Green Book (2022), Annex A6: social time preference "
            "rate, 3.5% for years 0-30 and 3.0% for years 31-75",
            "year_index_0": financial_year_label(first_year),
        },
        "optimism_bias_pct": optimism_bias_pct,
        "optimism_bias_applies_to": "the policies' own one-off and running costs, both arms",
        "optimism_bias_source": OPTIMISM_BIAS_SOURCE,
        "confidence": confidence,
        "replications": comparison.manifest.get("replications"),
        "seed": comparison.manifest.get("seed"),
        "behavioural_grid": {},
    }
    return Appraisal(
        table=pd.DataFrame(rows, columns=list(APPRAISAL_COLUMNS)),
        cashflows=pd.DataFrame(flows_rows, columns=list(CASHFLOW_COLUMNS)),
        switching=pd.DataFrame(switching_rows, columns=list(SWITCHING_COLUMNS)),
        switching_grid=pd.DataFrame(columns=list(GRID_COLUMNS)),
        outcomes=pd.concat(outcomes, ignore_index=True)
        if outcomes
        else pd.DataFrame(columns=list(OUTCOME_COLUMNS)),
        replications=pd.concat(per_rep, ignore_index=True),
        costs=all_costs,
        settings=settings,
        components=pd.DataFrame(component_rows, columns=list(COMPONENT_COLUMNS)),
        cumulative=pd.DataFrame(cumulative_rows, columns=list(CUMULATIVE_COLUMNS)),
        comparison=comparison,
    )


def _per_unit(npv: float, units: float) -> float:
    """NPV per unit of outcome gained; NaN unless the option gains some of it."""
    if math.isnan(units) or units <= 0:
        return math.nan
    return npv / units


def _outcomes(comparison: pd.DataFrame, option: str) -> pd.DataFrame:
    rows = comparison[
        (comparison["option"] == option)
        & (comparison["period"].astype(str) == tables.ALL_PERIODS)
        & ~comparison["metric"].isin(MONETISED)
    ]
    out = rows[
        ["option", "metric", "mean_base", "mean_option", "diff", "ci_low", "ci_high", "p_better"]
    ].copy()
    out["replications"] = rows["replications"].to_numpy()
    out["unit"] = [METRICS[m].unit if m in METRICS else "" for m in out["metric"]]
    out["description"] = [METRICS[m].description if m in METRICS else "" for m in out["metric"]]
    out["better"] = [METRICS[m].better if m in METRICS else "" for m in out["metric"]]
    return out[list(OUTCOME_COLUMNS)].reset_index(drop=True)


def _stack_costs(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Scenarios' cost tables one below the other; a policy a scenario lacks costs it 0."""
    out = pd.concat(frames, ignore_index=True)
    policy = [c for c in out.columns if c.startswith(("policy_one_off_gbp", "policy_running_gbp"))]
    out[policy] = out[policy].fillna(0.0)
    tail = ["total_cost_gbp", "sw_changes"]
    return out[[c for c in out.columns if c not in tail] + tail]

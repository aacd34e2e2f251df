"""The executive summary of a comparison, in plain words, generated from the results.

For each option: what changes (its policies), by how much (the key metrics at the last
census, option against base, with 95% intervals), at what cost (net present value and
payback) and how sure (intervals clear of zero, the share of paired replications in which
the option did better). Nothing here is hand-written about a particular run: every number
and every "lower" or "higher" comes from the tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from staffsim.charts.style import display_name
from staffsim.report.scenario_text import PolicyText
from staffsim.results.labels import get_label
from staffsim.results.metrics import METRICS

__all__ = ["SUMMARY_METRICS", "option_summary"]

SUMMARY_METRICS = (
    "vacancy_rate_fte",
    "agency_rate_fte",
    "turnover_rate_fte",
    "caseload_fte",
    "cases_unallocated",
    "children_3plus_sw_pct",
)
"""The service measures the summary reports (cost is reported as a present value)."""


def _money(value: float) -> str:
    return f"£{abs(value) / 1e6:,.1f}m"


def _signed(value: float) -> str:
    return f"-{_money(value)}" if value < 0 else _money(value)


def _policies_sentence(policies: Sequence[PolicyText]) -> str:
    if not policies:
        return "It has no policies the base does not have; it differs in its starting values."
    names = [f"{p.name} (from {p.date})" for p in policies]
    listed = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
    one_off = sum(p.one_off_gbp for p in policies)
    yearly = sum(p.per_year_gbp for p in policies)
    return (
        f"It adds {listed}, with stated policy costs of {_money(one_off)} one-off and "
        f"{_money(yearly)} a year on top of the pay of any extra posts."
    )


def _metric_sentence(metric: str, row: pd.Series) -> str:
    label = get_label(metric)
    diff = float(row["diff"])
    size = label.format_change(abs(diff)).lstrip("+")
    direction = "lower" if diff < 0 else "higher" if diff > 0 else "unchanged"
    interval = f"95% CI {label.format_interval(float(row['ci_low']), float(row['ci_high']))}"
    levels = (
        f"{label.format(float(row['mean_option']))} against {label.format(float(row['mean_base']))}"
    )
    if direction == "unchanged":
        return f"{label.label}: unchanged ({levels})."
    return f"{label.label}: {size} {direction} ({levels}; {interval})."


def option_summary(
    comparison: pd.DataFrame,
    option: str,
    base: str,
    policies: Sequence[PolicyText],
    npv: Mapping[str, Any] | None,
    replications: int,
) -> dict[str, Any]:
    """The summary of one option: a headline and the sentences of each part.

    ``comparison`` is the comparison table; ``npv`` the option's row of the appraisal
    (``appraisal.csv``: ``npv_mean_gbp, npv_ci_low_gbp, npv_ci_high_gbp, payback_share,
    payback_median_financial_year, optimism_bias_pct``) or ``None``.
    Returns ``{"headline", "what", "how_much" (list), "last_period", "cost", "how_sure"}``.
    """
    rows = comparison[(comparison["option"] == option) & (comparison["period"] != "all")]
    last = str(max(rows["period"], key=lambda p: float(p))) if not rows.empty else ""
    final = rows[rows["period"] == last].set_index("metric")
    how_much = [_metric_sentence(m, final.loc[m]) for m in SUMMARY_METRICS if m in final.index]
    clear, better, total = 0, [], 0
    for metric in SUMMARY_METRICS:
        if metric not in final.index:
            continue
        row = final.loc[metric]
        total += 1
        if float(row["ci_low"]) > 0 or float(row["ci_high"]) < 0:
            clear += 1
        good = METRICS[metric].better
        improved = float(row["diff"]) < 0 if good == "lower" else float(row["diff"]) > 0
        if improved:
            better.append(get_label(metric).label.lower())
    name = display_name(option)
    headline = (
        f"{name} does better than {display_name(base)} on {len(better)} of {total} service "
        f"measures by September {last}"
    )
    cost = ""
    if npv is not None:
        mean = float(npv["npv_mean_gbp"])
        low, high = float(npv["npv_ci_low_gbp"]), float(npv["npv_ci_high_gbp"])
        more = f"costs {_money(mean)} more" if mean > 0 else f"saves {_money(mean)}"
        cost = (
            f"Over the horizon it {more} than the base in present value at the Green Book's "
            f"3.5% discount rate, with an optimism bias of {float(npv['optimism_bias_pct']):g}% "
            f"on the policies' own costs (net present value 95% CI {_signed(low)} to "
            f"{_signed(high)}; positive means the option costs more)."
        )
        share = float(npv["payback_share"])
        year = str(npv.get("payback_median_financial_year") or "")
        if share > 0 and year not in ("", "nan"):
            cost += (
                f" It pays back within the horizon in {share:.0%} of runs, in a median year "
                f"of {year}."
            )
        else:
            cost += " It does not pay back within the horizon in any run."
        headline += f", at a net present cost of {_signed(mean)}"
    how_sure = (
        f"{clear} of {total} of these differences have 95% confidence intervals clear of "
        f"zero, from {replications} paired replications on common random numbers (the same "
        "random numbers for base and option, so the differences are the policies' own). The "
        "bands in the fan charts show how differently single runs turn out; a real service "
        "is one run."
    )
    return {
        "headline": headline + ".",
        "what": _policies_sentence(policies),
        "how_much": how_much,
        "last_period": last,
        "cost": cost,
        "how_sure": how_sure,
        "better": better,
    }

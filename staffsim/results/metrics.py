"""The metric registry: what each compared metric means, its unit and which way is better.

A metric is a column of ``annual.csv``. Its direction is declared once, here, so that a
comparison's ``p_better`` (the share of replications in which an option did better) and the
replication-precision rule (``--precision``) read the same definition everywhere. Headline
metrics are the ones a run must estimate precisely before ``--precision`` is satisfied; they
are chosen to be clearly non-zero in any working service, because a relative precision on a
mean near zero cannot be reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["KEY_METRICS", "METRICS", "Metric", "get_metric", "headline_metrics"]


@dataclass(frozen=True)
class Metric:
    """One registered metric (a column of ``annual.csv``)."""

    name: str
    description: str
    unit: str
    better: Literal["lower", "higher"]
    headline: bool = False

    def is_better(self, option: float, base: float) -> bool:
        """Whether ``option`` is strictly better than ``base`` in this metric's direction."""
        return option < base if self.better == "lower" else option > base


_REGISTERED = (
    Metric(
        "vacancy_rate_fte",
        "Vacant posts as a share of vacant plus employed FTE on 30 September (DfE definition).",
        "%",
        "lower",
        headline=True,
    ),
    Metric(
        "agency_rate_fte",
        "Agency FTE as a share of agency plus employed FTE on 30 September (DfE definition).",
        "%",
        "lower",
        headline=True,
    ),
    Metric(
        "turnover_rate_fte",
        "Employed FTE who left in the year to 30 September over FTE in post on the day.",
        "%",
        "lower",
        headline=True,
    ),
    Metric(
        "caseload_fte",
        "Cases held per FTE of case holders on 30 September.",
        "cases/FTE",
        "lower",
        headline=True,
    ),
    Metric(
        "children_3plus_sw_pct",
        "Children with a case open in the year to 30 September who had 3 or more social "
        "workers in that year.",
        "%",
        "lower",
    ),
    Metric(
        "cases_unallocated",
        "Cases waiting for a social worker on 30 September.",
        "cases",
        "lower",
    ),
    Metric(
        "wait_days_mean",
        "Mean days from arrival to first allocation of the cases allocated in the year.",
        "days",
        "lower",
    ),
    Metric(
        "total_cost_gbp",
        "Employed pay, agency spend, recruitment, newly qualified support and policy costs "
        "in the year to 30 September.",
        "GBP",
        "lower",
        headline=True,
    ),
    Metric(
        "agency_spend_gbp",
        "Spend on agency workers in the year to 30 September.",
        "GBP",
        "lower",
    ),
    Metric(
        "sw_changes",
        "Changes of social worker for a child (reallocations) in the year to 30 September.",
        "changes",
        "lower",
    ),
    Metric(
        "pressure",
        "Direct-work hours the open cases need over the hours case holders have, on 30 September.",
        "ratio",
        "lower",
    ),
)

METRICS: dict[str, Metric] = {m.name: m for m in _REGISTERED}
"""Every registered metric by name, in display order."""

KEY_METRICS: tuple[str, ...] = (
    "vacancy_rate_fte",
    "agency_rate_fte",
    "turnover_rate_fte",
    "caseload_fte",
    "children_3plus_sw_pct",
    "cases_unallocated",
    "wait_days_mean",
    "total_cost_gbp",
)
"""The metrics summaries and comparisons report unless told otherwise."""


def get_metric(name: str) -> Metric:
    """The registered metric ``name``; ``KeyError`` naming the known ones if it is not one."""
    try:
        return METRICS[name]
    except KeyError:
        known = ", ".join(METRICS)
        raise KeyError(f"{name!r} is not a registered metric; known metrics: {known}") from None


def headline_metrics() -> tuple[str, ...]:
    """Names of the headline metrics, the ones ``--precision`` must estimate precisely."""
    return tuple(m.name for m in _REGISTERED if m.headline)

"""The metric registry: what each compared metric means, its unit and which way is better.

A metric is a column of ``annual.csv`` (registered, with its unit and definition, in
:mod:`staffsim.registry`). Its direction is declared once, here, so that a
comparison's ``p_better`` (the share of replications in which an option did better) and the
replication-precision rule (``--precision``) read the same definition everywhere. Headline
metrics are the ones a run must estimate precisely before ``--precision`` is satisfied; they
are chosen to be clearly non-zero in any working service, because a relative precision on a
mean near zero cannot be reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from staffsim.registry import ANNUAL

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


def _metric(name: str, better: Literal["lower", "higher"], headline: bool = False) -> Metric:
    """The metric of the registered ``annual.csv`` column ``name`` (its unit and definition
    come from the model's column registry)."""
    column = _ANNUAL[name]
    return Metric(name, column.definition, column.unit, better, headline)


_ANNUAL = {c.name: c for c in ANNUAL}

_REGISTERED = (
    _metric("vacancy_rate_fte", "lower", headline=True),
    _metric("agency_rate_fte", "lower", headline=True),
    _metric("turnover_rate_fte", "lower", headline=True),
    _metric("caseload_fte", "lower", headline=True),
    _metric("children_3plus_sw_pct", "lower"),
    _metric("cases_unallocated", "lower"),
    _metric("wait_days_mean", "lower"),
    _metric("total_cost_gbp", "lower", headline=True),
    _metric("agency_spend_gbp", "lower"),
    _metric("sw_changes", "lower"),
    _metric("pressure", "lower"),
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

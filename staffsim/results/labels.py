"""Plain-English labels and display units for the columns charts and reports show.

The metric registry (:mod:`staffsim.results.metrics`) says what a metric means and which way
is better; this table says how to show it to a reader: a short label, the kind of value it
holds and the unit an axis names. Values keep their stored units (rates in percent in the
annual table, fractions in the monthly one, money in pounds); :meth:`Label.to_display`
turns a stored value into the displayed one (fractions to percent, pounds to millions), so
percentages are shown as percentages and money in GBP millions everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "LABELS",
    "LEVER_LABELS",
    "Label",
    "get_label",
    "lever_label",
]

Kind = Literal["percent", "fraction", "gbp", "count", "ratio", "rate"]


@dataclass(frozen=True)
class Label:
    """How one column is shown.

    ``kind`` is how the column is stored: ``percent`` (already 0-100), ``fraction``
    (0-1, shown as percent), ``gbp`` (pounds, shown in millions), ``count``, ``ratio`` or
    ``rate`` (any other number with a unit). ``unit`` is the unit of a count, ratio or rate
    (``"cases per FTE"``); percentages and money have theirs fixed.
    """

    name: str
    label: str
    kind: Kind
    unit: str = ""

    @property
    def display_unit(self) -> str:
        """The unit of the displayed value (``%``, ``GBP m``, or the column's own)."""
        if self.kind in ("percent", "fraction"):
            return "%"
        if self.kind == "gbp":
            return "£ million"
        return self.unit

    @property
    def scale(self) -> float:
        """Stored value x scale = displayed value."""
        if self.kind == "fraction":
            return 100.0
        if self.kind == "gbp":
            return 1e-6
        return 1.0

    def to_display(self, value: float) -> float:
        """The displayed value of a stored ``value``."""
        return value * self.scale

    def format(self, value: float, digits: int = 1) -> str:
        """A displayed value as text: ``31.2%``, ``£4.3m``, ``16.4 cases per FTE``."""
        shown = self.to_display(value)
        if self.kind in ("percent", "fraction"):
            return f"{shown:.{digits}f}%"
        if self.kind == "gbp":
            sign = "-" if shown < 0 else ""
            return f"{sign}£{abs(shown):,.{digits}f}m"
        if self.kind == "count":
            return f"{shown:,.0f} {self.unit}".rstrip()
        return f"{shown:,.{digits}f} {self.unit}".rstrip()

    def format_change(self, value: float, digits: int = 1) -> str:
        """A displayed difference as text, signed: ``-3.1 percentage points``, ``+£2.0m``."""
        shown = self.to_display(value)
        sign = "+" if shown > 0 else "-" if shown < 0 else ""
        size = abs(shown)
        if self.kind in ("percent", "fraction"):
            return f"{sign}{size:.{digits}f} percentage points"
        if self.kind == "gbp":
            return f"{sign}£{size:,.{digits}f}m"
        if self.kind == "count":
            return f"{sign}{size:,.0f} {self.unit}".rstrip()
        return f"{sign}{size:,.{digits}f} {self.unit}".rstrip()

    def format_interval(self, low: float, high: float, digits: int = 1) -> str:
        """An interval of a difference as text, the unit once: ``-8.1 to -4.2``,
        ``-£0.3m to £1.2m``."""
        if self.kind == "gbp":
            return f"{self.format(low, digits)} to {self.format(high, digits)}"
        places = 0 if self.kind == "count" else digits
        a, b = self.to_display(low), self.to_display(high)
        return f"{a:+,.{places}f} to {b:+,.{places}f}"


_TABLE = (
    # Annual (30 September snapshot) metrics, as in the metric registry.
    Label("vacancy_rate_fte", "Vacancy rate", "percent"),
    Label("agency_rate_fte", "Agency rate", "percent"),
    Label("turnover_rate_fte", "Turnover rate", "percent"),
    Label("caseload_fte", "Caseload", "rate", "cases per FTE"),
    Label("children_3plus_sw_pct", "Children with 3 or more social workers in the year", "percent"),
    Label("cases_unallocated", "Children waiting for a social worker", "count", "cases"),
    Label("wait_days_mean", "Mean wait for a social worker", "rate", "days"),
    Label("total_cost_gbp", "Total cost", "gbp"),
    Label("agency_spend_gbp", "Agency spend", "gbp"),
    Label("employed_pay_gbp", "Employed pay with on-costs", "gbp"),
    Label("recruitment_gbp", "Recruitment", "gbp"),
    Label("newly_qualified_support_gbp", "Newly qualified support", "gbp"),
    Label("policy_gbp", "Policy costs", "gbp"),
    Label("sw_changes", "Changes of social worker", "count", "changes"),
    Label("pressure", "Workload pressure", "ratio", "hours needed per hour available"),
    Label("quality_index", "Practice quality", "ratio", "index, 0 to 1"),
    Label("reputation", "Reputation", "ratio", "index, 0 to 1"),
    # Monthly series (month-end stocks, fractions).
    Label("vacancy_fraction", "Vacancy rate", "fraction"),
    Label("agency_fraction", "Agency rate", "fraction"),
    Label("caseload_mean", "Caseload", "rate", "cases per FTE"),
    Label("cases_waiting", "Children waiting for a social worker", "count", "cases"),
)

LABELS: dict[str, Label] = {entry.name: entry for entry in _TABLE}
"""Every labelled column by name."""

LEVER_LABELS: dict[str, Label] = {
    entry.name: entry
    for entry in (
        Label("capacity.admin_share", "Share of time on recording and admin", "fraction"),
        Label("caseload.target_per_fte", "Caseload target", "rate", "weighted cases per FTE"),
        Label("caseload.ceiling_per_fte", "Caseload ceiling", "rate", "weighted cases per FTE"),
        Label("pathways.transfer_rate_per_year", "Transfers between teams", "rate", "a year"),
        Label("establishment.case_holding_posts", "Case-holding posts", "count", "posts"),
        Label("culture.just_culture", "Just culture", "ratio", "index, 0 to 1"),
        Label("culture.target", "Just culture target", "ratio", "index, 0 to 1"),
        Label("costs.agency_day_rate_gbp", "Agency day rate", "rate", "£ a day"),
        Label("costs.salary_gbp_per_year", "Salary", "rate", "£ a year"),
        Label(
            "costs.retention_supplement_gbp_per_year", "Retention supplement", "rate", "£ a year"
        ),
        Label("costs.on_cost_share", "On-costs", "fraction"),
        Label("costs.recruitment_gbp_per_campaign", "Recruitment cost per campaign", "rate", "£"),
        Label("costs.newly_qualified_support_gbp", "Newly qualified support", "rate", "£ each"),
        Label("agency.availability", "Agency availability", "fraction"),
        Label("capacity.supervision_hours_per_month", "Supervision", "rate", "hours a month"),
        Label("attrition.resignation_rate_per_year", "Resignation rate (no pressure)", "fraction"),
        Label("demand.arrivals_per_day", "Cases arriving", "rate", "a day"),
    )
}
"""Labels of the scenario fields most often swept as levers (``tipping``, ``sweep``)."""


def _plain(name: str) -> str:
    return name.replace("_gbp", "").replace("_", " ").strip().capitalize()


def get_label(name: str) -> Label:
    """The label of column ``name``; an unlisted column gets its name in words, unitless."""
    return LABELS.get(name) or Label(name, _plain(name), "ratio")


def lever_label(key_path: str) -> Label:
    """The label of a scenario field swept as a lever; an unlisted field is named in
    words from its key path (``capacity.admin_share`` -> ``Capacity: admin share``)."""
    if key_path in LEVER_LABELS:
        return LEVER_LABELS[key_path]
    section, _, field = key_path.rpartition(".")
    words = field.replace("_", " ")
    text = f"{section.replace('.', ' ').replace('_', ' ')}: {words}" if section else words
    return Label(key_path, text[:1].upper() + text[1:], "ratio")

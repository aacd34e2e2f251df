"""The registry of the model's flows and output columns, and the typed run record.

Every name a replication's records hold is registered here once, in the order the records
hold it: the flow counters the model keeps (:data:`FLOWS`), the columns of a monthly row
(:data:`MONTHLY`) and of a 30 September row (:data:`ANNUAL`), each with its group, unit and
definition. The observers build their rows in this order (and refuse a value that is not
registered), the tables take their period columns from here, the metric registry takes its
units and definitions from here, and a test checks ``docs/outputs.md`` against it.

Adding an output column: register it here (group, unit, definition), compute it where its
group is computed (:mod:`staffsim.model.observe`, or the spiral's rows for ``spiral``), and
add its line to ``docs/outputs.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypedDict

__all__ = [
    "ANNUAL",
    "CENSUS",
    "COST",
    "COUNT",
    "FLOWS",
    "MEASURE",
    "MONTHLY",
    "PERIOD",
    "SPIRAL",
    "STOCK",
    "Column",
    "Row",
    "RunRecord",
    "names",
]

Group = Literal["period", "stock", "count", "measure", "census", "spiral", "cost"]

PERIOD: Group = "period"
"""Identifies the row's period (month, or 30 September snapshot)."""
STOCK: Group = "stock"
"""A stock read at the month end."""
COUNT: Group = "count"
"""The change over the month of a cumulative counter of the same name."""
MEASURE: Group = "measure"
"""A measure of the month worked out from integrals and counters (means, post-days)."""
CENSUS: Group = "census"
"""A DfE census measure of the 30 September snapshot (stocks on the day, flows in the year)."""
SPIRAL: Group = "spiral"
"""Produced by the spiral's loops; absent from runs built without them."""
COST: Group = "cost"
"""Money spent in the period."""


@dataclass(frozen=True)
class Column:
    """One registered output column: its name, group, unit and definition."""

    name: str
    group: Group
    unit: str
    definition: str


FLOWS: tuple[str, ...] = (
    "starters_headcount",
    "starters_fte",
    "newly_qualified_starters",
    "leavers_headcount",
    "leavers_fte",
    "leavers_resigned",
    "leavers_retired",
    "notices_given",
    "agency_starts",
    "agency_ends",
    "campaigns_started",
    "hires_accepted",
    "newly_qualified_unplaced",
    "cases_stepped_down",
    "policy_cost_gbp",
)
"""The cumulative flow counters of the workforce and policies (people, FTE, campaigns,
cases, GBP), kept from the start of the run; observers difference them at period ends.
``leavers_<reason>`` is one per leaving reason (``resigned``, ``retired``)."""

MONTHLY: tuple[Column, ...] = (
    Column("month", PERIOD, "YYYY-MM", "the calendar month"),
    Column("period_start", PERIOD, "date", "first day of the month inside the run"),
    Column(
        "period_end",
        PERIOD,
        "date",
        "last day of the month (the run's last day for a final part month)",
    ),
    Column("days", PERIOD, "days", "days in the period"),
    Column("posts", STOCK, "posts", "funded posts in the establishment"),
    Column("posts_case_holding", STOCK, "posts", "funded case-holding social worker posts"),
    Column(
        "posts_non_case_holding",
        STOCK,
        "posts",
        "funded posts that hold no cases (managers and other roles)",
    ),
    Column("employed_headcount", STOCK, "people", "employees in post"),
    Column("employed_fte", STOCK, "FTE", "employees in post"),
    Column(
        "newly_qualified_in_asye",
        STOCK,
        "people",
        "employees in their assessed and supported year in employment (protected caseload)",
    ),
    Column("in_notice", STOCK, "people", "employees working their notice"),
    Column("agency_fte", STOCK, "FTE", "agency workers"),
    Column("agency_covering_vacancies_fte", STOCK, "FTE", "agency workers covering a vacant post"),
    Column(
        "agency_extra_fte",
        STOCK,
        "FTE",
        "agency workers covering absence or extra capacity, not a vacancy",
    ),
    Column(
        "vacancies",
        STOCK,
        "FTE",
        "FTE of the funded posts with no employee (a post's FTE whoever fills it)",
    ),
    Column("vacancies_uncovered", STOCK, "posts", "vacant posts with no agency worker either"),
    Column(
        "vacancy_fraction",
        STOCK,
        "fraction",
        "`vacancies` / (`vacancies` + `employed_fte`), a fraction (`vacancy_rate_fte` in"
        " `annual.csv` is the same measure on 30 September, in percent)",
    ),
    Column(
        "agency_fraction",
        STOCK,
        "fraction",
        "`agency_fte` / (`agency_fte` + `employed_fte`), a fraction (`agency_rate_fte` in"
        " `annual.csv` is the same measure on 30 September, in percent)",
    ),
    Column("case_holders_fte", STOCK, "FTE", "workers holding at least one case, agency included"),
    Column("cases_open", STOCK, "cases", "open cases, allocated or waiting"),
    Column("cases_held", STOCK, "cases", "open cases allocated to a worker"),
    Column(
        "cases_waiting",
        STOCK,
        "cases",
        "open cases with no social worker, held by the duty team until one is allocated",
    ),
    Column("caseload_mean", STOCK, "cases/FTE", "`cases_held` / `case_holders_fte`"),
    Column(
        "caseload_sd",
        STOCK,
        "cases/FTE",
        "standard deviation over case holders of their cases per FTE",
    ),
    Column(
        "holders_over_target_pct",
        STOCK,
        "%",
        "case holders whose weighted caseload is above their target (`caseload.target_per_fte`"
        " x FTE, less for the newly qualified and those ramping up)",
    ),
    Column(
        "pressure",
        STOCK,
        "ratio",
        "direct-work hours the allocated cases need over the hours case holders have",
    ),
    Column(
        "admin_share",
        STOCK,
        "fraction",
        "share of contracted time spent on administration, defensive paperwork included",
    ),
    Column("starters_headcount", COUNT, "people", "employees who started in the month"),
    Column("starters_fte", COUNT, "FTE", "employees who started in the month"),
    Column(
        "newly_qualified_starters",
        COUNT,
        "people",
        "newly qualified social workers who started in the month",
    ),
    Column("leavers_headcount", COUNT, "people", "employees who left in the month"),
    Column("leavers_fte", COUNT, "FTE", "employees who left in the month"),
    Column("leavers_resigned", COUNT, "people", "leavers who resigned"),
    Column(
        "leavers_retired",
        COUNT,
        "people",
        "leavers who retired or left for reasons no effect changes",
    ),
    Column("notices_given", COUNT, "people", "resignations handed in during the month"),
    Column("agency_starts", COUNT, "assignments", "agency assignments started"),
    Column("agency_ends", COUNT, "assignments", "agency assignments ended"),
    Column("campaigns_started", COUNT, "campaigns", "recruitment campaigns started"),
    Column("hires_accepted", COUNT, "people", "offers accepted"),
    Column("cases_arrived", COUNT, "cases", "cases that arrived"),
    Column("cases_closed", COUNT, "cases", "cases that closed"),
    Column(
        "cases_stepped_down",
        COUNT,
        "cases",
        "new cases closed because they waited `demand.step_down_after_days` without a"
        " social worker",
    ),
    Column("cases_first_allocated", COUNT, "cases", "cases allocated for the first time"),
    Column("cases_waited", COUNT, "cases", "cases that had to wait before their first allocation"),
    Column(
        "sw_changes",
        COUNT,
        "changes",
        "changes of social worker (reallocations of open cases), planned moves included",
    ),
    Column(
        "cases_moved",
        COUNT,
        "changes",
        "planned moves of open cases between teams (`pathways`), each a change of social"
        " worker counted in `sw_changes`",
    ),
    Column(
        "wait_days_mean",
        MEASURE,
        "days",
        "mean days from arrival to first allocation of the cases first allocated in "
        "the month (0 if none)",
    ),
    Column("vacant_post_days", MEASURE, "post-days", "post-days with no employee in the month"),
    Column(
        "uncovered_post_days",
        MEASURE,
        "post-days",
        "post-days with neither an employee nor an agency worker",
    ),
    Column("cases_open_mean", MEASURE, "cases", "mean open cases over the month's days"),
    Column("cases_waiting_mean", MEASURE, "cases", "mean cases waiting over the month's days"),
    Column("incidents", SPIRAL, "incidents", "serious incidents in the month"),
    Column("incidents_press", SPIRAL, "incidents", "serious incidents that reached the press"),
    Column("inspections", SPIRAL, "inspections", "inspections in the month"),
    Column("quality_index", SPIRAL, "index 0-1", "practice quality at the month end"),
    Column(
        "just_culture",
        SPIRAL,
        "index 0-1",
        "culture at the month end: 0 blaming, 1 just and learning",
    ),
    Column(
        "supervision_ratio",
        SPIRAL,
        "ratio",
        "supervision received over the standard, averaged over case holders",
    ),
    Column(
        "reputation",
        SPIRAL,
        "index 0-1",
        "the service's reputation at the month end (0.5 is average)",
    ),
    Column(
        "ofsted_rating_score",
        SPIRAL,
        "score",
        "the latest judgement: 1 outstanding, 2 good, 3 requires improvement, 4 inadequate",
    ),
    Column(
        "learning_stock",
        SPIRAL,
        "reviews",
        "what reviews of past incidents have taught, fading over time; it lowers the incident rate",
    ),
    Column(
        "defensive_load",
        SPIRAL,
        "incidents",
        "recent blamed incidents still adding defensive paperwork, each weighted by blame",
    ),
    Column("employed_pay_gbp", COST, "GBP", "pay of employees in the month (as in `annual.csv`)"),
    Column("agency_spend_gbp", COST, "GBP", "spend on agency workers in the month"),
    Column("recruitment_gbp", COST, "GBP", "cost of campaigns started in the month"),
    Column(
        "newly_qualified_support_gbp",
        COST,
        "GBP",
        "support cost of newly qualified starters in the month",
    ),
    Column("policy_gbp", COST, "GBP", "policy costs falling in the month"),
    Column("total_cost_gbp", COST, "GBP", "the sum of the five costs above"),
)
"""The columns of a monthly row, in the order a row holds them."""

ANNUAL: tuple[Column, ...] = (
    Column(
        "time_period",
        PERIOD,
        "year",
        "the reporting year, named by the year of its 30 September (DfE `time_period`)",
    ),
    Column("census_date", PERIOD, "date", "the snapshot day, 30 September of `time_period`"),
    Column(
        "days_in_period",
        PERIOD,
        "days",
        "simulated days the year's flows cover (365 or 366; shorter if the run "
        "started inside the year)",
    ),
    Column("inpost_fte", CENSUS, "FTE", "employed social workers (not agency) in post on the day"),
    Column("inpost_headcount", CENSUS, "people", "employed social workers in post on the day"),
    Column(
        "starters_fte",
        CENSUS,
        "FTE",
        "employees who started in the year (newly qualified included)",
    ),
    Column("starters_headcount", CENSUS, "people", "employees who started in the year"),
    Column("leavers_fte", CENSUS, "FTE", "employees who left in the year (resigned or retired)"),
    Column("leavers_headcount", CENSUS, "people", "employees who left in the year"),
    Column("turnover_rate_fte", CENSUS, "%", "`leavers_fte` / `inpost_fte`"),
    Column("agency_fte", CENSUS, "FTE", "agency workers on the day, covering a vacancy or not"),
    Column("agency_headcount", CENSUS, "people", "agency workers on the day"),
    Column("agency_rate_fte", CENSUS, "%", "`agency_fte` / (`agency_fte` + `inpost_fte`)"),
    Column("agency_cover_fte", CENSUS, "FTE", "agency workers covering a vacant post"),
    Column(
        "agency_cover_rate_fte",
        CENSUS,
        "%",
        "`agency_cover_fte` / `agency_fte` (the rest cover absence or extra capacity)",
    ),
    Column(
        "vacancy_fte",
        CENSUS,
        "FTE",
        "FTE of the funded posts with no employee in them, covered by an agency worker or "
        "not (DfE's definition); with `inpost_fte` it makes the FTE establishment",
    ),
    Column("vacancy_rate_fte", CENSUS, "%", "`vacancy_fte` / (`vacancy_fte` + `inpost_fte`)"),
    Column("vacancy_agency_cover_rate_fte", CENSUS, "%", "`agency_cover_fte` / `vacancy_fte`"),
    Column(
        "case_holders_fte",
        CENSUS,
        "FTE",
        "FTE of workers holding at least one case; agency workers holding cases count"
        " (DfE does not say whether they do)",
    ),
    Column(
        "cases",
        CENSUS,
        "cases",
        "cases held by case holders on the day (cases waiting for allocation not included)",
    ),
    Column("caseload_fte", CENSUS, "cases/FTE", "`cases` / `case_holders_fte`"),
    Column(
        "absence_rate_fte",
        CENSUS,
        "%",
        "working days lost to sickness over working days available (the scenario's absence rate)",
    ),
    Column(
        "children_3plus_sw_pct",
        CENSUS,
        "%",
        "children with a case open at any time in the 12 months to the day who had 3 "
        "or more social workers in that time (every case type)",
    ),
    Column(
        "cla_3plus_sw_pct",
        CENSUS,
        "%",
        "DfE's measure: children looked after on 31 March with 3 or more social workers in"
        " the year to that date, in the row whose year contains that 31 March; empty where"
        " that year began before the start date",
    ),
    Column(
        "cases_unallocated",
        CENSUS,
        "cases",
        "cases with no social worker on the day, held by the duty team (counted as waiting,"
        " never as held)",
    ),
    Column(
        "wait_days_mean",
        CENSUS,
        "days",
        "mean days from arrival to first allocation, over the cases first allocated "
        "in the year (0 if none)",
    ),
    Column("cases_arrived", CENSUS, "cases", "cases that arrived in the year"),
    Column(
        "cases_stepped_down",
        CENSUS,
        "cases",
        "new cases closed in the year because they waited "
        "`demand.step_down_after_days` without a social worker (stepped down, e.g. to"
        " early help); 0 if the scenario sets no limit",
    ),
    Column(
        "sw_changes",
        CENSUS,
        "changes",
        "changes of social worker for a child in the year (each reallocation of an open case,"
        " planned moves between teams included)",
    ),
    Column(
        "cases_moved",
        CENSUS,
        "changes",
        "planned moves of open cases between teams in the year (`pathways`: from assessment"
        " to a long-term worker, and later changes of team)",
    ),
    Column(
        "pressure",
        CENSUS,
        "ratio",
        "direct-work hours the allocated cases need over the direct-work hours case "
        "holders have, on the day",
    ),
    Column(
        "quality_index",
        SPIRAL,
        "index 0-1",
        "practice quality on the day (1 is practice that could not be better)",
    ),
    Column(
        "reputation",
        SPIRAL,
        "index 0-1",
        "the service's standing with social workers and agencies on the day (0.5 is average)",
    ),
    Column(
        "just_culture",
        SPIRAL,
        "index 0-1",
        "culture on the day: 0 blaming, 1 just and learning",
    ),
    Column(
        "supervision_ratio",
        SPIRAL,
        "ratio",
        "supervision received over the standard, averaged over case holders (1 = the standard met)",
    ),
    Column(
        "ofsted_rating",
        SPIRAL,
        "text",
        "the latest inspection judgement: `outstanding`, `good`, "
        "`requires_improvement` or `inadequate`",
    ),
    Column(
        "ofsted_rating_score",
        SPIRAL,
        "score",
        "the latest judgement as a number: 1 outstanding, 2 good, 3 requires "
        "improvement, 4 inadequate",
    ),
    Column("incidents", SPIRAL, "incidents", "serious incidents in the year"),
    Column("inspections", SPIRAL, "inspections", "inspections in the year"),
    Column(
        "employed_pay_gbp",
        COST,
        "GBP",
        "pay of employees in the year: employed FTE-days x (salary + retention "
        "supplement) x (1 + on-costs) / 365.25",
    ),
    Column(
        "agency_spend_gbp",
        COST,
        "GBP",
        "spend on agency workers in the year: agency FTE-days x day rate x working "
        "days a year / 365.25",
    ),
    Column(
        "recruitment_gbp",
        COST,
        "GBP",
        "recruitment campaigns started in the year x cost per campaign",
    ),
    Column(
        "newly_qualified_support_gbp",
        COST,
        "GBP",
        "newly qualified starters in the year x support cost per starter",
    ),
    Column(
        "policy_gbp",
        COST,
        "GBP",
        "one-off costs of policies dated in the year plus their running costs for the"
        " part of the year they were in force",
    ),
    Column("total_cost_gbp", COST, "GBP", "the sum of the five costs above"),
)
"""The columns of a 30 September row, in the order a row holds them."""
Row = dict[str, float | int | str]
"""One row of a replication's records: column name -> number, or text for dates and
ratings."""


class RunRecord(TypedDict):
    """What :func:`staffsim.model.run.run_one` returns for one replication."""

    replication: int
    """The replication number."""
    seed: int
    """The base seed the replication ran with."""
    monthly: list[Row]
    """One row per calendar month, with the :data:`MONTHLY` columns."""
    annual: list[Row]
    """One row per 30 September snapshot, with the :data:`ANNUAL` columns."""
    events: int | None
    """SimPy events processed (``None`` for a replication that did not finish)."""
    cases_arrived: int | None
    """Cases that arrived during the run (``None`` for a replication that did not finish)."""
    wall_seconds: float | None
    """Wall-clock time of the replication, seconds."""


def names(columns: tuple[Column, ...], *, spiral: bool = True) -> tuple[str, ...]:
    """The names of ``columns`` in order; without the spiral's with ``spiral=False``."""
    return tuple(c.name for c in columns if spiral or c.group != SPIRAL)

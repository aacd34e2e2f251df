"""Observation: monthly rows of every metric, and DfE-style 30 September snapshots.

Rows are plain dicts of numbers and ISO dates (the model never imports pandas). Flows are
differences of cumulative counters between period ends; stocks are read at the period end;
time averages come from integrals kept current on every change.

Snapshot definitions follow the DfE children's social work workforce census:
turnover = leavers FTE in the year / FTE in post on 30 September; agency rate = agency FTE /
(agency + employed FTE); vacancy rate = vacant FTE / (vacant + employed FTE), a vacancy being
a funded post with no employee, covered by an agency worker or not; caseload = cases held /
FTE of case holders. Our choice where DfE is silent: agency workers holding cases count
among the case holders. A post has an FTE whoever fills it, so vacancy FTE plus in-post FTE
is the FTE establishment. Cases waiting for a social worker are held by the duty team and
never counted as held (``cases``) or allocated.

Continuity as DfE counts it (``cla_3plus_sw_pct``): children looked after on 31 March with
three or more social workers in the year to that date, reported in the census row whose
year contains that 31 March, and empty where that year began before the start date (the
workers a case had before the run are not known).
"""

from __future__ import annotations

import datetime as dt
import math

from staffsim.model.calendar import DAYS_PER_YEAR
from staffsim.model.caseload import Caseload
from staffsim.model.context import Context
from staffsim.model.entities import Case
from staffsim.model.interfaces import SpiralLoops
from staffsim.model.staff import Staff
from staffsim.registry import ANNUAL, COUNT, MONTHLY, Row, names

__all__ = ["Observer"]

_COUNTS = tuple(c.name for c in MONTHLY if c.group == COUNT)
"""The monthly columns that are a month's change in a cumulative counter."""


class Observer:
    """Collects the monthly and annual rows of one replication.

    Rows hold the registered columns (:mod:`staffsim.registry`) in the registry's
    order, the spiral's only if its loops report.
    """

    def __init__(self, ctx: Context, caseload: Caseload, staff: Staff, spiral: SpiralLoops) -> None:
        self.ctx = ctx
        self.caseload = caseload
        self.staff = staff
        self.spiral = spiral
        self._monthly_names = names(MONTHLY, spiral=spiral.reports)
        self._annual_names = names(ANNUAL, spiral=spiral.reports)
        self.monthly: list[Row] = []
        self.pending: list[tuple[float, int, dt.date]] = []  # marks not yet recorded
        self.annual: list[Row] = []
        self._last_month = self._cumulative()
        self._last_year = dict(self._last_month)
        self._month_start = 0.0
        self._year_start = 0.0
        self._cla_3plus: dict[int, float] = {}  # by the year of its 31 March

    def _cumulative(self) -> dict[str, float]:
        cases, staff = self.caseload, self.staff
        staff.touch(self.ctx.env.now)
        out = dict(self.ctx.flows)
        out.update(
            cases_arrived=cases.n_arrived,
            cases_closed=cases.n_closed,
            cases_first_allocated=cases.n_first_allocated,
            cases_waited=cases.n_waited,
            wait_days_total=cases.wait_days_total,
            sw_changes=cases.n_sw_changes,
            cases_moved=cases.n_moved,
            vacant_post_days=staff.vacant_post_days,
            uncovered_post_days=staff.uncovered_post_days,
            employed_fte_days=staff.employed_fte_days,
            agency_fte_days=staff.agency_fte_days,
            agency_price_fte_days=staff.agency_price_fte_days,
            case_days=cases.case_days,
            waiting_case_days=cases.waiting_case_days,
        )
        out.update(self.spiral.cumulative())
        return out

    # ----------------------------------------------------------------------- stocks
    def start_rates(self) -> dict[str, float]:
        """Vacancy and agency rates (percent, DfE definitions) of the state as it stands,
        e.g. the starting state before a run."""
        s = self._stocks()
        inpost, agency, vac = s["employed_fte"], s["agency_fte"], s["vacancies"]
        return {
            "vacancy_rate_fte": _pct(vac, vac + inpost),
            "agency_rate_fte": _pct(agency, agency + inpost),
            "caseload_fte": s["caseload_mean"],
        }

    def _stocks(self) -> dict[str, float]:
        cases, staff = self.caseload, self.staff
        now = self.ctx.env.now
        case_posts = sum(1 for p in staff.posts if p.role == "case_holding")
        holders_fte = 0.0
        cases_held = 0
        over_target = 0
        per_fte = []
        for w in cases.holders.values():
            n = len(w.cases)
            if w.load > w.target + 1e-9:
                over_target += 1
            if n:
                holders_fte += w.fte
                cases_held += n
                per_fte.append(n / w.fte)
        mean = cases_held / holders_fte if holders_fte else 0.0
        spread = (
            math.sqrt(sum((x - sum(per_fte) / len(per_fte)) ** 2 for x in per_fte) / len(per_fte))
            if per_fte
            else 0.0
        )
        agency_cover = sum(w.fte for w in staff.agency.values() if w.post is not None)
        vacancies = staff.vacant_fte
        employed = staff.employed_fte
        agency = staff.agency_fte
        return {
            "posts": staff.n_posts,
            "posts_case_holding": case_posts,
            "posts_non_case_holding": staff.n_posts - case_posts,
            "employed_headcount": len(staff.employees),
            "employed_fte": employed,
            "newly_qualified_in_asye": sum(1 for w in staff.employees.values() if w.nq_until > now),
            "in_notice": sum(1 for w in staff.employees.values() if w.notice_day is not None),
            "agency_fte": agency,
            "agency_covering_vacancies_fte": agency_cover,
            "agency_extra_fte": agency - agency_cover,
            "vacancies": vacancies,
            "vacancies_uncovered": staff.n_uncovered,
            # Fractions, named so: the annual table's vacancy_rate_fte and agency_rate_fte
            # are percentages, as DfE publishes them.
            "vacancy_fraction": vacancies / (vacancies + employed) if vacancies + employed else 0.0,
            "agency_fraction": agency / (agency + employed) if agency + employed else 0.0,
            "case_holders_fte": holders_fte,
            "cases_open": cases.open_cases,
            "cases_held": cases_held,
            "cases_waiting": cases.n_waiting,
            "caseload_mean": mean,
            "caseload_sd": spread,
            "holders_over_target_pct": _pct(over_target, len(cases.holders)),
            "pressure": cases.service_pressure(),
            "admin_share": cases.admin_share(),
        }

    # ------------------------------------------------------------------------- money
    def _costs(self, flows: dict[str, float], start: float, end: float) -> dict[str, float]:
        ctx = self.ctx
        c = ctx.in_force.costs
        employed_day = (
            (c.salary_gbp_per_year + c.retention_supplement_gbp_per_year)
            * (1 + c.on_cost_share)
            / DAYS_PER_YEAR
        )
        agency_day = c.agency_day_rate_gbp * c.working_days_per_year / DAYS_PER_YEAR
        policy = flows["policy_cost_gbp"]
        for pol in ctx.scenario.policies:
            begin = max(ctx.calendar.day(pol.date), 0.0)
            overlap = max(0.0, end - max(start, begin))
            policy += pol.cost_gbp_per_year * overlap / DAYS_PER_YEAR
        out = {
            "employed_pay_gbp": flows["employed_fte_days"] * employed_day,
            "agency_spend_gbp": flows["agency_price_fte_days"] * agency_day,
            "recruitment_gbp": flows["campaigns_started"] * c.recruitment_gbp_per_campaign,
            "newly_qualified_support_gbp": flows["newly_qualified_starters"]
            * c.newly_qualified_support_gbp,
            "policy_gbp": policy,
        }
        out["total_cost_gbp"] = sum(out.values())
        return out

    # -------------------------------------------------------------------------- rows
    def record_month(self, month_end: dt.date) -> None:
        """Append the row of the month ending ``month_end``."""
        ctx = self.ctx
        now = ctx.env.now
        if (month_end.month, month_end.day) == (3, 31):
            self._cla_3plus[month_end.year] = self._cla_3plus_pct(now)
        cum = self._cumulative()
        flows = {k: cum[k] - self._last_month[k] for k in cum}
        days = now - self._month_start
        row: Row = {
            "month": month_end.strftime("%Y-%m"),
            "period_start": ctx.calendar.date(self._month_start).isoformat(),
            "period_end": month_end.isoformat(),
            "days": days,
        }
        row.update(self._stocks())
        for name in _COUNTS:
            row[name] = flows[name]
        row.update(
            {
                "wait_days_mean": flows["wait_days_total"] / flows["cases_first_allocated"]
                if flows["cases_first_allocated"]
                else 0.0,
                "vacant_post_days": flows["vacant_post_days"],
                "uncovered_post_days": flows["uncovered_post_days"],
                "cases_open_mean": flows["case_days"] / days if days else 0.0,
                "cases_waiting_mean": flows["waiting_case_days"] / days if days else 0.0,
            }
        )
        row.update(self.spiral.month_row(flows))
        row.update(self._costs(flows, self._month_start, now))
        self.monthly.append(_registered(row, self._monthly_names))
        self._last_month = cum
        self._month_start = now

    def record_snapshot(self, census: dt.date) -> None:
        """Append the DfE-style row for the year ending on 30 September ``census``."""
        now = self.ctx.env.now
        cum = self._cumulative()
        flows = {k: cum[k] - self._last_year[k] for k in cum}
        s = self._stocks()
        inpost, agency, vac = s["employed_fte"], s["agency_fte"], s["vacancies"]
        cover = s["agency_covering_vacancies_fte"]
        row: Row = {
            "time_period": census.year,
            "census_date": census.isoformat(),
            "days_in_period": now - self._year_start,
            "inpost_fte": inpost,
            "inpost_headcount": s["employed_headcount"],
            "starters_fte": flows["starters_fte"],
            "starters_headcount": flows["starters_headcount"],
            "leavers_fte": flows["leavers_fte"],
            "leavers_headcount": flows["leavers_headcount"],
            "turnover_rate_fte": _pct(flows["leavers_fte"], inpost),
            "agency_fte": agency,
            "agency_headcount": len(self.staff.agency),
            "agency_rate_fte": _pct(agency, agency + inpost),
            "agency_cover_fte": cover,
            "agency_cover_rate_fte": _pct(cover, agency),
            "vacancy_fte": vac,
            "vacancy_rate_fte": _pct(vac, vac + inpost),
            "vacancy_agency_cover_rate_fte": _pct(cover, vac),
            "case_holders_fte": s["case_holders_fte"],
            "cases": s["cases_held"],
            "caseload_fte": s["caseload_mean"],
            "absence_rate_fte": 100.0 * self.ctx.in_force.capacity.absence_rate,
            "children_3plus_sw_pct": self._children_3plus_pct(now),
            "cla_3plus_sw_pct": self._cla_3plus.pop(census.year, math.nan),
            "cases_unallocated": s["cases_waiting"],
            "wait_days_mean": flows["wait_days_total"] / flows["cases_first_allocated"]
            if flows["cases_first_allocated"]
            else 0.0,
            "cases_arrived": flows["cases_arrived"],
            "cases_stepped_down": flows["cases_stepped_down"],
            "sw_changes": flows["sw_changes"],
            "cases_moved": flows["cases_moved"],
            "pressure": s["pressure"],
        }
        row.update(self.spiral.snapshot_row(flows))
        row.update(self._costs(flows, self._year_start, now))
        self.annual.append(_registered(row, self._annual_names))
        self._last_year = cum
        self._year_start = now

    def _open_cases(self) -> list[Case]:
        cases = self.caseload
        open_cases = [c for w in cases.holders.values() for c in w.cases]
        open_cases.extend(c for c in cases.waiting if not c.closed)
        return open_cases

    def _cla_3plus_pct(self, now: float) -> float:
        """Share (%) of looked-after cases open at ``now`` (the end of 31 March) with three
        or more social workers in the year to that date; NaN if that year began before the
        start date, or no case type is looked after."""
        start = now - DAYS_PER_YEAR
        if start < 0:
            return math.nan
        kinds = {
            k for k, t in enumerate(self.ctx.in_force.demand.case_types.values()) if t.looked_after
        }
        if not kinds:
            return math.nan
        children = 0
        three_plus = 0
        for case in self._open_cases():
            if case.kind not in kinds:
                continue
            children += 1
            if _workers_since(case, start) >= 3:
                three_plus += 1
        return _pct(three_plus, children) if children else math.nan

    def _children_3plus_pct(self, now: float) -> float:
        """Share (%) of children with a case open in the 12 months to ``now`` who had three
        or more social workers in that time.

        DfE's published measure counts children looked after on 31 March over the year to
        31 March; ours counts every case of every type open in the year to 30 September.
        """
        cases = self.caseload
        start = now - DAYS_PER_YEAR
        closed = cases.closed_since(start)
        children = 0
        three_plus = 0
        for case in (*closed, *self._open_cases()):
            workers = _workers_since(case, start)
            if workers == 0:
                continue
            children += 1
            if workers >= 3:
                three_plus += 1
        return _pct(three_plus, children)


def _workers_since(case: Case, start: float) -> int:
    """Social workers ``case`` had from day ``start`` on: each allocation since, and the
    worker it had on that day, if any allocation came before."""
    inside = 0
    before = False
    for day in case.alloc_days:
        if day >= start:
            inside += 1
        else:
            before = True
    return inside + (1 if before else 0)


def _registered(values: Row, names: tuple[str, ...]) -> Row:
    """``values`` as a row of the registered columns ``names``, in their order; an
    unregistered or missing column is a programming error."""
    row = {name: values[name] for name in names}
    if len(row) != len(values):
        unregistered = sorted(set(values) - set(names))
        raise RuntimeError(f"columns not in staffsim.registry: {unregistered}")
    return row


def _pct(numerator: float, denominator: float) -> float:
    return 100.0 * numerator / denominator if denominator else 0.0

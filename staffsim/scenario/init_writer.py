"""A commented scenario for a named council, started from its published figures.

``staffsim init --la NAME --year YYYY`` writes the council's children's social work
service as it stood on 30 September YYYY-1 (DfE's census day), starting 1 October YYYY-1:

* the start state from the council's DfE row for YYYY-1: posts, employees and their FTE,
  vacancies, agency workers and how many cover vacancies, case holders, cases held,
  absence, and the turnover of the year, each value's comment naming the file, the row
  (council and year) and the column; a suppressed cell falls back to the nearest earlier
  year or to England's figure, and the comment says so;
* demand sized by Little's law from the cases held and the case durations of the England
  scenario (the schema's case types);
* the latest Ofsted ILACS judgement on or before the start, with its date;
* the behaviour nobody publishes (resignation hazard, applicants, agency availability,
  tenure of those in post) from the England derivation, marked as such: a run of the
  scenario may drift away from the council's start until it is calibrated, and
  ``staffsim run`` says when it does.

The sizing steps are those of ``scripts/derive_england_2025.py``
(:mod:`staffsim.scenario.derive`). :func:`council_scenario` returns the text with the
values and their sources; the command line writes it.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from staffsim import data
from staffsim.data import councils
from staffsim.scenario import derive
from staffsim.scenario.schema import SCHEMA_VERSION, Incidents, Inspection, Reputation, Scenario
from staffsim.scenario.spiral import Rating, as_rating

__all__ = ["CouncilScenario", "council_scenario"]

DFE_FILE = data.INDICATORS_FILE
OFSTED_FILE = data.OFSTED_FILE
ENGLAND = "England derivation"
"""Marks a value taken from the England derivation (scripts/derive_england_2025.py)."""
WIDTH = 100


@dataclass
class CouncilScenario:
    """A council's scenario: its YAML text, the values it sets and where each came from."""

    council: councils.CouncilReturn
    text: str
    values: dict[str, Any]  # dotted key path -> value written
    sources: dict[str, str]  # dotted key path -> the comment that cites it
    figures: dict[str, councils.Figure]  # DfE column -> the figure used
    notes: list[str] = field(default_factory=list)  # joint return, fallbacks, clamps, ...

    @property
    def name(self) -> str:
        """The scenario's name (also a good file stem)."""
        return str(self.values["name"])


def _half_up(x: float) -> int:
    return math.floor(x + 0.5)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")


def _num(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


class _Lines:
    """YAML lines with a comment block above each value."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.values: dict[str, Any] = {}
        self.sources: dict[str, str] = {}
        self._section = ""

    def comment(self, text: str, indent: int = 0) -> None:
        pad = " " * indent + "# "
        for para in text.split("\n"):
            self.lines += textwrap.wrap(
                para,
                WIDTH,
                initial_indent=pad,
                subsequent_indent=pad + "  ",
                break_on_hyphens=False,
                break_long_words=False,
            ) or [pad.rstrip()]

    def blank(self) -> None:
        self.lines.append("")

    def section(self, name: str) -> None:
        self.blank()
        self.lines.append(f"{name}:")
        self._section = name

    def value(self, key: str, value: Any, source: str) -> None:
        indent = 2 if self._section else 0
        path = f"{self._section}.{key}" if self._section else key
        self.comment(source, indent)
        self.lines.append(" " * indent + f"{key}: {_yaml(value)}")
        self.values[path] = float(value) if isinstance(value, float) else value
        self.sources[path] = source


def _yaml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, float):
        value = float(value)  # numpy floats print as np.float64(...)
        return repr(round(value, 6)) if not value.is_integer() else str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value if re.fullmatch(r"[a-z_]+", value) else '"' + value.replace('"', "'") + '"'
    return str(value)


def _figures(ret: councils.CouncilReturn) -> dict[str, councils.Figure]:
    """The DfE figures the scenario needs, each with its provenance.

    Counts whose council cell is suppressed in every earlier year fall back to England's
    ratio for the year applied to the council's own figures (e.g. agency FTE from England's
    agency rate and the council's in-post FTE).
    """
    out: dict[str, councils.Figure] = {}

    def get(column: str, england: Callable[[pd.Series], float] | None = None) -> None:
        figure = councils.published_figure(ret, column, england)
        if figure is None:
            raise councils.CouncilLookupError(
                f"{ret.name} {ret.year}: {column} is not published for this or any earlier "
                "year and cannot be estimated from England's figures"
            )
        out[column] = figure

    def v(column: str) -> float:
        return out[column].value

    get("inpost_fte", lambda n: v("inpost_headcount") * n.inpost_fte / n.inpost_headcount)
    get("inpost_headcount", lambda n: v("inpost_fte") * n.inpost_headcount / n.inpost_fte)
    get("vacancy_fte", lambda n: v("inpost_fte") * n.vacancy_fte / n.inpost_fte)
    get("agency_fte", lambda n: v("inpost_fte") * n.agency_fte / n.inpost_fte)
    get("agency_cover_fte", lambda n: v("agency_fte") * n.agency_cover_fte / n.agency_fte)
    get("case_holders_fte", lambda n: v("inpost_fte") * n.case_holders_fte / n.inpost_fte)
    get("cases", lambda n: v("case_holders_fte") * n.caseload_fte)
    for rate in ("absence_rate_fte", "turnover_rate_fte", "vacancy_rate_fte", "agency_rate_fte"):
        get(rate)
    get("caseload_fte", lambda n: v("cases") / v("case_holders_fte"))
    return out


@functools.cache
def _national(year: int) -> pd.Series:
    return data.national(year)


@functools.cache
def _defaults() -> Scenario:
    return Scenario()


@functools.cache
def _highest_caseload(year: int) -> tuple[float, str]:
    table = data.published_indicators()
    rows = table[(table.geographic_level == "Local authority") & (table.time_period == year)]
    top = rows.loc[rows.caseload_fte.idxmax()]
    return float(top.caseload_fte), str(top.la_name)


def council_scenario(query: str, year: int, horizon_years: float = 5.0) -> CouncilScenario:
    """The scenario of the council ``query`` starting 1 October ``year - 1``.

    ``year`` is the first reporting year simulated (the year to 30 September ``year``); the
    start state is the DfE row for ``year - 1``. Raises
    :class:`staffsim.data.councils.CouncilLookupError` for an unknown council or a council
    without a return that year.
    """
    ret = councils.find_council(query, year - 1)
    fig = _figures(ret)
    start = dt.date(year - 1, 10, 1)
    notes = list(ret.notes)

    def src(*columns: str) -> str:
        """The columns' citation: the file, then each row (council, year) and its columns."""
        own = [c for c in columns if not fig[c].fallback]
        parts = []
        if own:
            rows = dict.fromkeys((fig[c].name, fig[c].year) for c in own)
            for name, y in rows:
                cells = ", ".join(
                    f"{c} {_num(fig[c].value)}"
                    for c in own
                    if (fig[c].name, fig[c].year) == (name, y)
                )
                parts.append(f"row {name} {y}: {cells}")
        for c in columns:
            if fig[c].fallback:
                parts.append(fig[c].source())
                notes.append(f"{c}: {fig[c].source()}")
        return f"{DFE_FILE}, " + "; ".join(parts)

    # ------------------------------------------------------------ the published state
    heads, fte = fig["inpost_headcount"].value, fig["inpost_fte"].value
    vac, agency = fig["vacancy_fte"].value, fig["agency_fte"].value
    cover = min(fig["agency_cover_fte"].value, agency)
    holders, cases = fig["case_holders_fte"].value, fig["cases"].value
    national = _national(ret.year)
    england_per_head = national.inpost_fte / national.inpost_headcount
    per_head = fte / heads if heads > 0 else england_per_head
    per_head = min(per_head, 1.0)
    part_time_fte = derive.PART_TIME_FTE
    if per_head < part_time_fte:  # more part-time than the assumed contract allows
        part_time_fte = round(per_head, 4)
    share = min(max(round(derive.part_time_share(per_head, part_time_fte), 4), 0.0), 1.0)

    # a post has an FTE that whoever fills it works (part time in the part-time share), so
    # filled posts are the people in post and vacant posts the vacancy FTE / FTE per post
    filled = _half_up(heads)
    vacancies = _half_up(vac / per_head) if per_head > 0 else 0
    posts = filled + vacancies
    wanted_cover = _half_up(cover / per_head) if per_head > 0 else 0
    covering = min(wanted_cover, vacancies)
    # extra agency workers are full time: the agency FTE the covering workers leave
    extra = max(_half_up(agency - covering * per_head), 0)
    if covering < wanted_cover:
        notes.append(
            f"agency_cover_fte {_num(cover)} exceeds the {vacancies} vacancies: {covering} "
            f"agency workers cover vacancies and {extra} cover absence or extra capacity"
        )
    vacant_share = vacancies / posts if posts else 0.0
    covered_share = covering / vacancies if vacancies else 0.0
    case_posts_exact = derive.case_holding_posts(
        holders, extra, vacant_share, per_head, covered_share
    )
    case_posts = min(max(_half_up(case_posts_exact), 1 if posts else 0), posts)
    case_vacant, other_vacant = derive.initial_vacancy_split(
        case_posts, per_head, covering, extra, vacancies, holders
    )
    if other_vacant > posts - case_posts:  # too few other posts to hold the rest
        case_vacant, other_vacant = vacancies - (posts - case_posts), posts - case_posts

    refit = ""

    def holders_at(c: int, k: int) -> float:  # case-holder FTE at the start, expected
        return (c - k) * per_head + min(k, covering) * per_head + extra

    if abs(holders_at(case_posts, case_vacant) - holders) > max(per_head, 1.0):
        # The row does not fit the England split (e.g. more agency workers covering
        # vacancies than case holders): the posts and split nearest it that do.
        best = min(
            (
                (abs(holders_at(c, k) - holders), abs(k - case_vacant), c, k)
                for k in range(0, vacancies + 1)
                for c in range(max(k, 1), posts + 1)
                if posts - c >= vacancies - k
            ),
            default=None,
        )
        if best is not None:
            _, _, case_posts, case_vacant = best
            refit = (
                f"; the row does not fit that split, so {case_posts} posts with {case_vacant} "
                f"vacant, the nearest that give the published case holders "
                f"({holders_at(case_posts, case_vacant):.1f} FTE)"
            )
            other_vacant = vacancies - case_vacant
            notes.append(
                f"the published case holders ({_num(holders)} FTE) do not fit the England "
                f"split of posts and vacancies: {case_posts} case-holding posts with "
                f"{case_vacant} vacant give {holders_at(case_posts, case_vacant):.1f} FTE"
            )
    open_cases = _half_up(cases)

    defaults = _defaults()
    weight, _ = derive.open_case_mix(defaults)
    mean_duration = defaults.demand.mean_duration_days
    arrivals = derive.arrivals_per_day(cases, mean_duration)
    highest, highest_name = _highest_caseload(ret.year)
    caseload = cases / holders if holders else 0.0
    target = round(highest * weight, 1)

    judged = councils.latest_judgement(ret, start)
    rating: Rating = as_rating(judged.rating) if judged else "good"
    reputation = Reputation().target_by_rating[rating]

    # ------------------------------------------------------------------- the text
    out = _Lines()
    header = (
        f"{ret.name}'s children's social work service on 30 September {ret.year}, the DfE "
        f"census day, simulated from 1 October {ret.year}. Written by `staffsim init --la "
        f"{query} --year {year}` from the published figures shipped with staffsim "
        "(staffsim/data/SOURCES.md):\n"
        f"{DFE_FILE}: DfE, Children's social work workforce, the row of {ret.name} "
        f"({ret.code}, old code {ret.old_code}, {ret.region}) for the year to 30 September "
        f"{ret.year}; each comment names the row's year and column.\n"
        f"{OFSTED_FILE}: Ofsted, ILACS inspection history.\n"
        f"Values marked '{ENGLAND}' are behaviour nobody publishes per council, taken from the "
        "derivation of a typical English council (scripts/derive_england_2025.py, "
        "scenarios/england_2025.yaml): until they are calibrated to this council a run may "
        "drift away from its start; `staffsim validate --check-steady` and `staffsim run` say "
        "when it does. 'assumption' marks a value nobody publishes at all."
    )
    for line in ret.notes:
        header += f"\nNote: {line}"
    out.comment(header)
    out.blank()
    out.lines.append(f"schema_version: {SCHEMA_VERSION}")
    name = f"{_slug(ret.name)}_{year}"
    out.values["name"] = name
    out.lines.append(f"name: {name}")
    description = (
        f"{ret.name} from 1 October {ret.year}, started from DfE's {ret.year} figures"
        + (" (a joint return: one service for both councils)" if ret.joint else "")
        + "; behaviour from the England derivation, not yet calibrated to the council."
    )
    out.lines.append("description: >-")
    out.lines += textwrap.wrap(description, WIDTH, initial_indent="  ", subsequent_indent="  ")
    out.value("start_date", start, f"the day after the census of {ret.year}: 1 October")
    out.value("horizon_years", horizon_years, "simulated years (any length)")
    out.value("seed", year, "base seed of the random streams (any value; this one is the year)")

    out.section("establishment")
    out.comment(
        f"posts = inpost_headcount + vacancy_fte / FTE per post = {filled} + {vacancies} = "
        f"{posts} (a post's FTE is worked by whoever fills it; DfE vacancy_fte {_num(vac)} / "
        f"{per_head:.3f}); " + src("inpost_headcount", "vacancy_fte"),
        2,
    )
    out.value(
        "case_holding_posts",
        case_posts,
        "derived: (case_holders_fte - extra agency) / (f ((1 - v) + v c)) = "
        f"({_num(holders)} - {extra}) / ({per_head:.3f} x ((1 - {vacant_share:.3f}) + "
        f"{vacant_share:.3f} x {covered_share:.3f})) = {case_posts_exact:.1f}{refit}; "
        + src("case_holders_fte"),
    )
    out.value(
        "non_case_holding_posts",
        posts - case_posts,
        f"derived: {posts} posts - {case_posts} case-holding posts (managers and other "
        "roles hold no cases)",
    )

    out.section("initial")
    out.value(
        "vacant_case_holding_posts",
        case_vacant,
        "derived: DfE does not publish vacancies by role; the split that gives the published "
        f"case holders at the start: ({case_posts} - k) x {per_head:.3f} + covered + extra = "
        f"{_num(holders)}",
    )
    out.value(
        "vacant_non_case_holding_posts",
        other_vacant,
        f"derived: {vacancies} vacancies - {case_vacant}; vacancy rate " + src("vacancy_rate_fte"),
    )
    out.value(
        "agency_covering_vacancies",
        covering,
        "agency workers in vacant posts: " + src("agency_cover_fte", "agency_rate_fte"),
    )
    out.value(
        "newly_qualified_share",
        0.0,
        "assumption: no ASYE year under way is modelled apart from other staff",
    )
    out.value(
        "tenure_days",
        {
            "dist": "gamma",
            "mean_days": derive.ENGLAND_2025_BEHAVIOUR["initial.tenure_days.mean_days"],
            "sd_days": derive.ENGLAND_2025_BEHAVIOUR["initial.tenure_days.sd_days"],
        },
        f"{ENGLAND}: time in post so far of those in post, stationary at England's turnover",
    )
    out.value("open_cases", open_cases, "cases held on the census day: " + src("cases"))
    out.value(
        "turnover_rate_per_year",
        round(fig["turnover_rate_fte"].value / 100, 4),
        "stated start, not used by the run (the drift check compares the first year with "
        "it): " + src("turnover_rate_fte"),
    )

    out.section("workforce")
    out.value(
        "part_time_share",
        share,
        f"derived: {_num(fte)} FTE in {_num(heads)} people = {per_head:.3f} FTE per person "
        f"= 1 - share x (1 - {part_time_fte}); " + src("inpost_fte"),
    )
    out.value(
        "part_time_fte",
        part_time_fte,
        "assumption: a typical part-time contract (about three days a week)"
        if part_time_fte == derive.PART_TIME_FTE
        else "derived: the FTE per person (below the assumed part-time contract of "
        f"{derive.PART_TIME_FTE}), everyone part time",
    )

    out.section("demand")
    out.value(
        "arrivals_per_day",
        round(arrivals, 4),
        f"derived: cases held / mean case duration = {_num(cases)} / {mean_duration:.0f} days "
        "(Little's law; the case types and durations of the England scenario, the schema's "
        "defaults)",
    )
    out.value(
        "step_down_after_days",
        derive.STEP_DOWN_AFTER_DAYS,
        "assumption (as England): a new case unallocated for three months is stepped down",
    )

    out.section("caseload")
    out.value(
        "target_per_fte",
        target,
        f"derived (as England): the highest council caseload in {ret.year} "
        f"({_num(highest)}, {highest_name}) x mean open-case weight {weight:.3f}; the target "
        f"flexes (no ceiling), so every case is allocated; {ret.name}'s caseload "
        f"{_num(caseload)} " + src("caseload_fte"),
    )

    out.section("capacity")
    out.value(
        "absence_rate",
        round(fig["absence_rate_fte"].value / 100, 4),
        "share of working days lost to sickness: " + src("absence_rate_fte"),
    )

    out.section("attrition")
    out.value(
        "resignation_rate_per_year",
        derive.ENGLAND_2025_BEHAVIOUR["attrition.resignation_rate_per_year"],
        f"{ENGLAND}: the hazard at which England's 2025 turnover is stationary, not "
        f"{ret.name}'s own (its turnover in {ret.year}: "
        f"{_num(fig['turnover_rate_fte'].value)}%)",
    )
    out.value(
        "retirement_rate_per_year",
        derive.RETIREMENT_RATE_PER_YEAR,
        "assumption (as England): leaving for reasons no effect changes",
    )
    out.value(
        "notice_days",
        {"dist": "fixed", "days": derive.NOTICE_DAYS},
        "assumption (as England): four weeks' notice",
    )

    out.section("recruitment")
    out.value(
        "open_at",
        "leaving",
        "a DfE vacancy is a post with no employee; the campaign starts when it falls vacant",
    )
    out.value(
        "campaign_days",
        {"dist": "fixed", "days": derive.CAMPAIGN_DAYS},
        "assumption (as England): advert, shortlisting and interview",
    )
    out.value(
        "applicants_per_campaign",
        derive.ENGLAND_2025_BEHAVIOUR["recruitment.applicants_per_campaign"],
        f"{ENGLAND}: England's 2025 time to fill, not {ret.name}'s (its vacancy rate in "
        f"{ret.year}: {_num(fig['vacancy_rate_fte'].value)}%)",
    )
    out.value("appointable_share", derive.APPOINTABLE_SHARE, "assumption (as England)")
    out.value("offer_acceptance", derive.OFFER_ACCEPTANCE, "assumption (as England)")
    out.value("readvertise_gap_days", derive.READVERTISE_GAP_DAYS, "assumption (as England)")
    out.value(
        "starter_notice_days",
        {"dist": "fixed", "days": derive.STARTER_NOTICE_DAYS},
        "assumption (as England): six weeks' notice elsewhere",
    )

    out.section("agency")
    out.value("cover_vacancies", True, "vacant posts are covered by agency workers when found")
    out.value(
        "search_days",
        {"dist": "fixed", "days": derive.AGENCY_SEARCH_DAYS},
        "assumption (as England): three weeks per search",
    )
    out.value(
        "availability",
        derive.ENGLAND_2025_BEHAVIOUR["agency.availability"],
        f"{ENGLAND}: the chance a search succeeds that covers England's 2025 share of "
        "vacant time, not the council's own",
    )
    out.value(
        "assignment_days",
        {
            "dist": "lognormal",
            "mean_days": derive.AGENCY_ASSIGNMENT.mean_days,
            "sd_days": derive.AGENCY_ASSIGNMENT.sd_days,
        },
        "assumption (as England): months, not years",
    )
    out.value(
        "extra_workers",
        extra,
        f"derived: agency FTE not covering a vacancy = {_num(agency)} - {covering} x "
        f"{per_head:.3f}, full time (all in post at the start): " + src("agency_fte"),
    )

    out.section("inspection")
    if judged is None:
        out.value(
            "current_rating",
            rating,
            f"assumption: {OFSTED_FILE} has no ILACS judgement of {ret.name} on or before "
            f"{start.isoformat()} (ILACS began in 2018); the commonest judgement assumed",
        )
    else:
        whose = f"{judged.ofsted_name} ({judged.ofsted_code})" + (
            ", a council it replaced, as it had none of its own yet" if judged.predecessor else ""
        )
        ilacs = f"{OFSTED_FILE}: {whose}, {judged.inspection_type}"
        out.value(
            "current_rating",
            rating,
            f"the latest judgement on or before the start: {ilacs}, overall_effectiveness "
            f"inspected {judged.inspection_date.isoformat()}, published "
            f"{judged.publication_date.isoformat()}",
        )
        out.value(
            "last_inspection_date",
            judged.inspection_date,
            f"{OFSTED_FILE}: inspection_date of that judgement",
        )
        if judged.predecessor:
            notes.append(f"Ofsted judgement: {whose}")

    out.section("quality")
    out.value(
        "start_index",
        round(Inspection().practice_for(rating, Incidents().rate_per_1000_cases_per_year), 4),
        f"derived: the practice an inspection scores at the middle of the "
        f"{rating.replace('_', ' ')} band (the schema's inspection thresholds), with the "
        "penalty for serious incidents at their reference rate added back: the practice the "
        "judgement in force stands for on the start date, from which the model infers the "
        "base quality of the council's leadership; nothing else about it is published",
    )

    out.section("reputation")
    out.value(
        "initial",
        reputation,
        f"the reputation a {rating.replace('_', ' ')} judgement pulls towards "
        "(the schema's reputation.target_by_rating)",
    )
    out.blank()
    out.comment(
        "culture, supervision, incidents, costs and effects: schema defaults, each "
        "with its source or assumption in staffsim/scenario/schema.py and "
        "staffsim/scenario/spiral.py (docs/scenario-reference.md)."
    )
    text = "\n".join(out.lines) + "\n"
    return CouncilScenario(
        council=ret,
        text=text,
        values=out.values,
        sources=out.sources,
        figures=fig,
        notes=list(dict.fromkeys(notes)),
    )

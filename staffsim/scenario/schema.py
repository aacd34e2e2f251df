"""The scenario: every input of a run, validated, immutable, with every default in one place.

A scenario file is YAML; :mod:`staffsim.scenario.loader` turns it into a :class:`Scenario`.
Every field states its unit in its name or its description; rates are fractions (0.12 means
12%), durations are days unless the name says years, money is pounds sterling.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic.config import JsonDict

from staffsim.scenario.base import CalendarDate, Label, Section
from staffsim.scenario.distributions import Distribution, Exponential, Fixed, Lognormal
from staffsim.scenario.effect_curves import EFFECT_CURVES, effect_field
from staffsim.scenario.effects import Effect
from staffsim.scenario.errors import Loc, RuleViolations
from staffsim.scenario.rules import broken_rules
from staffsim.scenario.spiral import (
    Culture,
    Incidents,
    Inspection,
    Quality,
    Reputation,
    Supervision,
)

__all__ = [
    "SCHEMA_VERSION",
    "Agency",
    "Attrition",
    "Capacity",
    "CaseType",
    "Caseload",
    "Costs",
    "Culture",
    "Demand",
    "Effects",
    "Establishment",
    "Incidents",
    "InitialState",
    "Inspection",
    "NewlyQualifiedIntake",
    "Pathways",
    "Policy",
    "Quality",
    "Recruitment",
    "Reputation",
    "Scenario",
    "Supervision",
    "Workforce",
]

SCHEMA_VERSION = 2
"""The scenario file format this staffsim reads; see :mod:`staffsim.scenario.migrate`."""

Fraction = Field(ge=0, le=1)


def _unit(unit: str) -> JsonDict:
    return {"unit": unit}


class Establishment(Section):
    """The funded posts.

    A post's FTE is drawn when the post is created: part time (``workforce.part_time_fte``)
    with the workforce's part-time share, full time otherwise. Whoever fills it, an
    employee or an agency worker covering the vacancy, works that FTE, so vacancy FTE plus
    in-post FTE is the FTE establishment, as DfE's vacancy rate assumes.
    """

    case_holding_posts: int = Field(
        100,
        ge=1,
        le=50_000,
        description="Funded posts of social workers who hold cases.",
        json_schema_extra=_unit("posts"),
    )
    non_case_holding_posts: int = Field(
        60,
        ge=0,
        le=50_000,
        description="Funded posts that hold no cases: team managers, senior practitioners in "
        "management roles, and other qualified roles (DfE: 21,105 case-holding FTE of 36,186 "
        "employed FTE in 2025).",
        json_schema_extra=_unit("posts"),
    )
    team_manager_posts: int | None = Field(
        None,
        ge=0,
        le=50_000,
        description="How many of the non-case-holding posts are team managers, each leading "
        "a team of case holders; empty means one per seven case-holding posts (a span of "
        "control of seven), at most the non-case-holding posts.",
        json_schema_extra=_unit("posts"),
    )

    @property
    def teams(self) -> int:
        """Number of teams (team manager posts), at least one."""
        if self.team_manager_posts is not None:
            return max(1, self.team_manager_posts)
        return max(1, min(self.non_case_holding_posts, -(-self.case_holding_posts // 7)))

    @model_validator(mode="after")
    def _managers_within(self) -> Establishment:
        if (
            self.team_manager_posts is not None
            and self.team_manager_posts > self.non_case_holding_posts
        ):
            raise ValueError(
                f"team_manager_posts ({self.team_manager_posts}) exceeds non_case_holding_posts "
                f"({self.non_case_holding_posts})"
            )
        return self


class Workforce(Section):
    """Attributes of the people who fill posts, drawn when each one starts."""

    part_time_share: float = Field(
        0.12,
        ge=0,
        le=1,
        description="Share of posts that are part time, drawn when a post is created; "
        "whoever fills the post works its FTE (DfE 2025: 36,186 FTE in 38,292 heads, a mean "
        "of 0.945 FTE per head).",
        json_schema_extra=_unit("fraction"),
    )
    part_time_fte: float = Field(
        0.55,
        gt=0,
        le=1,
        description="FTE of a part-time post.",
        json_schema_extra=_unit("FTE"),
    )
    experience_at_hire_days: Distribution = Field(
        default_factory=lambda: Lognormal(mean_days=5 * 365.25, sd_days=4 * 365.25),
        description="Post-qualifying experience of an experienced hire or agency worker.",
    )


class CaseType(Section):
    """One kind of case (child in need, child protection, child looked after, ...)."""

    share: float = Field(
        ge=0,
        le=1,
        description="Share of arriving cases of this type; shares sum to 1.",
        json_schema_extra=_unit("fraction"),
    )
    weight: float = Field(
        1.0,
        gt=0,
        le=10,
        description="Caseload units one case counts for against the caseload target and ceiling.",
        json_schema_extra=_unit("cases"),
    )
    direct_hours_per_week: float = Field(
        1.0,
        ge=0,
        le=40,
        description="Direct-work hours a week the case needs from its social worker.",
        json_schema_extra=_unit("hours/week"),
    )
    duration: Distribution = Field(description="How long a case stays open once it arrives.")
    looked_after: bool = Field(
        False,
        description="Cases of this type are children looked after (counted by "
        "`cla_3plus_sw_pct`, DfE's continuity measure).",
    )


def _default_case_types() -> dict[str, CaseType]:
    return {
        "child_in_need": CaseType(
            share=0.62,
            weight=1.0,
            direct_hours_per_week=0.9,
            duration=Lognormal(mean_days=150, sd_days=150),
        ),
        "child_protection": CaseType(
            share=0.28,
            weight=1.2,
            direct_hours_per_week=1.6,
            duration=Lognormal(mean_days=300, sd_days=200),
        ),
        "child_looked_after": CaseType(
            share=0.10,
            weight=1.0,
            direct_hours_per_week=1.2,
            duration=Lognormal(mean_days=700, sd_days=500),
            looked_after=True,
        ),
    }


class Demand(Section):
    """Cases arriving at the service."""

    arrivals_per_day: float = Field(
        5.0,
        ge=0,
        le=5_000,
        description="Mean case arrivals a day (Poisson).",
        json_schema_extra=_unit("cases/day"),
    )
    seasonality_amplitude: float = Field(
        0.0,
        ge=0,
        lt=1,
        description="Relative amplitude of a yearly sinusoidal swing in arrivals (0 = none).",
        json_schema_extra=_unit("fraction"),
    )
    seasonality_peak_month: int = Field(
        11,
        ge=1,
        le=12,
        description="Calendar month in which arrivals peak.",
        json_schema_extra=_unit("month"),
    )
    trend_per_year: float = Field(
        0.0,
        gt=-1,
        le=1,
        description="Compound yearly growth of the arrival rate.",
        json_schema_extra=_unit("fraction/year"),
    )
    step_down_after_days: float | None = Field(
        None,
        gt=0,
        le=3650,
        description="A new case still waiting for a social worker this long is stepped down "
        "(closed to children's social care, e.g. to early help, or held by the duty team and "
        "closed) rather than waiting for ever; empty means cases wait until allocated. A "
        "service that cannot keep up closes cases this way instead of building an endless "
        "list.",
        json_schema_extra=_unit("days"),
    )
    case_types: dict[str, CaseType] = Field(
        default_factory=_default_case_types,
        min_length=1,
        description="The case types, by name; their shares sum to 1.",
    )

    @property
    def mean_duration_days(self) -> float:
        """Mean case duration over the arrival mix, in days."""
        return sum(t.share * t.duration.mean for t in self.case_types.values())


class Caseload(Section):
    """The caseload target that allocation works to, and an optional hard ceiling.

    A case goes to the case holder whose caseload is lowest relative to their own target.
    Above the target cases are still allocated, as services do when short-staffed, and the
    pressure on the staff does the work; a case waits (held by the duty team) only when
    every holder is at the ceiling, if one is set, or nobody holds cases.
    """

    target_per_fte: float = Field(
        22.0,
        gt=0,
        le=200,
        description="Caseload a full-time case holder is managed towards (weighted cases). "
        "Allocation goes to the holder lowest relative to their own target (this, scaled by "
        "their FTE and the newly qualified and ramp-up fractions), above it when need be. "
        "Every holder's target scales alike, so its level on its own moves no case: the "
        "caseloads follow the cases and the people who hold them, and the level is the line "
        "`holders_over_target_pct` counts against (and a ceiling, if set, must be above).",
        json_schema_extra=_unit("cases/FTE"),
    )
    ceiling_per_fte: float | None = Field(
        None,
        gt=0,
        le=200,
        description="A hard limit on a full-time case holder's caseload (weighted cases), at "
        "least the target; a case that would take every holder over it waits with the duty "
        "team until room is made. Empty means no ceiling: cases are always allocated while "
        "anyone holds cases.",
        json_schema_extra=_unit("cases/FTE"),
    )
    newly_qualified_cap_fraction: float = Field(
        0.8,
        gt=0,
        le=1,
        description="Share of the target (and of any ceiling) a newly qualified social worker "
        "holds in the ASYE year (the protected caseload).",
        json_schema_extra=_unit("fraction"),
    )
    newly_qualified_days: float = Field(
        365,
        ge=0,
        le=3650,
        description="Length of the protected ASYE year.",
        json_schema_extra=_unit("days"),
    )


class Pathways(Section):
    """Cases passing between teams by design, each move a change of social worker.

    A case still open when its assessment ends passes from the assessment worker to a
    long-term worker; after that it changes team at a steady rate (a change of plan, from
    child in need to child protection to looked after, or a move to a specialist team).
    Each move goes to the least-loaded other holder with room; when none has room the case
    stays where it is.
    """

    assessment_days: float | None = Field(
        63.0,
        gt=0,
        le=3650,
        description="Days from a case's first allocation to its move to a long-term worker, if "
        "it is still open: 45 working days (63 calendar days), the time within which "
        "Working Together to Safeguard Children (2023) requires an assessment to be "
        "completed. Empty means no assessment move: the later changes of team then start "
        "from the first allocation.",
        json_schema_extra=_unit("days"),
    )
    transfer_rate_per_year: float = Field(
        0.49,
        ge=0,
        le=12,
        description="Rate at which a case past its assessment changes team (a change of "
        "plan or a move to a specialist team). No source publishes it; the default is "
        "fitted so that a typical English council (scenarios/england_2025.yaml) has DfE's "
        "27% of children looked after with three or more social workers in the year "
        "(scripts/fit_transfer_rate.py).",
        json_schema_extra=_unit("1/year"),
    )


class Capacity(Section):
    """A case holder's week, from which direct-work capacity and pressure follow."""

    contracted_hours_per_week: float = Field(
        37.0,
        gt=0,
        le=80,
        description="Contracted hours of a full-time worker.",
        json_schema_extra=_unit("hours/week"),
    )
    admin_share: float = Field(
        0.35,
        ge=0,
        lt=1,
        description="Share of contracted hours spent on recording, forms and other "
        "bureaucracy rather than with children and families.",
        json_schema_extra=_unit("fraction"),
    )
    supervision_hours_per_month: float = Field(
        2.0,
        ge=0,
        le=40,
        description="Hours of supervision a case holder receives a month.",
        json_schema_extra=_unit("hours/month"),
    )
    training_days_per_year: float = Field(
        5.0,
        ge=0,
        le=60,
        description="Training days a year per FTE.",
        json_schema_extra=_unit("days/year"),
    )
    absence_rate: float = Field(
        0.035,
        ge=0,
        lt=1,
        description="Share of working days lost to sickness (DfE 2025: 3.5%); it reduces "
        "capacity and is reported as the absence rate.",
        json_schema_extra=_unit("fraction"),
    )


class Attrition(Section):
    """Why and when employees and agency workers leave."""

    resignation_rate_per_year: float = Field(
        0.11,
        ge=0,
        le=5,
        description="Resignation hazard of an employee when every effect is at its reference "
        "value (multiplier 1).",
        json_schema_extra=_unit("1/year"),
    )
    retirement_rate_per_year: float = Field(
        0.01,
        ge=0,
        le=1,
        description="Hazard of retiring or leaving for reasons no effect changes.",
        json_schema_extra=_unit("1/year"),
    )
    notice_days: Distribution = Field(
        default_factory=lambda: Fixed(days=28),
        description="Notice an employee works between resigning and leaving.",
    )
    review_interval_days: float = Field(
        30.4375,
        ge=1,
        le=366,
        description="How often each worker's hazard is brought up to date with pressure, "
        "tenure and the other effects; the hazard is piecewise constant in between.",
        json_schema_extra=_unit("days"),
    )


class NewlyQualifiedIntake(Section):
    """A yearly cohort of newly qualified social workers (ASYE) into vacant case-holding posts."""

    per_year: int = Field(
        0,
        ge=0,
        le=10_000,
        description="Starters in each cohort.",
        json_schema_extra=_unit("people/year"),
    )
    month: int = Field(9, ge=1, le=12, description="Month the cohort starts.")
    day: int = Field(1, ge=1, le=28, description="Day of the month the cohort starts.")


class Recruitment(Section):
    """Campaigns that fill vacant posts with employees."""

    open_at: Literal["leaving", "notice"] = Field(
        "leaving",
        description="Open a campaign when the leaver leaves, or as soon as they give notice.",
    )
    campaign_days: Distribution = Field(
        default_factory=lambda: Fixed(days=60),
        description="From advert to the offer decision.",
    )
    applicants_per_campaign: float = Field(
        3.0,
        ge=0,
        le=1000,
        description="Mean applicants per campaign (Poisson) at reference reputation and pay.",
        json_schema_extra=_unit("people"),
    )
    appointable_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of applicants good enough to appoint.",
        json_schema_extra=_unit("fraction"),
    )
    offer_acceptance: float = Field(
        0.8,
        ge=0,
        le=1,
        description="Chance an appointable applicant accepts the offer.",
        json_schema_extra=_unit("fraction"),
    )
    readvertise_gap_days: float = Field(
        14.0,
        ge=0,
        le=3650,
        description="Pause before a failed campaign is run again.",
        json_schema_extra=_unit("days"),
    )
    starter_notice_days: Distribution = Field(
        default_factory=lambda: Fixed(days=42),
        description="Notice the new starter works for their old employer after accepting.",
    )
    ramp_up_days: float = Field(
        60.0,
        ge=0,
        le=730,
        description="Days a new starter takes to reach a full caseload.",
        json_schema_extra=_unit("days"),
    )
    ramp_up_cap_fraction: float = Field(
        0.6,
        gt=0,
        le=1,
        description="Share of their target (and of any ceiling) a starter holds while ramping up.",
        json_schema_extra=_unit("fraction"),
    )
    newly_qualified: NewlyQualifiedIntake = Field(default_factory=NewlyQualifiedIntake)


class Agency(Section):
    """Agency workers covering vacancies, absence or extra capacity."""

    cover_vacancies: bool = Field(True, description="Cover vacant posts with agency staff.")
    max_share_of_posts: float = Field(
        1.0,
        ge=0,
        le=1,
        description="Agency use cap: agency workers as a share of all funded posts.",
        json_schema_extra=_unit("fraction"),
    )
    search_days: Distribution = Field(
        default_factory=lambda: Fixed(days=21),
        description="From a post falling vacant (or a search failing) to a search result.",
    )
    availability: float = Field(
        0.85,
        ge=0,
        le=1,
        description="Chance a search finds an agency worker at reference reputation.",
        json_schema_extra=_unit("fraction"),
    )
    assignment_days: Distribution = Field(
        default_factory=lambda: Lognormal(mean_days=270, sd_days=200),
        description="How long an agency worker stays before ending the assignment (a day at "
        "least, whatever the draw).",
    )
    extra_workers: int = Field(
        0,
        ge=0,
        le=10_000,
        description="Agency case holders kept on to cover absence or extra capacity rather "
        "than a vacancy (about a fifth of agency FTE nationally, DfE 2025).",
        json_schema_extra=_unit("people (FTE)"),
    )
    price_cap_gbp_per_day: float | None = Field(
        None,
        gt=0,
        le=1e4,
        description="Agency price cap: the most the council pays an agency worker a day "
        "(empty = no cap). Below the market rate it saves money but fewer searches succeed "
        "(effect price_cap_on_agency_availability).",
        json_schema_extra=_unit("GBP/day"),
    )


class Costs(Section):
    """Prices that turn activity into money."""

    salary_gbp_per_year: float = Field(
        43_000,
        ge=0,
        le=1e6,
        description="Mean salary of a full-time employed social worker.",
        json_schema_extra=_unit("GBP/year"),
    )
    on_cost_share: float = Field(
        0.30,
        ge=0,
        le=2,
        description="Employer on-costs (pension, national insurance).",
        json_schema_extra=_unit("fraction of salary"),
    )
    market_salary_gbp_per_year: float = Field(
        43_000,
        gt=0,
        le=1e6,
        description="Salary neighbouring employers pay; pay effects use salary plus "
        "retention supplement over this.",
        json_schema_extra=_unit("GBP/year"),
    )
    retention_supplement_gbp_per_year: float = Field(
        0.0,
        ge=0,
        le=1e6,
        description="Retention payment to each employed FTE.",
        json_schema_extra=_unit("GBP/year"),
    )
    agency_day_rate_gbp: float = Field(
        330.0,
        ge=0,
        le=1e4,
        description="Cost of an agency worker per working day (Birmingham 2015: about GBP 33 "
        "an hour).",
        json_schema_extra=_unit("GBP/day"),
    )
    working_days_per_year: float = Field(
        225.0,
        gt=0,
        le=366,
        description="Working days in a year of agency cover.",
        json_schema_extra=_unit("days/year"),
    )
    recruitment_gbp_per_campaign: float = Field(
        2_500,
        ge=0,
        le=1e6,
        description="Advertising and interviewing cost of one campaign.",
        json_schema_extra=_unit("GBP"),
    )
    newly_qualified_support_gbp: float = Field(
        2_000,
        ge=0,
        le=1e6,
        description="Extra cost of supporting one ASYE starter.",
        json_schema_extra=_unit("GBP"),
    )


class Effects(Section):
    """The feedback effects, each a switchable curve (see :class:`Effect`).

    A file may give only part of an effect, e.g. ``{enabled: false}``: the missing keys
    keep their defaults.
    """

    @model_validator(mode="before")
    @classmethod
    def _fill_partial_effects(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        filled = dict(data)
        for name, value in data.items():
            field = cls.model_fields.get(name)
            if field is None or not isinstance(value, dict) or field.default_factory is None:
                continue
            # get_default calls the factory whichever of pydantic's two signatures it has
            default = field.get_default(call_default_factory=True).model_dump()
            if "points" in value:
                # new points are not what the default's source describes
                default["source"] = "Set in the scenario."
            filled[name] = {**default, **value}
        return filled

    pressure_on_resignation: Effect = effect_field("pressure_on_resignation")
    tenure_on_resignation: Effect = effect_field("tenure_on_resignation")
    pay_on_resignation: Effect = effect_field("pay_on_resignation")
    pay_on_applicants: Effect = effect_field("pay_on_applicants")
    supervision_on_resignation: Effect = effect_field("supervision_on_resignation")
    culture_on_resignation: Effect = effect_field("culture_on_resignation")
    blame_on_resignation: Effect = effect_field("blame_on_resignation")
    blame_on_team_resignation: Effect = effect_field("blame_on_team_resignation")
    defensive_on_admin: Effect = effect_field("defensive_on_admin")
    learning_on_incidents: Effect = effect_field("learning_on_incidents")
    quality_on_incidents: Effect = effect_field("quality_on_incidents")
    pressure_on_quality: Effect = effect_field("pressure_on_quality")
    experience_on_quality: Effect = effect_field("experience_on_quality")
    continuity_on_quality: Effect = effect_field("continuity_on_quality")
    supervision_on_quality: Effect = effect_field("supervision_on_quality")
    unallocated_on_quality: Effect = effect_field("unallocated_on_quality")
    reputation_on_applicants: Effect = effect_field("reputation_on_applicants")
    reputation_on_resignation: Effect = effect_field("reputation_on_resignation")
    reputation_on_agency_availability: Effect = effect_field("reputation_on_agency_availability")
    reputation_on_agency_price: Effect = effect_field("reputation_on_agency_price")
    price_cap_on_agency_availability: Effect = effect_field("price_cap_on_agency_availability")

    def all_off(self) -> Effects:
        """A copy with every effect switched off."""
        return self.model_copy(
            update={name: getattr(self, name).off() for name in type(self).model_fields}
        )


if tuple(Effects.model_fields) != tuple(curve.name for curve in EFFECT_CURVES):
    raise RuntimeError("Effects must declare exactly the effects of EFFECT_CURVES, in order")


class InitialState(Section):
    """The service on the start date, so that a run starts without warm-up bias."""

    @model_validator(mode="before")
    @classmethod
    def _rate_or_counts(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("vacancy_rate") is not None:
            given = [k for k in _VACANCY_COUNTS if data.get(k) is not None]
            if given:
                raise ValueError(
                    f"give vacancy_rate or the vacancy counts ({', '.join(given)}), not both"
                )
        return data

    vacant_case_holding_posts: int = Field(
        0,
        ge=0,
        le=50_000,
        description="Case-holding posts with no employee on the start date.",
        json_schema_extra=_unit("posts"),
    )
    vacant_non_case_holding_posts: int = Field(
        0,
        ge=0,
        le=50_000,
        description="Non-case-holding posts with no employee on the start date.",
        json_schema_extra=_unit("posts"),
    )
    vacancy_rate: float | None = Field(
        None,
        ge=0,
        lt=1,
        description="Instead of the two vacancy counts: the vacancy rate on the start date as "
        "DfE defines it (vacant FTE over vacant plus employed FTE, which is the FTE "
        "establishment), the same for case-holding and other posts. "
        "Reading the file turns it into the two counts (rounded), so give the rate or the "
        "counts, not both; neither means no vacancies.",
        json_schema_extra=_unit("fraction"),
    )
    turnover_rate_per_year: float | None = Field(
        None,
        ge=0,
        le=5,
        description="The turnover the service had in the year to the start date (DfE: leavers "
        "FTE over FTE in post), stated for comparison only: the run does not use it, but "
        "`staffsim run` and `staffsim validate --check-steady` warn when the first simulated "
        "year's turnover moves away from it.",
        json_schema_extra=_unit("1/year"),
    )
    agency_covering_vacancies: int = Field(
        0,
        ge=0,
        le=100_000,
        description="Agency workers in vacant posts on the start date (case-holding posts first).",
        json_schema_extra=_unit("people (FTE)"),
    )
    agency_cover_share: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Instead of agency_covering_vacancies: the share of vacant case-holding "
        "posts covered by agency workers on the start date (so that the cover follows the "
        "vacancies when they are varied).",
        json_schema_extra=_unit("fraction"),
    )
    newly_qualified_share: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Share of employed case holders in their ASYE year on the start date.",
        json_schema_extra=_unit("fraction"),
    )
    tenure_days: Distribution = Field(
        default_factory=lambda: Exponential(mean_days=4 * 365.25),
        description="Time in post so far of the employees in post on the start date; their "
        "remaining tenure is drawn conditional on it.",
    )
    open_cases: int | None = Field(
        None,
        ge=0,
        le=1_000_000,
        description="Open cases on the start date; empty means the equilibrium number "
        "(arrivals a day x mean duration). Types are split in proportion to share x mean "
        "duration and remaining durations drawn from the equilibrium (length-biased) "
        "distribution.",
        json_schema_extra=_unit("cases"),
    )


class Policy(Section):
    """A dated change: from ``date`` on, each ``set`` key path takes its new value."""

    name: str = Field(
        min_length=1, max_length=200, description="A short name for tables and charts."
    )
    date: CalendarDate = Field(
        description="The day the change takes effect, from 1900-01-01 to 2200-12-31."
    )
    set: dict[str, Any] = Field(
        min_length=1,
        description="Dotted key paths of scenario fields and their new values, e.g. "
        "{'caseload.target_per_fte': 18}.",
    )
    cost_gbp_one_off: float = Field(
        0.0, ge=0, le=1e10, description="Cost incurred on the date.", json_schema_extra=_unit("GBP")
    )
    cost_gbp_per_year: float = Field(
        0.0,
        ge=0,
        le=1e10,
        description="Running cost from the date on.",
        json_schema_extra=_unit("GBP/year"),
    )


class Scenario(Section):
    """A complete, validated description of one service and what happens to it."""

    schema_version: int = Field(
        SCHEMA_VERSION,
        ge=1,
        le=SCHEMA_VERSION,
        description="The scenario file format; older files are migrated or refused with a message.",
    )
    name: Label = Field(
        "scenario",
        description="Short name used in tables and for the default output folder: letters, "
        "digits, '-', '_' and '.', not starting with '.'.",
    )
    description: str = Field("", description="What the scenario represents.")
    start_date: CalendarDate = Field(
        dt.date(2024, 10, 1),
        description="First simulated day, from 1900-01-01 to 2200-12-31; 1 October makes each "
        "simulated year a DfE reporting year ending 30 September.",
    )
    horizon_years: float = Field(
        5.0,
        ge=0.003,
        le=100,
        description="Length of a run (at least a day).",
        json_schema_extra=_unit("years"),
    )
    seed: int = Field(12345, ge=0, le=2**63 - 1, description="Base seed of the random streams.")
    price_base_year: int = Field(
        2024,
        ge=1900,
        le=2200,
        description="The financial year whose prices every cost is stated in (2024 means "
        "April 2024 to March 2025); an appraisal reports real costs in these prices.",
        json_schema_extra=_unit("financial year starting in April"),
    )
    establishment: Establishment = Field(default_factory=Establishment)
    initial: InitialState = Field(default_factory=InitialState)
    workforce: Workforce = Field(default_factory=Workforce)
    demand: Demand = Field(default_factory=Demand)
    caseload: Caseload = Field(default_factory=Caseload)
    pathways: Pathways = Field(default_factory=Pathways)
    capacity: Capacity = Field(default_factory=Capacity)
    attrition: Attrition = Field(default_factory=Attrition)
    recruitment: Recruitment = Field(default_factory=Recruitment)
    agency: Agency = Field(default_factory=Agency)
    costs: Costs = Field(default_factory=Costs)
    effects: Effects = Field(default_factory=Effects)
    quality: Quality = Field(default_factory=Quality)
    incidents: Incidents = Field(default_factory=Incidents)
    culture: Culture = Field(default_factory=Culture)
    supervision: Supervision = Field(default_factory=Supervision)
    inspection: Inspection = Field(default_factory=Inspection)
    reputation: Reputation = Field(default_factory=Reputation)
    policies: tuple[Policy, ...] = Field(
        (),
        strict=False,  # a list in the file
        description="Dated changes to the scenario's parameters, applied in date order.",
    )

    @model_validator(mode="before")
    @classmethod
    def _vacancy_rate_as_counts(cls, data: Any) -> Any:
        return _vacancy_rate_as_counts(data)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        """Every rule across fields (:mod:`staffsim.scenario.rules`), all broken ones at once."""
        issues = broken_rules(self._value_at)
        if issues:
            raise RuleViolations(issues)
        return self

    def _value_at(self, loc: Loc) -> Any:
        node: Any = self
        for key in loc:
            node = node[key] if isinstance(node, dict) else getattr(node, str(key))
        return node

    @property
    def initial_agency_cover(self) -> int:
        """Agency workers covering vacancies on the start date."""
        ini = self.initial
        if ini.agency_cover_share is not None:
            return round(ini.agency_cover_share * ini.vacant_case_holding_posts)
        return ini.agency_covering_vacancies

    @property
    def end_date(self) -> dt.date:
        """The day after the last simulated day: whole years by the calendar (so a run of
        five years from 1 October ends on 1 October), any fraction of a year in days."""
        whole = int(self.horizon_years)
        start = self.start_date
        year = start.year + whole
        day = min(start.day, 28) if (start.month, start.day) == (2, 29) else start.day
        end = start.replace(year=year, day=day)
        return end + dt.timedelta(days=round((self.horizon_years - whole) * 365.25))

    @property
    def horizon_days(self) -> float:
        """Length of a run in days."""
        return float((self.end_date - self.start_date).days)

    def with_effects_off(self) -> Scenario:
        """A copy with every feedback effect switched off (multiplier exactly 1)."""
        return self.model_copy(update={"effects": self.effects.all_off()})


_VACANCY_COUNTS = ("vacant_case_holding_posts", "vacant_non_case_holding_posts")


def _given(section: Any, key: str, model: type[Section]) -> Any:
    """A field's value in raw scenario data, or its schema default."""
    if isinstance(section, dict) and section.get(key) is not None:
        return section[key]
    return model.model_fields[key].default


def _vacancy_rate_as_counts(data: Any) -> Any:
    """Raw scenario data with ``initial.vacancy_rate`` turned into the two vacancy counts.

    Posts are drawn part time in the workforce's share whether filled or not, so the rate
    v = vacant FTE / establishment FTE is, in expectation, the share of posts vacant: of P
    posts of a role, k = v P are vacant, rounded half up. Values of the wrong type are left
    for the field checks to report.
    """
    initial = data.get("initial") if isinstance(data, dict) else None
    if not isinstance(initial, dict) or initial.get("vacancy_rate") is None:
        return data
    if any(initial.get(k) is not None for k in _VACANCY_COUNTS):
        return data  # InitialState refuses both
    rate = initial["vacancy_rate"]
    est = data.get("establishment")
    roles = ("case_holding_posts", "non_case_holding_posts")
    posts = [_given(est, k, Establishment) for k in roles]
    numbers = [rate, *posts]
    if any(isinstance(x, bool) or not isinstance(x, int | float) for x in numbers):
        return data
    if not (0 <= rate < 1 and min(posts) >= 0):
        return data
    counts = {key: int(rate * p + 0.5) for key, p in zip(_VACANCY_COUNTS, posts, strict=True)}
    return {**data, "initial": {**initial, "vacancy_rate": None, **counts}}

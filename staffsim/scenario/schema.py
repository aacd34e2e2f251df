"""The scenario: every input of a run, validated, immutable, with every default in one place.

A scenario file is YAML; :mod:`staffsim.scenario.loader` turns it into a :class:`Scenario`.
Every field states its unit in its name or its description; rates are fractions (0.12 means
12%), durations are days unless the name says years, money is pounds sterling.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from staffsim.scenario.base import Section
from staffsim.scenario.distributions import Distribution, Exponential, Fixed, Lognormal
from staffsim.scenario.effects import Effect
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
    "Policy",
    "Quality",
    "Recruitment",
    "Reputation",
    "Scenario",
    "Supervision",
    "Workforce",
]

SCHEMA_VERSION = 1
"""The scenario file format this staffsim reads; see :mod:`staffsim.scenario.migrate`."""

Fraction = Field(ge=0, le=1)


def _unit(unit: str) -> dict[str, str]:
    return {"unit": unit}


class Establishment(Section):
    """The funded posts, each one full-time equivalent (FTE)."""

    case_holding_posts: int = Field(
        100,
        ge=0,
        le=100_000,
        description="Funded posts of social workers who hold cases.",
        json_schema_extra=_unit("posts (FTE)"),
    )
    non_case_holding_posts: int = Field(
        60,
        ge=0,
        le=100_000,
        description="Funded posts that hold no cases: team managers, senior practitioners in "
        "management roles, and other qualified roles (DfE: 21,105 case-holding FTE of 36,186 "
        "employed FTE in 2025).",
        json_schema_extra=_unit("posts (FTE)"),
    )
    team_manager_posts: int | None = Field(
        None,
        ge=0,
        le=100_000,
        description="How many of the non-case-holding posts are team managers, each leading "
        "a team of case holders; empty means one per seven case-holding posts (a span of "
        "control of seven), at most the non-case-holding posts.",
        json_schema_extra=_unit("posts (FTE)"),
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
        description="Share of employees working part time (DfE 2025: 36,186 FTE in 38,292 "
        "heads, a mean of 0.945 FTE per head).",
        json_schema_extra=_unit("fraction"),
    )
    part_time_fte: float = Field(
        0.55,
        gt=0,
        le=1,
        description="FTE of a part-time employee.",
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
        description="Caseload units one case counts for against the caseload cap.",
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
        ),
    }


class Demand(Section):
    """Cases arriving at the service."""

    arrivals_per_day: float = Field(
        5.0,
        ge=0,
        le=10_000,
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
        description="The case types, by name.",
    )

    @field_validator("case_types")
    @classmethod
    def _shares_sum_to_one(cls, case_types: dict[str, CaseType]) -> dict[str, CaseType]:
        total = sum(t.share for t in case_types.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"case type shares must sum to 1, they sum to {total:.6g}")
        return case_types

    @property
    def mean_duration_days(self) -> float:
        """Mean case duration over the arrival mix, in days."""
        return sum(t.share * t.duration.mean for t in self.case_types.values())


class Caseload(Section):
    """The caseload cap that allocation respects."""

    cap_per_fte: float = Field(
        22.0,
        gt=0,
        le=200,
        description="Most caseload units a full-time case holder is allocated; a case waits "
        "unallocated when nobody is under the cap.",
        json_schema_extra=_unit("cases/FTE"),
    )
    newly_qualified_cap_fraction: float = Field(
        0.8,
        gt=0,
        le=1,
        description="Share of the cap a newly qualified social worker holds in the ASYE year "
        "(the protected caseload).",
        json_schema_extra=_unit("fraction"),
    )
    newly_qualified_days: float = Field(
        365,
        ge=0,
        le=3650,
        description="Length of the protected ASYE year.",
        json_schema_extra=_unit("days"),
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
        gt=0,
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
        description="Share of their cap a starter holds while ramping up.",
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
        description="How long an agency worker stays before ending the assignment.",
    )
    extra_workers: int = Field(
        0,
        ge=0,
        le=100_000,
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
            default = field.default_factory().model_dump()
            if "points" in value:
                # new points are not what the default's source describes
                default["source"] = "Set in the scenario."
            filled[name] = {**default, **value}
        return filled

    pressure_on_resignation: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.6, 0.85), (1.0, 1.0), (1.3, 1.4), (1.6, 2.0), (2.0, 2.6)),
            source="Assumption shaped by the DfE longitudinal study of social workers (2018): "
            "too many cases is a stress for 50%, and stress is the main reason to leave.",
        ),
        description="Pressure (direct-work hours needed / available) -> multiplier on the "
        "resignation hazard.",
    )
    tenure_on_resignation: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.0, 1.3), (2.0, 1.0), (10.0, 0.8)),
            source="Assumption: leaving is commoner in the first years in a post.",
        ),
        description="Tenure in the post (years) -> multiplier on the resignation hazard.",
    )
    pay_on_resignation: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.9, 1.3), (1.0, 1.0), (1.1, 0.85)),
            source="Assumption: a pay elasticity of quits of about -3 near the market rate.",
        ),
        description="Pay relative to the market -> multiplier on the resignation hazard.",
    )
    pay_on_applicants: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.9, 0.7), (1.0, 1.0), (1.1, 1.3)),
            source="Assumption: applicants respond to pay about as strongly as quits.",
        ),
        description="Pay relative to the market -> multiplier on applicants per campaign.",
    )

    supervision_on_resignation: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.0, 1.4), (0.5, 1.15), (1.0, 1.0)),
            source="Assumption shaped by the DfE longitudinal study (2018): good supervision "
            "is among the main reasons social workers give for staying.",
        ),
        description="Supervision received (share of the standard) -> multiplier on the "
        "resignation hazard.",
    )
    culture_on_resignation: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.0, 1.2), (0.5, 1.0), (1.0, 0.9)),
            source="Assumption shaped by the DfE longitudinal study (2018): working culture "
            "is a source of stress for 42%.",
        ),
        description="Culture (0 blame, 1 just) -> multiplier on the resignation hazard "
        "(morale), apart from any incident.",
    )
    blame_on_resignation: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.0, 1.0), (1.0, 3.0)),
            source="Assumption: staff named in a blamed serious incident are several times "
            "likelier to leave in the following months.",
        ),
        description="Blame (1 - culture) on a worker involved in an incident -> multiplier on "
        "their resignation hazard for incidents.blame_days.",
    )
    blame_on_team_resignation: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.0, 1.0), (1.0, 1.4)),
            source="Assumption: a blamed incident unsettles the whole team.",
        ),
        description="Blame (1 - culture) after an incident in the team -> multiplier on each "
        "team member's resignation hazard for incidents.blame_days.",
    )
    defensive_on_admin: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.0, 1.0), (1.0, 1.04), (5.0, 1.15)),
            source="Assumption: blamed incidents add checklists and recording (defensive "
            "practice); paperwork is the first source of stress (68%, DfE 2018).",
        ),
        description="Blamed incidents in the last incidents.defensive_days, each weighted by "
        "blame -> multiplier on the admin share.",
    )
    learning_on_incidents: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.0, 1.0), (3.0, 0.85), (10.0, 0.7)),
            source="Assumption: learning reviews prevent a share of repeat incidents.",
        ),
        description="Learning stock (reviews in a just culture, each weighted by culture, "
        "fading with incidents.learning_decay_days) -> multiplier on the incident rate.",
    )
    quality_on_incidents: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.3, 3.0), (0.58, 1.6), (0.75, 1.0), (0.9, 0.4), (1.0, 0.0)),
            source="Assumption: incidents rise steeply as practice falls; none when practice "
            "is perfect.",
        ),
        description="Quality index -> multiplier on the incident rate.",
    )
    pressure_on_quality: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.6, 1.05), (0.9, 1.0), (1.2, 0.9), (1.6, 0.75), (2.0, 0.6)),
            source="Assumption: practice suffers as workloads exceed the time available.",
        ),
        description="Service pressure -> multiplier on the quality index.",
    )
    experience_on_quality: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.0, 1.03), (0.25, 1.0), (0.5, 0.93), (1.0, 0.8)),
            source="Assumption: a workforce of novices practises less well.",
        ),
        description="Share of case-holder FTE with under quality.novice_experience_years of "
        "experience -> multiplier on the quality index.",
    )
    continuity_on_quality: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.0, 1.03), (0.3, 1.0), (1.0, 0.88), (2.0, 0.75)),
            source="Assumption: every change of social worker breaks a relationship "
            "(27% of children looked after had 3+ social workers in 2024, DfE).",
        ),
        description="Changes of social worker per open case per year -> multiplier on the "
        "quality index.",
    )
    supervision_on_quality: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.0, 0.8), (0.5, 0.9), (1.0, 1.0)),
            source="Assumption: reflective supervision improves decisions.",
        ),
        description="Supervision received (share of the standard) -> multiplier on the "
        "quality index.",
    )
    unallocated_on_quality: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.0, 1.0), (0.05, 0.92), (0.2, 0.7)),
            source="Assumption: unallocated children are unprotected children.",
        ),
        description="Share of open cases waiting unallocated -> multiplier on the quality index.",
    )
    reputation_on_applicants: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.2, 0.503), (0.45, 0.934), (0.58, 1.0), (0.75, 1.684)),
            source="Fitted by scripts/calibrate_reputation.py to the DfE 2022-2025 council "
            "rates grouped by latest Ofsted judgement (method in "
            "tools/calibration/reputation.py).",
        ),
        description="Reputation -> multiplier on applicants per campaign.",
    )
    reputation_on_resignation: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.2, 1.2), (0.45, 1.155), (0.58, 1.0), (0.75, 0.927)),
            source="Fitted by scripts/calibrate_reputation.py to the DfE 2022-2025 council "
            "rates grouped by latest Ofsted judgement (method in "
            "tools/calibration/reputation.py).",
        ),
        description="Reputation -> multiplier on the resignation hazard.",
    )
    reputation_on_agency_availability: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.2, 0.966), (0.45, 1.109), (0.58, 1.0), (0.75, 0.579)),
            source="Fitted by scripts/calibrate_reputation.py to the DfE 2022-2025 council "
            "rates grouped by latest Ofsted judgement (method in "
            "tools/calibration/reputation.py)."
            " Services judged outstanding cover fewer vacancies with agency staff.",
        ),
        description="Reputation -> multiplier on the chance an agency search succeeds.",
    )
    reputation_on_agency_price: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.0, 1.25), (0.5, 1.0), (1.0, 0.95)),
            source="Assumption: agencies charge a premium to services in difficulty (NAO 2016 "
            "and council reports of premiums from +33% to 2.8x).",
        ),
        description="Reputation -> multiplier on the agency day rate.",
    )

    price_cap_on_agency_availability: Effect = Field(
        default_factory=lambda: Effect(
            points=((0.6, 0.2), (0.8, 0.6), (1.0, 1.0)),
            source="Assumption: agencies place workers where they are paid most; regional "
            "price caps (memoranda of understanding) reduced supply in the councils that "
            "held to them.",
        ),
        description="Agency price cap over the market day rate -> multiplier on the chance "
        "an agency search succeeds (1 when there is no cap or the cap is above the market).",
    )

    def all_off(self) -> Effects:
        """A copy with every effect switched off."""
        return self.model_copy(
            update={name: getattr(self, name).off() for name in type(self).model_fields}
        )


class InitialState(Section):
    """The service on the start date, so that a run starts without warm-up bias."""

    vacant_case_holding_posts: int = Field(
        0,
        ge=0,
        description="Case-holding posts with no employee on the start date.",
        json_schema_extra=_unit("posts"),
    )
    vacant_non_case_holding_posts: int = Field(
        0,
        ge=0,
        description="Non-case-holding posts with no employee on the start date.",
        json_schema_extra=_unit("posts"),
    )
    agency_covering_vacancies: int = Field(
        0,
        ge=0,
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
        le=10_000_000,
        description="Open cases on the start date; empty means the equilibrium number "
        "(arrivals a day x mean duration). Types are split in proportion to share x mean "
        "duration and remaining durations drawn from the equilibrium (length-biased) "
        "distribution.",
        json_schema_extra=_unit("cases"),
    )


class Policy(Section):
    """A dated change: from ``date`` on, each ``set`` key path takes its new value."""

    name: str = Field(min_length=1, description="A short name for tables and charts.")
    date: dt.date = Field(description="The day the change takes effect.")
    set: dict[str, Any] = Field(
        min_length=1,
        description="Dotted key paths of scenario fields and their new values, e.g. "
        "{'caseload.cap_per_fte': 18}.",
    )
    cost_gbp_one_off: float = Field(
        0.0, ge=0, description="Cost incurred on the date.", json_schema_extra=_unit("GBP")
    )
    cost_gbp_per_year: float = Field(
        0.0, ge=0, description="Running cost from the date on.", json_schema_extra=_unit("GBP/year")
    )


class Scenario(Section):
    """A complete, validated description of one service and what happens to it."""

    schema_version: int = Field(
        SCHEMA_VERSION,
        ge=1,
        le=SCHEMA_VERSION,
        description="The scenario file format; older files are migrated or refused with a message.",
    )
    name: str = Field("scenario", min_length=1, description="Short name used in tables.")
    description: str = Field("", description="What the scenario represents.")
    start_date: dt.date = Field(
        dt.date(2024, 10, 1),
        description="First simulated day; 1 October makes each simulated year a DfE "
        "reporting year ending 30 September.",
    )
    horizon_years: float = Field(
        5.0, gt=0, le=100, description="Length of a run.", json_schema_extra=_unit("years")
    )
    seed: int = Field(12345, ge=0, le=2**63 - 1, description="Base seed of the random streams.")
    establishment: Establishment = Field(default_factory=Establishment)
    initial: InitialState = Field(default_factory=InitialState)
    workforce: Workforce = Field(default_factory=Workforce)
    demand: Demand = Field(default_factory=Demand)
    caseload: Caseload = Field(default_factory=Caseload)
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
        (), description="Dated changes to the scenario's parameters, applied in date order."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        est, ini = self.establishment, self.initial
        problems = []
        if ini.vacant_case_holding_posts > est.case_holding_posts:
            problems.append(
                f"initial.vacant_case_holding_posts ({ini.vacant_case_holding_posts}) exceeds "
                f"establishment.case_holding_posts ({est.case_holding_posts})"
            )
        if ini.vacant_non_case_holding_posts > est.non_case_holding_posts:
            problems.append(
                f"initial.vacant_non_case_holding_posts ({ini.vacant_non_case_holding_posts}) "
                f"exceeds establishment.non_case_holding_posts ({est.non_case_holding_posts})"
            )
        vacancies = ini.vacant_case_holding_posts + ini.vacant_non_case_holding_posts
        if ini.agency_cover_share is not None and ini.agency_covering_vacancies:
            problems.append(
                "give initial.agency_covering_vacancies or initial.agency_cover_share, not both"
            )
        if ini.agency_covering_vacancies > vacancies:
            problems.append(
                f"initial.agency_covering_vacancies ({ini.agency_covering_vacancies}) exceeds "
                f"the initial vacancies ({vacancies})"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self

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

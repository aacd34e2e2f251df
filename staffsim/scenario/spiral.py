"""Scenario sections for the spiral's loops: quality, incidents, culture, supervision,
inspections and reputation.

The effect curves that connect these to attrition, recruitment and agency cover live with
the other effects in :class:`staffsim.scenario.schema.Effects`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic.config import JsonDict

from staffsim.scenario.base import CalendarDate, Section
from staffsim.scenario.errors import Issue, RuleViolations

__all__ = [
    "RATINGS",
    "Culture",
    "Incidents",
    "Inspection",
    "Quality",
    "Rating",
    "Reputation",
    "Supervision",
    "as_rating",
]

Rating = Literal["outstanding", "good", "requires_improvement", "inadequate"]
RATINGS: tuple[Rating, ...] = ("outstanding", "good", "requires_improvement", "inadequate")
"""Ofsted's overall effectiveness judgements, best first."""


def as_rating(text: str) -> Rating:
    """``text`` as a :data:`Rating`, written with underscores or, as Ofsted writes it, with
    spaces (``"requires improvement"``); ValueError if it names no judgement."""
    key = text.replace(" ", "_")
    for rating in RATINGS:
        if rating == key:
            return rating
    raise ValueError(f"unknown Ofsted judgement {text!r}; expected one of {', '.join(RATINGS)}")


def _unit(unit: str) -> JsonDict:
    return {"unit": unit}


def _default_interval_days() -> dict[Rating, float]:
    """Days from a judgement to the next inspection, by judgement (the schema's default):
    the mean interval between consecutive ILACS inspections of a council after each
    judgement, 2018 to March 2025 (:func:`staffsim.data.judgements.inspection_intervals`:
    4.59, 4.77, 4.09 and 3.65 years). Judgements not yet followed by March 2025 are left
    out, so these are if anything short."""
    return {
        "outstanding": 1675.0,
        "good": 1742.0,
        "requires_improvement": 1493.0,
        "inadequate": 1333.0,
    }


def _default_reputation_targets() -> dict[Rating, float]:
    """Reputation (index 0-1) each judgement pulls towards (the schema's default)."""
    return {
        "outstanding": 0.75,
        "good": 0.58,
        "requires_improvement": 0.45,
        "inadequate": 0.2,
    }


class Quality(Section):
    """The practice quality index (0 to 1; 1 is practice that could not be better)."""

    base_index: float = Field(
        0.75,
        ge=0,
        le=1,
        description="Quality index when every input is at its reference (each quality effect "
        "multiplier 1). Assumption: a typical council is judged good, as the median council "
        "was on 30 September 2025.",
        json_schema_extra=_unit("index 0-1"),
    )
    start_index: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Practice quality as the judgement in force found it, when something says "
        "what it was (for a council from `staffsim init`, the middle of its judgement's "
        "band): the base index is then set so that the service's starting state gives this "
        "quality, and `base_index` is not used; an intervention under way since an "
        "inadequate judgement adds its gain on top. Empty means the quality follows from "
        "`base_index`.",
        json_schema_extra=_unit("index 0-1"),
    )
    smoothing_days: float = Field(
        120.0,
        gt=0,
        le=3650,
        description="Time constant with which practice follows its drivers (practice changes "
        "over months, not days).",
        json_schema_extra=_unit("days"),
    )
    novice_experience_years: float = Field(
        2.0,
        ge=0,
        le=40,
        description="Post-qualifying experience below which a case holder counts as a novice "
        "in the experience mix.",
        json_schema_extra=_unit("years"),
    )


class Incidents(Section):
    """Serious incidents (a child seriously harmed or dying where abuse or neglect is known or
    suspected) and how the culture handles them."""

    rate_per_1000_cases_per_year: float = Field(
        0.8,
        ge=0,
        le=100,
        description="Serious incidents a year per 1,000 open cases at reference quality "
        "(multiplier 1). Assumption of the order of England's ~500 serious incident "
        "notifications a year over ~400,000 children in need.",
        json_schema_extra=_unit("1/(1000 cases x year)"),
    )
    press_share: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of incidents that reach the press.",
        json_schema_extra=_unit("fraction"),
    )
    reputation_drop_per_press_incident: float = Field(
        0.04,
        ge=0,
        le=1,
        description="Fall in reputation from one incident in the press.",
        json_schema_extra=_unit("index 0-1"),
    )
    blame_days: float = Field(
        180.0,
        ge=0,
        le=3650,
        description="How long blame after an incident raises the leaving hazard of the staff "
        "involved and their team.",
        json_schema_extra=_unit("days"),
    )
    defensive_days: float = Field(
        365.0,
        ge=0,
        le=3650,
        description="How long the defensive paperwork an incident provokes lasts.",
        json_schema_extra=_unit("days"),
    )
    learning_decay_days: float = Field(
        730.0,
        gt=0,
        le=36500,
        description="Time constant over which the lessons of reviews fade.",
        json_schema_extra=_unit("days"),
    )


class Culture(Section):
    """How the organisation treats errors: 0 is a blaming culture, 1 a just, learning one."""

    just_culture: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Culture on the start date (0 blame, 1 just and learning).",
        json_schema_extra=_unit("index 0-1"),
    )
    target: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Culture being moved towards (a policy sets it); empty means no change.",
        json_schema_extra=_unit("index 0-1"),
    )
    ramp_days: float = Field(
        0.0,
        ge=0,
        le=36500,
        description="Days a culture change takes to complete, linearly, from the day the "
        "target is set.",
        json_schema_extra=_unit("days"),
    )


class Supervision(Section):
    """Team managers and the supervision they give."""

    manager_hours_per_month: float = Field(
        20.0,
        ge=0,
        le=200,
        description="Hours a month a team manager can give to supervision.",
        json_schema_extra=_unit("hours/month"),
    )
    vacant_manager_cover: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of the standard a team receives while its manager post is vacant "
        "and uncovered (others step in).",
        json_schema_extra=_unit("fraction"),
    )


class Inspection(Section):
    """Ofsted inspections (ILACS) and the judgements they make."""

    current_rating: Rating = Field("good", description="Latest judgement on the start date.")
    last_inspection_date: CalendarDate | None = Field(
        None,
        description="Date of that judgement, from 1900-01-01 and on or before the start date; "
        "empty means half an interval before the start.",
    )
    interval_days: dict[Rating, Annotated[float, Field(gt=0, le=36500)]] = Field(
        default_factory=_default_interval_days,
        description="Days from a judgement to the next inspection, by judgement: the mean "
        "interval between consecutive ILACS inspections after each judgement, 2018 to March "
        "2025 (Ofsted's record, shipped; judgements not yet followed are left out, so these "
        "are if anything short).",
    )
    window_days: float = Field(
        365.0,
        gt=0,
        le=3650,
        description="Period of recent practice an inspection judges.",
        json_schema_extra=_unit("days"),
    )
    outstanding_from: float = Field(
        0.82, ge=0, le=1, description="Score from which a service is judged outstanding."
    )
    good_from: float = Field(0.68, ge=0, le=1, description="Score from which it is judged good.")
    requires_improvement_from: float = Field(
        0.58,
        ge=0,
        le=1,
        description="Score from which it is judged requires improvement; below is inadequate.",
    )
    incident_penalty: float = Field(
        0.05,
        ge=0,
        le=1,
        description="Score lost per serious incident a year per 1,000 open cases in the window "
        "(incidents are scaled by the size of the service, so that a large council is not "
        "judged worse for being large).",
        json_schema_extra=_unit("index 0-1 per (incident/1000 cases/year)"),
    )
    judgement_sd: float = Field(
        0.04,
        ge=0,
        le=1,
        description="Standard deviation of an inspection's reading of practice: inspectors "
        "see a sample of children's cases, so the score they judge is the recent quality "
        "plus a normal error of this size (0 = the quality itself). Fitted with "
        "`intervention_quality_gain` to Ofsted's record of what follows each judgement "
        "(scripts/fit_inspections.py).",
        json_schema_extra=_unit("index 0-1"),
    )
    intervention_quality_gain: float = Field(
        0.16,
        ge=0,
        le=1,
        description="Rise in the service's base practice quality (`quality.base_index`) that "
        "leadership under intervention brings after an inadequate judgement (the Department "
        "for Education's statutory direction, a commissioner or improvement adviser), reached "
        "over `intervention_ramp_days` and kept; each inadequate judgement brings it again, "
        "and a service inadequate on the start date has been under intervention since its "
        "`last_inspection_date` (the start date if none). 0 = no intervention effect. "
        "Fitted with `judgement_sd` to Ofsted's record (13 of 15 councils judged inadequate "
        "and inspected again were judged better; scripts/fit_inspections.py).",
        json_schema_extra=_unit("index 0-1"),
    )
    intervention_ramp_days: float = Field(
        730.0,
        gt=0,
        le=3650,
        description="Days over which an intervention's gain in base quality is reached "
        "(linearly from the inadequate judgement).",
        json_schema_extra=_unit("days"),
    )

    def practice_for(self, rating: Rating, incidents_per_1000_cases_year: float) -> float:
        """The practice quality an inspection would score at the middle of ``rating``'s band
        (:meth:`band_middle`) when serious incidents run at the given rate: the score plus
        the incident penalty it carries."""
        penalty = self.incident_penalty * incidents_per_1000_cases_year
        return min(1.0, self.band_middle(rating) + penalty)

    def band_middle(self, rating: Rating) -> float:
        """The middle of ``rating``'s band of inspection scores: halfway between its
        thresholds, and for the open-ended bands (outstanding, inadequate) half the width of
        the band next to it beyond its threshold. A practice quality that a judgement
        stands for, when nothing else about the service's practice is known."""
        if rating == "outstanding":
            return min(1.0, self.outstanding_from + (self.outstanding_from - self.good_from) / 2)
        if rating == "good":
            return (self.good_from + self.outstanding_from) / 2
        if rating == "requires_improvement":
            return (self.requires_improvement_from + self.good_from) / 2
        return max(
            0.0,
            self.requires_improvement_from - (self.good_from - self.requires_improvement_from) / 2,
        )

    @model_validator(mode="after")
    def _ordered(self) -> Inspection:
        missing = [r for r in RATINGS if r not in self.interval_days]
        if missing:
            raise ValueError(f"interval_days needs every judgement; missing {missing}")
        issues = []
        if self.good_from > self.outstanding_from:
            issues.append(
                Issue(("good_from",), "at most outstanding_from", self.good_from, kind="rule")
            )
        if self.requires_improvement_from > self.good_from:
            issues.append(
                Issue(
                    ("requires_improvement_from",),
                    "at most good_from",
                    self.requires_improvement_from,
                    kind="rule",
                )
            )
        if issues:
            raise RuleViolations(issues)
        return self


class Reputation(Section):
    """The service's standing with social workers and agencies (0 to 1; 0.5 is average)."""

    initial: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Reputation on the start date.",
        json_schema_extra=_unit("index 0-1"),
    )
    target_by_rating: dict[Rating, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=_default_reputation_targets,
        description="Reputation a judgement pulls towards.",
    )

    @field_validator("target_by_rating")
    @classmethod
    def _every_rating(cls, targets: dict[str, float]) -> dict[str, float]:
        missing = [r for r in RATINGS if r not in targets]
        if missing:
            raise ValueError(f"target_by_rating needs every judgement; missing {missing}")
        return targets

    adjust_days: float = Field(
        365.0,
        gt=0,
        le=36500,
        description="Time constant with which reputation follows the latest judgement.",
        json_schema_extra=_unit("days"),
    )

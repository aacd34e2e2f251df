"""The feedback effects' default curves, in one table.

Each row names an effect, says what it maps to what (its description), gives its default
``[input, multiplier]`` points and where they come from. :class:`~staffsim.scenario.schema.Effects`
takes each of its fields from this table (:func:`effect_field`), and the scenario
reference is generated from that class, so the table is the one place an effect's default
is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field

from staffsim.scenario.effects import Effect

__all__ = ["EFFECT_CURVES", "EffectCurve", "effect_field"]


@dataclass(frozen=True)
class EffectCurve:
    """One effect's default: its name, points, source and description."""

    name: str
    points: tuple[tuple[float, float], ...]
    source: str
    description: str

    def default(self) -> Effect:
        """The default effect, switched on."""
        return Effect(enabled=True, points=self.points, source=self.source)


EFFECT_CURVES: tuple[EffectCurve, ...] = (
    EffectCurve(
        "pressure_on_resignation",
        points=((0.6, 0.85), (1.0, 1.0), (1.3, 1.4), (1.6, 2.0), (2.0, 2.6)),
        source=(
            "Assumption shaped by the DfE longitudinal study of social workers (2018): too many "
            "cases is a stress for 50%, and stress is the main reason to leave."
        ),
        description=(
            "Pressure (direct-work hours needed / available) -> multiplier on the resignation "
            "hazard."
        ),
    ),
    EffectCurve(
        "tenure_on_resignation",
        points=((0.0, 1.3), (2.0, 1.0), (10.0, 0.8)),
        source="Assumption: leaving is commoner in the first years in a post.",
        description="Tenure in the post (years) -> multiplier on the resignation hazard.",
    ),
    EffectCurve(
        "pay_on_resignation",
        points=((0.9, 1.3), (1.0, 1.0), (1.1, 0.85)),
        source="Assumption: a pay elasticity of quits of about -3 near the market rate.",
        description="Pay relative to the market -> multiplier on the resignation hazard.",
    ),
    EffectCurve(
        "pay_on_applicants",
        points=((0.9, 0.7), (1.0, 1.0), (1.1, 1.3)),
        source="Assumption: applicants respond to pay about as strongly as quits.",
        description="Pay relative to the market -> multiplier on applicants per campaign.",
    ),
    EffectCurve(
        "supervision_on_resignation",
        points=((0.0, 1.4), (0.5, 1.15), (1.0, 1.0)),
        source=(
            "Assumption shaped by the DfE longitudinal study (2018): good supervision is among "
            "the main reasons social workers give for staying."
        ),
        description=(
            "Supervision received (share of the standard) -> multiplier on the resignation hazard."
        ),
    ),
    EffectCurve(
        "culture_on_resignation",
        points=((0.0, 1.2), (0.5, 1.0), (1.0, 0.9)),
        source=(
            "Assumption shaped by the DfE longitudinal study (2018): working culture is a source "
            "of stress for 42%."
        ),
        description=(
            "Culture (0 blame, 1 just) -> multiplier on the resignation hazard (morale), apart "
            "from any incident."
        ),
    ),
    EffectCurve(
        "blame_on_resignation",
        points=((0.0, 1.0), (1.0, 3.0)),
        source=(
            "Assumption: staff named in a blamed serious incident are several times likelier to "
            "leave in the following months."
        ),
        description=(
            "Blame (1 - culture) on a worker involved in an incident -> multiplier on their "
            "resignation hazard for incidents.blame_days."
        ),
    ),
    EffectCurve(
        "blame_on_team_resignation",
        points=((0.0, 1.0), (1.0, 1.4)),
        source="Assumption: a blamed incident unsettles the whole team.",
        description=(
            "Blame (1 - culture) after an incident in the team -> multiplier on each team "
            "member's resignation hazard for incidents.blame_days."
        ),
    ),
    EffectCurve(
        "defensive_on_admin",
        points=((0.0, 1.0), (1.0, 1.04), (5.0, 1.15)),
        source=(
            "Assumption: blamed incidents add checklists and recording (defensive practice); "
            "paperwork is the first source of stress (68%, DfE 2018)."
        ),
        description=(
            "Blamed incidents in the last incidents.defensive_days, each weighted by blame -> "
            "multiplier on the admin share."
        ),
    ),
    EffectCurve(
        "learning_on_incidents",
        points=((0.0, 1.0), (3.0, 0.85), (10.0, 0.7)),
        source="Assumption: learning reviews prevent a share of repeat incidents.",
        description=(
            "Learning stock (reviews in a just culture, each weighted by culture, fading with "
            "incidents.learning_decay_days) -> multiplier on the incident rate."
        ),
    ),
    EffectCurve(
        "quality_on_incidents",
        points=((0.3, 3.0), (0.58, 1.6), (0.75, 1.0), (0.9, 0.4), (1.0, 0.0)),
        source=(
            "Assumption: incidents rise steeply as practice falls; none when practice is perfect."
        ),
        description="Quality index -> multiplier on the incident rate.",
    ),
    EffectCurve(
        "pressure_on_quality",
        points=((0.6, 1.05), (0.9, 1.0), (1.2, 0.9), (1.6, 0.75), (2.0, 0.6)),
        source="Assumption: practice suffers as workloads exceed the time available.",
        description="Service pressure -> multiplier on the quality index.",
    ),
    EffectCurve(
        "experience_on_quality",
        points=((0.0, 1.03), (0.25, 1.0), (0.5, 0.93), (1.0, 0.8)),
        source="Assumption: a workforce of novices practises less well.",
        description=(
            "Share of case-holder FTE with under quality.novice_experience_years of experience "
            "-> multiplier on the quality index."
        ),
    ),
    EffectCurve(
        "continuity_on_quality",
        points=((0.0, 1.03), (0.3, 1.0), (1.0, 0.88), (2.0, 0.75)),
        source=(
            "Assumption: every unplanned change of social worker breaks a relationship (27% of "
            "children looked after had 3+ social workers in 2024, DfE)."
        ),
        description=(
            "Unplanned changes of social worker (the worker left) per open case per year -> "
            "multiplier on the quality index; planned moves between teams do not count."
        ),
    ),
    EffectCurve(
        "supervision_on_quality",
        points=((0.0, 0.8), (0.5, 0.9), (1.0, 1.0)),
        source="Assumption: reflective supervision improves decisions.",
        description=(
            "Supervision received (share of the standard) -> multiplier on the quality index."
        ),
    ),
    EffectCurve(
        "unallocated_on_quality",
        points=((0.0, 1.0), (0.05, 0.92), (0.2, 0.7)),
        source="Assumption: unallocated children are unprotected children.",
        description="Share of open cases waiting unallocated -> multiplier on the quality index.",
    ),
    EffectCurve(
        "reputation_on_applicants",
        points=((0.2, 0.503), (0.45, 0.934), (0.58, 1.0), (0.75, 1.684)),
        source=(
            "Fitted by scripts/calibrate_reputation.py to the DfE 2022-2025 council rates "
            "grouped by latest Ofsted judgement (method in tools/calibration/reputation.py)."
        ),
        description="Reputation -> multiplier on applicants per campaign.",
    ),
    EffectCurve(
        "reputation_on_resignation",
        points=((0.2, 1.2), (0.45, 1.155), (0.58, 1.0), (0.75, 0.927)),
        source=(
            "Fitted by scripts/calibrate_reputation.py to the DfE 2022-2025 council rates "
            "grouped by latest Ofsted judgement (method in tools/calibration/reputation.py)."
        ),
        description="Reputation -> multiplier on the resignation hazard.",
    ),
    EffectCurve(
        "reputation_on_agency_availability",
        points=((0.2, 0.966), (0.45, 1.109), (0.58, 1.0), (0.75, 0.579)),
        source=(
            "Fitted by scripts/calibrate_reputation.py to the DfE 2022-2025 council rates "
            "grouped by latest Ofsted judgement (method in tools/calibration/reputation.py). "
            "Services judged outstanding cover fewer vacancies with agency staff."
        ),
        description="Reputation -> multiplier on the chance an agency search succeeds.",
    ),
    EffectCurve(
        "reputation_on_agency_price",
        points=((0.0, 1.25), (0.5, 1.0), (1.0, 0.95)),
        source=(
            "Assumption: agencies charge a premium to services in difficulty (NAO 2016 and "
            "council reports of premiums from +33% to 2.8x)."
        ),
        description="Reputation -> multiplier on the agency day rate.",
    ),
    EffectCurve(
        "price_cap_on_agency_availability",
        points=((0.6, 0.2), (0.8, 0.6), (1.0, 1.0)),
        source=(
            "Assumption: agencies place workers where they are paid most; regional price caps "
            "(memoranda of understanding) reduced supply in the councils that held to them."
        ),
        description=(
            "Agency price cap over the market day rate -> multiplier on the chance an agency "
            "search succeeds (1 when there is no cap or the cap is above the market)."
        ),
    ),
)
"""Every effect, in the order of the scenario file's ``effects`` section."""

_BY_NAME = {curve.name: curve for curve in EFFECT_CURVES}


def effect_field(name: str) -> Any:
    """The pydantic field of the effect ``name``: its default from the table and its
    description."""
    curve = _BY_NAME[name]
    return Field(default_factory=curve.default, description=curve.description)

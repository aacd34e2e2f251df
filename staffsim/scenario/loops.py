"""Which of the scenario's effects form which feedback loop: the one list of them.

Each loop is named as ``staffsim run --explain`` reports it and lists the effects (fields of
:class:`staffsim.scenario.schema.Effects`) that switching the loop off switches off. Every
effect is in exactly one loop, so switching every loop off is switching every effect off.
The causal loop diagram in ``docs/model.md`` (drawn by ``tools/loop_diagram.py``) reads this
list to say which of these loops each of its marked circuits (R1, ..., B3) runs through;
``tests/test_loops.py`` checks that the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["LOOPS", "loop_of_effect"]

LOOPS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "pressure drives leaving": ("pressure_on_resignation",),
        "early leaving (tenure)": ("tenure_on_resignation",),
        "pay": ("pay_on_resignation", "pay_on_applicants"),
        "supervision": ("supervision_on_resignation", "supervision_on_quality"),
        "culture and blame": (
            "culture_on_resignation",
            "blame_on_resignation",
            "blame_on_team_resignation",
            "defensive_on_admin",
            "learning_on_incidents",
        ),
        "practice quality": (
            "pressure_on_quality",
            "experience_on_quality",
            "continuity_on_quality",
            "unallocated_on_quality",
        ),
        "incidents follow quality": ("quality_on_incidents",),
        "reputation and recruitment": ("reputation_on_applicants",),
        "reputation and leaving": ("reputation_on_resignation",),
        "reputation and agencies": (
            "reputation_on_agency_availability",
            "reputation_on_agency_price",
            "price_cap_on_agency_availability",
        ),
    }
)
"""The feedback loops by name, each the effects that make it, in the order reported."""


def loop_of_effect(effect: str) -> str:
    """The name of the loop that ``effect`` (an :class:`Effects` field name) belongs to.

    Raises ``KeyError`` naming the effect if no loop lists it.
    """
    for name, effects in LOOPS.items():
        if effect in effects:
            return name
    raise KeyError(f"no feedback loop lists the effect {effect!r}")

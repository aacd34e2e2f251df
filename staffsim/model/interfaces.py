"""The calls the model's mechanisms make on each other, as Protocols.

A mechanism that must call one built after it (the workforce primitives call attrition,
recruitment and agency; the spiral calls attrition and agency) receives an object with
these methods at construction, typed by the Protocol here, so that every module imports
only modules below it. :class:`~staffsim.model.service.Service`, which builds and wires the
mechanisms, is the object that implements :class:`WorkforceReactions` and
:class:`LoopReactions`.
"""

from __future__ import annotations

from typing import Protocol

from staffsim.model.entities import Post, Worker
from staffsim.registry import Row
from staffsim.scenario.schema import Scenario

__all__ = ["LoopReactions", "SpiralLoops", "WorkforceReactions"]


class WorkforceReactions(Protocol):
    """What happens next when the workforce changes."""

    def on_employee_start(self, worker: Worker, now: float) -> None:
        """After an employee starts (day ``now``)."""

    def on_notice(self, worker: Worker, now: float) -> None:
        """After an employee gives notice."""

    def on_post_vacated(self, post: Post, now: float) -> None:
        """After an employee leaves ``post``."""

    def on_agency_end(self, worker: Worker, post: Post | None, now: float, reason: str) -> None:
        """After an agency worker goes (``post`` is ``None`` for an extra worker)."""


class LoopReactions(Protocol):
    """What the spiral's loops ask of the other mechanisms when they move."""

    def refresh_hazard(self, worker: Worker, now: float) -> None:
        """Recompute ``worker``'s leaving hazard (a blame period began or ended)."""

    def refresh_agency_price(self, now: float) -> None:
        """Recompute the price paid for agency time (the reputation moved)."""


class SpiralLoops(Protocol):
    """The spiral's loops as the other mechanisms see them.

    :class:`~staffsim.model.spiral.Spiral` is the loops; where they are off,
    :class:`~staffsim.model.spiral.NoSpiral` is the same shape and changes nothing.
    """

    reports: bool
    """Whether the loops add their columns (group ``spiral``) to the records."""

    def start(self, next_review: float) -> None:
        """Start the loops once the initial state is in place."""

    def review(self, now: float, next_review: float) -> None:
        """Bring the loops up to ``now`` at an attrition review."""

    def resignation_multiplier(self, worker: Worker, now: float) -> float:
        """Multiplier on ``worker``'s resignation hazard (1 = none)."""
        ...

    def applicant_multiplier(self) -> float:
        """Multiplier on applicants per campaign (1 = none)."""
        ...

    def agency_availability_multiplier(self) -> float:
        """Multiplier on the chance an agency search succeeds (1 = none)."""
        ...

    def agency_market_multiplier(self) -> float:
        """The market's agency day rate over the scenario's (1 = none)."""
        ...

    def cumulative(self) -> dict[str, float]:
        """The loops' cumulative counters, for the observers."""
        ...

    def month_row(self, flows: dict[str, float]) -> Row:
        """The loops' columns of a monthly row (``flows``: the month's counter changes)."""
        ...

    def snapshot_row(self, flows: dict[str, float]) -> Row:
        """The loops' columns of a 30 September row (``flows``: the year's changes)."""
        ...

    def policy_changed(self, old: Scenario, new: Scenario) -> None:
        """Follow a policy that puts ``new`` in force in place of ``old``."""

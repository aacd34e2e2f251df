"""Case pathways: the moves between teams that a case makes by design.

A case still open when its assessment ends passes from the assessment worker to a long-term
worker; after that it changes team at the scenario's steady rate (a change of plan, a move
to a specialist team). Each move is a change of social worker made by the caseload
(:meth:`~staffsim.model.caseload.Caseload.transfer`); this module only decides when.

A case's close day is known at its first allocation (its duration starts then), so a move
is scheduled only if it falls before the close: one scheduled call per move, none for a
case that closes first.
"""

from __future__ import annotations

from collections.abc import Callable

from staffsim.model.context import Context
from staffsim.model.engine import ScheduledCall, clock, payload
from staffsim.model.entities import Case
from staffsim.units import DAYS_PER_YEAR

__all__ = ["CasePathways"]

Move = Callable[[Case, float], bool]
"""Moves a case to another worker at a day; ``False`` if no other worker had room."""


class CasePathways:
    """Schedules each case's moves between teams and asks ``move`` to make them."""

    def __init__(self, ctx: Context, move: Move) -> None:
        self.ctx = ctx
        self.env = ctx.env
        self.move = move
        self.gaps = ctx.streams.exponential("pathways.transfers")

    def start(self, case: Case, now: float) -> None:
        """``case`` was first allocated at ``now``: schedule the end of its assessment.

        A case open on the start date (negative id) is taken to be past its assessment, in
        a long-term team: how long it has been open is not known.
        """
        assessment = self.ctx.in_force.pathways.assessment_days
        if assessment is None or case.id < 0:
            self._schedule_next(case, now)
        elif case.duration > assessment:
            ScheduledCall(self.env, assessment, self._on_move, case)

    def _schedule_next(self, case: Case, now: float) -> None:
        """Schedule the case's next change of team, if it comes before the case closes."""
        rate = self.ctx.in_force.pathways.transfer_rate_per_year
        if rate <= 0:
            return
        gap = self.gaps() * DAYS_PER_YEAR / rate
        close = case.alloc_days[0] + case.duration
        if now + gap < close:
            ScheduledCall(self.env, gap, self._on_move, case)

    def _on_move(self, event: ScheduledCall) -> None:
        case: Case = payload(event)
        if case.closed:
            return
        now = clock(self.env)
        self.move(case, now)
        self._schedule_next(case, now)

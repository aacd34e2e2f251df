"""Mapping the simulation clock (days since the start date) to calendar dates."""

from __future__ import annotations

import datetime as dt

from staffsim.units import DAYS_PER_YEAR, WEEKS_PER_YEAR

__all__ = ["DAYS_PER_YEAR", "WEEKS_PER_YEAR", "Calendar"]


class Calendar:
    """Day offsets of the calendar boundaries a run reports on.

    Day 0 is the start of ``start_date``; day ``d`` is the start of ``start_date + d``.
    """

    def __init__(self, start_date: dt.date, end_date: dt.date) -> None:
        self.start_date = start_date
        self.end_date = end_date
        self.horizon_days = float((end_date - start_date).days)

    def day(self, date: dt.date) -> float:
        """Offset in days of the start of ``date``."""
        return float((date - self.start_date).days)

    def date(self, day: float) -> dt.date:
        """The calendar date that contains day offset ``day``."""
        return self.start_date + dt.timedelta(days=int(day))

    def month_ends(self) -> list[tuple[float, dt.date]]:
        """(offset, last day of month) for each calendar month end inside the run.

        The offset is the start of the following day, so a month's flows are complete. A
        final partial month ends at the end of the run.
        """
        out = []
        d = self.start_date
        while True:
            nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
            if nxt > self.end_date:
                break
            out.append((self.day(nxt), nxt - dt.timedelta(days=1)))
            d = nxt
        if not out or out[-1][0] < self.horizon_days:
            out.append((self.horizon_days, self.end_date - dt.timedelta(days=1)))
        return out

    def snapshots(self) -> list[tuple[float, dt.date]]:
        """(offset, 30 September) for each DfE census day whose end falls inside the run."""
        out = []
        year = self.start_date.year
        while True:
            census = dt.date(year, 9, 30)
            offset = self.day(census + dt.timedelta(days=1))
            if offset > self.horizon_days:
                break
            if offset > 0:
                out.append((offset, census))
            year += 1
        return out

    def yearly(self, month: int, day: int) -> list[float]:
        """Offsets of each ``month``/``day`` inside the run (for yearly cohorts)."""
        out = []
        for year in range(self.start_date.year, self.end_date.year + 1):
            offset = self.day(dt.date(year, month, day))
            if 0 <= offset < self.horizon_days:
                out.append(offset)
        return out

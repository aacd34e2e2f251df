"""Time units shared by every layer: the simulation clock counts days."""

from __future__ import annotations

__all__ = ["DAYS_PER_YEAR", "WEEKS_PER_YEAR"]

DAYS_PER_YEAR = 365.25
"""Days in a year on average (the simulation clock counts days)."""

WEEKS_PER_YEAR = DAYS_PER_YEAR / 7
"""Weeks in a year on average."""

"""Discounting at the Green Book social time preference rate (STPR).

HM Treasury's Green Book (2022, Annex A6) discounts real costs at 3.5% a year for years 0 to
30 and at 3.0% after, the rates chained so that a year past 30 carries the first 30 years'
discount in full:

    DF_t = 1.035^-t                        for t <= 30
    DF_t = 1.035^-30 x 1.03^-(t - 30)      for t > 30

``t`` is the year index: 0 for the first financial year a run touches (DF = 1), whole or
part, 1 for the next, and so on. Each financial year's costs are discounted as a whole.
"""

from __future__ import annotations

__all__ = ["STPR_FIRST_YEARS", "STPR_LATER", "STPR_SWITCH_YEAR", "discount_factor"]

STPR_FIRST_YEARS = 0.035
"""The STPR for years 0 to 30 (a fraction a year)."""

STPR_LATER = 0.03
"""The STPR for years 31 to 75 (a fraction a year)."""

STPR_SWITCH_YEAR = 30
"""The last year discounted at :data:`STPR_FIRST_YEARS`."""


def discount_factor(year_index: int) -> float:
    """The Green Book discount factor of year ``year_index`` (0 = the first year)."""
    if year_index < 0 or int(year_index) != year_index:
        raise ValueError(f"a year index is a whole number from 0, not {year_index!r}")
    t = int(year_index)
    if t <= STPR_SWITCH_YEAR:
        return (1 + STPR_FIRST_YEARS) ** -t
    return (1 + STPR_FIRST_YEARS) ** -STPR_SWITCH_YEAR * (1 + STPR_LATER) ** -(t - STPR_SWITCH_YEAR)

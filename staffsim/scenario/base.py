"""The base of every scenario section, and the value types the sections share.

Sections are immutable and strict: an unknown key is refused, and so is a value of the
wrong type, with no conversion. ``true`` is not 1 and the text ``'60'`` is not 60: a number
is written as a number (YAML's own forms, such as ``60``, ``6.0e+1``, ``1e3`` or
``1_000``, are numbers), and a whole number is written without a fraction. Dates are
written ``YYYY-MM-DD`` (as a YAML date or as text) within :data:`FIRST_DATE` to
:data:`LAST_DATE`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict
from pydantic_core import PydanticCustomError

__all__ = [
    "FIRST_DATE",
    "LABEL_PATTERN",
    "LAST_DATE",
    "CalendarDate",
    "Label",
    "Section",
    "StrictNumber",
]

FIRST_DATE = dt.date(1900, 1, 1)
"""Earliest date a scenario may name (a start date, an inspection, a policy)."""

LAST_DATE = dt.date(2200, 12, 31)
"""Latest date a scenario may name; a run of up to 100 years from it stays in the calendar."""


class Section(BaseModel):
    """A frozen, strict pydantic model that refuses keys it does not know."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False, strict=True
    )


StrictNumber = Annotated[float, Strict()]
"""A number (a whole number is a number too); never true/false or text."""


def _date_from_text(value: Any) -> Any:
    """A date written as text (``'2024-10-01'``, or read back from JSON) as a date."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError("date_parsing", "not a date") from None
    return value


CalendarDate = Annotated[
    dt.date, BeforeValidator(_date_from_text), Field(ge=FIRST_DATE, le=LAST_DATE)
]
"""A calendar date between :data:`FIRST_DATE` and :data:`LAST_DATE`."""

LABEL_PATTERN = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")
"""A label: letters, digits, ``-``, ``_`` and ``.``, not starting with ``.``, at most 100
characters, so that it can name a file or folder and never a path."""


def _label(value: str) -> str:
    if not LABEL_PATTERN.fullmatch(value):
        raise ValueError(
            "a label of at most 100 letters, digits, '-', '_' or '.', not starting with '.' "
            "(it names the output folder, so it may not be a path)"
        )
    return value


Label = Annotated[str, AfterValidator(_label)]
"""A name that is safe as a file or folder name (see :data:`LABEL_PATTERN`)."""

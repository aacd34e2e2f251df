"""``staffsim councils [--region R]``: every council's latest published figures.

One line per council with its DfE return for the latest year in the packaged file:
vacancy, agency and turnover rates (percent), caseload (cases per case-holder FTE) and its
latest Ofsted ILACS judgement with the month of the inspection, so that a planner finds
their council and its neighbours before ``staffsim init``. Lines fit 100 columns.
"""

from __future__ import annotations

import argparse

import pandas as pd

from staffsim.data.councils import LAST_YEAR, council_table

__all__ = ["WIDTH", "councils_text", "register", "run_councils"]

WIDTH = 100
"""Most characters on a line."""

_SHORT_RATING = {
    "outstanding": "outstanding",
    "good": "good",
    "requires improvement": "requires impr.",
    "inadequate": "inadequate",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``councils`` subcommand."""
    parser = subparsers.add_parser(
        "councils",
        help="list councils with their latest published figures",
        description=f"List English councils with their DfE {LAST_YEAR} vacancy, agency and "
        "turnover rates and caseload, and their latest Ofsted judgement.",
    )
    parser.add_argument(
        "--region",
        default=None,
        metavar="R",
        help="only councils in DfE region R (any case; a prefix will do, e.g. 'london', "
        "'west mid')",
    )
    parser.set_defaults(handler=run_councils)


def _cell(value: float, digits: int = 1) -> str:
    return "" if pd.isna(value) else f"{value:.{digits}f}"


def councils_text(table: pd.DataFrame) -> str:
    """The table as lines of at most :data:`WIDTH` characters, grouped by region."""
    name_width = 30
    head = (
        f"{'council':<{name_width}} {'code':<10} {'vacancy':>7} {'agency':>6} {'turnover':>8} "
        f"{'caseload':>8}  {'Ofsted':<14} {'inspected'}"
    )
    lines = [
        f"DfE children's social work workforce, year to 30 September {LAST_YEAR}: rates in "
        "percent,",
        "caseload in cases per case-holder FTE; the latest Ofsted ILACS judgement and the "
        "month inspected.",
        "A code ending in + is a joint return of two councils.",
    ]
    for region, part in table.groupby("region", sort=False):
        lines += ["", f"{region}", head]
        for row in part.itertuples():
            name = row.name if len(row.name) <= name_width else row.name[: name_width - 1] + "…"
            code = row.code if len(row.code) <= 10 else row.code.split(" / ")[0] + "+"
            rating = "" if pd.isna(row.rating) else _SHORT_RATING[row.rating]
            when = "" if pd.isna(row.inspection_date) else row.inspection_date.strftime("%b %Y")
            lines.append(
                f"{name:<{name_width}} {code:<10} {_cell(row.vacancy_rate_fte):>7} "
                f"{_cell(row.agency_rate_fte):>6} {_cell(row.turnover_rate_fte):>8} "
                f"{_cell(row.caseload_fte):>8}  {rating:<14} {when:<9}".rstrip()
            )
    lines += [
        "",
        "Empty cells were not published (suppressed).",
        "Write a council's scenario with: staffsim init --la NAME --year YYYY",
    ]
    return "\n".join(lines)


def run_councils(args: argparse.Namespace) -> int:
    """Print the list; the exit status."""
    print(councils_text(council_table(args.region)))
    return 0

"""``staffsim export RESULTS_DIR --xlsx FILE``: a saved run, comparison or appraisal as one
Excel workbook, and the ``--xlsx FILE`` option ``run``, ``compare`` and ``appraise`` share.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_xlsx_option", "export_command", "register", "write_xlsx"]


def add_xlsx_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--xlsx FILE`` to a subcommand's parser."""
    parser.add_argument(
        "--xlsx",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write the results as one Excel workbook (a sheet per table, units in "
        "the headers, provenance; needs the excel extra)",
    )


def write_xlsx(folder: Path, path: Path | None, quiet: bool) -> None:
    """Write the workbook of ``folder`` to ``path`` if one was asked for."""
    if path is None:
        return
    from staffsim.report.workbook import write_folder_workbook

    write_folder_workbook(folder, path)
    if not quiet:
        print(f"Workbook: {path}")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``export`` subcommand."""
    parser = subparsers.add_parser(
        "export",
        help="write saved results as one Excel workbook",
        description="Write a folder saved by staffsim run, compare or appraise as one Excel "
        "workbook: a sheet per table (summary with CIs, comparison, appraisal, cash flows "
        "and costs by financial year, switching values, assumptions) and a provenance sheet.",
    )
    parser.add_argument("results", metavar="RESULTS_DIR", type=Path, help="a saved results folder")
    parser.add_argument(
        "--xlsx", type=Path, required=True, metavar="FILE", help="the workbook to write (.xlsx)"
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    parser.set_defaults(handler=export_command)


def export_command(args: argparse.Namespace) -> int:
    """Write the workbook; the exit status."""
    write_xlsx(args.results, args.xlsx, args.quiet)
    return 0

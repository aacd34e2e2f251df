"""``staffsim validate --check-steady``: does each valid scenario hold its own start?

Runs a few replications of the scenario's first year and reports, for the vacancy, agency
and turnover rates, how far the first year moves from the stated start, with a warning and
what to do when the move exceeds the tolerance (:mod:`staffsim.experiment.drift`).
"""

from __future__ import annotations

import argparse

from staffsim.cli.options import int_at_least
from staffsim.experiment.drift import DEFAULT_TOLERANCE_POINTS, STEADY_REPLICATIONS, check_steady
from staffsim.scenario.schema import Scenario

__all__ = ["add_steady_options", "steady_lines"]


def add_steady_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--check-steady``, ``--steady-replications`` and ``--drift-tolerance``."""
    parser.add_argument(
        "--check-steady",
        action="store_true",
        help="also run a few replications of each valid scenario's first year and warn when "
        "it moves the vacancy, agency or turnover rate away from the scenario's start",
    )
    parser.add_argument(
        "--steady-replications",
        type=int_at_least(1),
        default=STEADY_REPLICATIONS,
        metavar="N",
        help=f"replications of the first year for --check-steady (default {STEADY_REPLICATIONS})",
    )
    parser.add_argument(
        "--drift-tolerance",
        type=float,
        default=DEFAULT_TOLERANCE_POINTS,
        metavar="POINTS",
        help="percentage points a rate may move in the first year before --check-steady warns "
        f"(default {DEFAULT_TOLERANCE_POINTS:g})",
    )


def steady_lines(scenario: Scenario, args: argparse.Namespace) -> list[str]:
    """The drift report of the scenario's first year, in lines."""
    report = check_steady(scenario, args.steady_replications, args.drift_tolerance)
    if report is None:
        return ["not checked: the first year closes no 30 September snapshot"]
    return report.lines()

"""``staffsim validate FILE...``: check scenario files without running anything.

Each file is read, inherited, migrated, overridden by ``--set`` and validated, its
policies included, exactly as ``staffsim run`` would; every problem in every file is
reported. Exit status 0 if every file is valid, 2 otherwise.
"""

from __future__ import annotations

import argparse
import sys

from staffsim.cli.main import add_set_option
from staffsim.cli.parsing import message
from staffsim.cli.steady import add_steady_options, steady_lines
from staffsim.scenario.loader import ScenarioError, load_scenario
from staffsim.scenario.overrides import SET_SOURCE, as_overrides, parse_sets
from staffsim.scenario.schema import Scenario

__all__ = ["register", "run_validate", "summary"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``validate`` subcommand."""
    parser = subparsers.add_parser(
        "validate",
        help="check scenario files",
        description="Check scenario files: every key, value and policy, all problems at once.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files")
    add_set_option(parser)
    add_steady_options(parser)
    parser.set_defaults(handler=run_validate)


def summary(scenario: Scenario) -> str:
    """One line describing a valid scenario, e.g. its name, horizon and size."""
    years = f"{scenario.horizon_years:g} year{'s' if scenario.horizon_years != 1 else ''}"
    policies = len(scenario.policies)
    return (
        f"{scenario.name}, {years} from {scenario.start_date.isoformat()}, "
        f"{scenario.establishment.case_holding_posts} case-holding posts, "
        f"{policies} polic{'y' if policies == 1 else 'ies'}"
    )


def run_validate(args: argparse.Namespace) -> int:
    """Validate each file; print ``ok`` lines to stdout and problems to stderr."""
    overrides = as_overrides(parse_sets(args.set), SET_SOURCE)
    failed = 0
    for path in args.files:
        try:
            scenario = load_scenario(path, overrides)
        except ScenarioError as exc:
            failed += 1
            print(message(exc), file=sys.stderr)
            continue
        print(f"ok  {path}  ({summary(scenario)})")
        if args.check_steady:
            for line in steady_lines(scenario, args):
                print(f"    {line}")
    if failed:
        n = len(args.files)
        print(f"{failed} of {n} scenario file{'s' if n != 1 else ''} invalid", file=sys.stderr)
        return ScenarioError.exit_code
    return 0

"""The ``staffsim`` command: argv -> a subcommand -> an exit status.

``main(argv)`` returns the exit status instead of exiting, so that the command line is
tested in-process. Subcommands live in the modules of :data:`COMMAND_MODULES`; each has a
``register(subparsers)`` that adds its parser and sets ``handler`` (``args -> int``).

Exit status: 0 success; 1 a run that could not complete; 2 bad input (a scenario file, an
option); 130 interrupted. Errors a user can fix are printed as messages, never tracebacks.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any

from staffsim import __version__
from staffsim.errors import StaffsimError

__all__ = ["COMMAND_MODULES", "add_set_option", "build_parser", "entry_point", "main"]

COMMAND_MODULES = [
    "staffsim.cli.validate",
    "staffsim.cli.schema_cmd",
    "staffsim.cli.run",
    "staffsim.cli.compare",
    "staffsim.cli.sweep",
    "staffsim.cli.tipping",
    "staffsim.cli.appraise",
    "staffsim.cli.export",
    "staffsim.cli.councils",
    "staffsim.cli.init",
    "staffsim.cli.calibrate",
    "staffsim.cli.backtest",
    "staffsim.cli.chart",
    "staffsim.cli.report",
]
"""Modules providing subcommands, in the order ``staffsim --help`` lists them."""


def add_set_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--set key.path=value`` (repeatable) to a subcommand's parser."""
    parser.add_argument(
        "--set",
        dest="set",
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override a scenario field, e.g. --set caseload.target_per_fte=18 "
        "(a YAML value; repeatable; checked like the file)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand of :data:`COMMAND_MODULES` registered."""
    parser = argparse.ArgumentParser(
        prog="staffsim",
        description="Simulate a children's social work service: recruitment, attrition, "
        "agency cover, caseloads, and the policies that break a spiral of decline.",
    )
    parser.add_argument("--version", action="version", version=f"staffsim {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def _exit_status(exc: SystemExit) -> int:
    code: Any = exc.code
    if code is None:
        return 0
    return code if isinstance(code, int) else 2


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help, --version, or a usage error already printed
            return _exit_status(exc)
        handler = getattr(args, "handler", None)
        if handler is None:
            parser.print_help(sys.stderr)
            return 2
        return int(handler(args) or 0)
    except StaffsimError as exc:
        from staffsim.cli.parsing import message

        print(message(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("staffsim: interrupted", file=sys.stderr)
        return 130


def entry_point() -> None:
    """The ``staffsim`` console script (and ``python -m staffsim``).

    Output piped into a reader that stops early (``staffsim councils | head -3``) ends the
    command quietly with status 1, as Python's documentation recommends (signal module, "Note
    on SIGPIPE"): standard output is pointed at the null device so that Python's flush of it
    at exit raises no second error.
    """
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    sys.exit(status)

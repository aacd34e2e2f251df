"""``staffsim sweep SCENARIO --vary key.path=v1,v2,... [--vary ...]``: a parameter grid.

Several ``--vary`` options make the full grid of their values. Every grid point runs the
same seeds (common random numbers). Prints each point's mean over all years of the key
metrics with their 95% confidence intervals and writes ``sweep.csv`` (tidy: the varied key
paths as columns, then ``point, metric, unit, period, mean, ci_low, ci_high, sd,
replications``), ``sweep_annual.csv`` (every replication's snapshots) and ``manifest.json``
to ``--out`` (default ``runs/<scenario name>-sweep``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from staffsim.cli import console, options
from staffsim.cli.console import sweep_text
from staffsim.cli.parsing import parse_vary
from staffsim.errors import UserError
from staffsim.experiment.runner import PARTIAL_DIR
from staffsim.experiment.sweep import sweep_scenarios

__all__ = ["register", "sweep_command", "sweep_text"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``sweep`` subcommand."""
    parser = subparsers.add_parser(
        "sweep",
        help="run a grid of parameter values on common random numbers",
        description="Run every combination of the --vary values on the same random "
        "numbers; write sweep.csv (tidy, the varied key paths as columns).",
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    parser.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="KEY.PATH=V1,V2,...",
        help="a scenario field and the values to try, e.g. --vary caseload.target_per_fte=16,18,20 "
        "(YAML values; repeat for a grid)",
    )
    options.add_run_options(parser, default_out="runs/<scenario name>-sweep")
    parser.set_defaults(handler=sweep_command)


def sweep_command(args: argparse.Namespace) -> int:
    """Sweep, print, save; the exit status."""
    vary: dict[str, list] = {}
    for text in args.vary:
        path, values = parse_vary(text)
        if path in vary:
            raise UserError(f"--vary {path} is given twice; list all its values in one --vary")
        vary[path] = values
    base = options.load(args.scenario, args)
    out = args.out if args.out is not None else options.RUNS_DIR / f"{base.name}-sweep"
    with console.progress(args, "sweep") as progress:
        try:
            result = sweep_scenarios(
                args.scenario,
                vary,
                options.run_options(args, Path(out), progress),
                overrides=options.overrides(args),
            )
        except KeyboardInterrupt:
            return options.interrupted([Path(out) / PARTIAL_DIR])
    if not args.quiet:
        points = len(result.manifest["points"])
        console.say(
            f"{base.name}: {points} grid points x {args.replications} replications, "
            f"seed {result.manifest['seed']}; means over all years with 95% CIs"
        )
        print(sweep_text(result.table, result.varied))
        console.say(f"Saved to {out}: sweep.csv, sweep_annual.csv, manifest.json")
    if result.failures:
        for f in result.failures:
            print(
                f"point {f['point']} replication {f['replication']} failed: {f['error']} "
                f"(traceback in {Path(out) / 'manifest.json'})",
                file=sys.stderr,
            )
        print(
            f"{len(result.failures)} replication(s) failed; run again with --resume to retry them",
            file=sys.stderr,
        )
        return 1
    return 0

"""``staffsim tipping SCENARIO --lever KEY.PATH=V1,V2,...``: where a service tips into decline.

Sweeps one lever over the values given, on common random numbers, and reports for each the
change in the outcome metric (default the vacancy rate) from the starting state to the last
census snapshot, with its 95% confidence interval and a verdict (recovers, holds,
declines). Names any tipping point (recovering below, declining above) or stable level the
sweep crosses, or says there is none in the range. Writes ``tipping.csv`` and, with
matplotlib installed, ``tipping.png`` to ``--out`` (default ``runs/<scenario>-tipping``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from staffsim.cli import console, options
from staffsim.cli.parsing import parse_vary
from staffsim.errors import UserError
from staffsim.experiment.tipping import find_tipping_point

__all__ = ["register", "tipping_command"]

OUTCOMES = ("vacancy_rate_fte", "agency_rate_fte", "caseload_fte")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``tipping`` subcommand."""
    parser = subparsers.add_parser(
        "tipping",
        help="sweep one lever to find where the service turns from recovering to declining",
        description="Sweep one lever on common random numbers; report the change in the "
        "outcome from the starting state for each value and any tipping point.",
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    parser.add_argument(
        "--lever",
        required=True,
        metavar="KEY.PATH=V1,V2,...",
        help="the scenario field to sweep and its values, e.g. "
        "--lever capacity.admin_share=0.2,0.3,0.4,0.5",
    )
    parser.add_argument(
        "--metric",
        choices=OUTCOMES,
        default="vacancy_rate_fte",
        help="the outcome (default vacancy_rate_fte)",
    )
    parser.add_argument(
        "--final-years",
        type=options.int_at_least(1),
        default=1,
        metavar="K",
        help="average the outcome over the last K census snapshots (default 1)",
    )
    options.add_run_options(parser, default_out="runs/<scenario name>-tipping")
    parser.set_defaults(handler=tipping_command)


def tipping_command(args: argparse.Namespace) -> int:
    """Sweep, print, save; the exit status."""
    lever, values = parse_vary(args.lever, "--lever")
    if len(values) < 2:
        raise UserError(f"--lever {args.lever!r}: give at least two values to sweep")
    if args.resume:
        raise UserError("--resume is not available for tipping sweeps; run the sweep again")
    base = options.load(args.scenario, args)
    out = Path(args.out) if args.out is not None else options.RUNS_DIR / f"{base.name}-tipping"
    with console.progress(args, "tipping") as progress:
        result = find_tipping_point(
            base,
            lever,
            values,
            metric=args.metric,
            final_years=args.final_years,
            run_options=options.run_options(args, None, progress),
        )
    result.save(out)
    saved = ["tipping.csv"]
    from staffsim.report.diagnostics import tipping_chart

    def draw():
        return tipping_chart(result.table, result.tipping_points, result.stable_levels)

    if options.save_chart(out / "tipping.png", draw):
        saved.append("tipping.png")
    if not args.quiet:
        console.say(
            f"{base.name}: {lever} swept, {args.replications} replications a value; "
            f"{args.metric} ({console.registered_unit(args.metric)}), start -> last snapshot"
        )
        print(console.tipping_text(result.table))
        console.say(result.describe())
        console.say(f"Saved to {out}: {', '.join(saved)}")
    return 0

"""``staffsim run SCENARIO``: replications of one scenario, summarised and saved.

Prints the means over replications, with 95% confidence intervals, of the key metrics for
each simulated year and over all years, and writes to ``--out`` (default
``runs/<scenario name>``): ``annual.csv``, ``summary.csv`` (the printed summary at full
precision), ``monthly.csv``, ``monthly.parquet`` and ``manifest.json``. Exit status 0; 1 if
a replication failed (the others are saved, the failure is in the manifest); 2 for bad
input; 130 if interrupted (``--resume`` completes the run).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from staffsim.cli import console, options
from staffsim.cli.export import add_xlsx_option, write_xlsx
from staffsim.experiment.drift import DEFAULT_TOLERANCE_POINTS, drift_report
from staffsim.experiment.runner import PARTIAL_DIR, run_replications
from staffsim.results.results import MANIFEST_JSON, Results

__all__ = ["failure_lines", "register", "run_command"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``run`` subcommand."""
    parser = subparsers.add_parser(
        "run",
        help="run replications of a scenario and save the tables",
        description="Run replications of a scenario; print means with 95% confidence "
        "intervals per year and over all years; write annual.csv, summary.csv, monthly.csv, "
        "monthly.parquet and manifest.json.",
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    options.add_run_options(parser, default_out="runs/<scenario name>")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also run the scenario with each feedback loop switched off in turn (same "
        "random numbers) and report how much of the vacancy, agency and turnover rates each "
        "loop accounts for (explain.csv, explain.png; the runs go in DIR/explain)",
    )
    parser.add_argument(
        "--drift-tolerance",
        type=float,
        default=DEFAULT_TOLERANCE_POINTS,
        metavar="POINTS",
        help="warn when the first simulated year moves the vacancy, agency or turnover rate "
        f"more than POINTS percentage points from the scenario's start (default "
        f"{DEFAULT_TOLERANCE_POINTS:g})",
    )
    add_xlsx_option(parser)
    parser.set_defaults(handler=run_command)


def failure_lines(failures: Sequence[Mapping[str, Any]], manifest: Path, label: str = "") -> str:
    """One line per failed replication, naming it and its error."""
    prefix = f"{label}: " if label else ""
    return "\n".join(
        f"{prefix}replication {f['replication']} failed: {f['error']} (traceback in {manifest})"
        for f in failures
    )


def describe(results: Results) -> str:
    """The heading of a run's summary."""
    scenario = results.scenario
    years = scenario["horizon_years"]
    return (
        f"{results.name}: {len(results.replications)} replications, seed {results.seed}, "
        f"{years:g} year{'s' if years != 1 else ''} from {scenario['start_date']}"
    )


def run_command(args: argparse.Namespace) -> int:
    """Run, print the summary, save; the exit status."""
    scenario = options.load(args.scenario, args)
    out = args.out if args.out is not None else options.RUNS_DIR / scenario.name
    with console.progress(args, scenario.name) as progress:
        try:
            results = run_replications(scenario, options.run_options(args, Path(out), progress))
        except KeyboardInterrupt:
            return options.interrupted([Path(out) / PARTIAL_DIR])
    if not args.quiet:
        console.say(describe(results))
        console.say("Means over replications with 95% confidence intervals:")
        print(console.summary_text(results.summary()))
        console.say(
            f"Saved to {out}: annual.csv, summary.csv, monthly.csv, monthly.parquet, manifest.json"
        )
        report = drift_report(scenario, results.annual, args.drift_tolerance)
        for line in report.warnings_text() if report else []:
            print(line, file=sys.stderr)
    write_xlsx(Path(out), getattr(args, "xlsx", None), args.quiet)
    if results.replications:
        from staffsim.cli.chart import draw_charts

        draw_charts(results, Path(out), args.quiet)
    if getattr(args, "explain", False):
        code = explain_command(args, scenario, Path(out))
        if code:
            return code
    if results.failures:
        print(failure_lines(results.failures, Path(out) / MANIFEST_JSON), file=sys.stderr)
        print(
            f"{len(results.failures)} replication(s) failed; run again with --resume to retry them",
            file=sys.stderr,
        )
        return 1
    return 0


def explain_command(args: argparse.Namespace, scenario, out: Path) -> int:
    """Run the loop diagnostics, print their table, save explain.csv and explain.png."""
    from staffsim.experiment.explain import explain

    with console.progress(args, "explain") as progress:
        try:
            result = explain(
                scenario, run_options=options.run_options(args, out / "explain", progress)
            )
        except KeyboardInterrupt:
            return options.interrupted([out / "explain"])
    result.save(out)
    saved = ["explain.csv"]
    from staffsim.report.diagnostics import explain_chart

    if options.save_chart(out / "explain.png", lambda: explain_chart(result.table)):
        saved.append("explain.png")
    if not args.quiet:
        print()
        console.say(
            "What each feedback loop accounts for: the rate with every loop minus the rate "
            "with that loop off (percentage points, mean over all years, 95% CI), and its "
            "share of what all the loops together account for:"
        )
        print()
        print(console.explain_text(result.table))
        console.say(f"Saved to {out}: {', '.join(saved)}; the runs in {out / 'explain'}")
    return 0

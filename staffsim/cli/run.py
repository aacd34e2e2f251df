"""``staffsim run SCENARIO``: replications of one scenario, summarised and saved.

Prints the means over replications, with 95% confidence intervals, of the key metrics for
each simulated year and over all years, and writes to ``--out`` (default
``runs/<scenario name>``): ``annual.csv``, ``monthly.csv``, ``monthly.parquet`` and
``manifest.json``. Exit status 0; 1 if a replication failed (the others are saved, the
failure is in the manifest); 2 for bad input; 130 if interrupted (``--resume`` completes
the run).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from staffsim.cli import options
from staffsim.experiment.runner import PARTIAL_DIR, run_replications
from staffsim.results.results import MANIFEST_JSON, Results

__all__ = ["failure_lines", "register", "run_command"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``run`` subcommand."""
    parser = subparsers.add_parser(
        "run",
        help="run replications of a scenario and save the tables",
        description="Run replications of a scenario; print means with 95% confidence "
        "intervals per year and over all years; write annual.csv, monthly.csv, "
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
    with options.progress_bar(args, scenario.name) as progress:
        try:
            results = run_replications(
                scenario,
                args.replications,
                seed=args.seed,
                jobs=args.jobs,
                backend=args.backend,
                scheduler=args.scheduler,
                progress=progress,
                out_dir=out,
                resume=args.resume,
            )
        except KeyboardInterrupt:
            return options.interrupted([Path(out) / PARTIAL_DIR])
    if not args.quiet:
        print(describe(results))
        print("Means over replications with 95% confidence intervals:")
        print(options.summary_text(results.summary()))
        print(f"Saved to {out}: annual.csv, monthly.csv, monthly.parquet, manifest.json")
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

    with options.progress_bar(args, "explain") as progress:
        try:
            result = explain(
                scenario,
                replications=args.replications,
                seed=args.seed,
                jobs=args.jobs,
                backend=args.backend,
                scheduler=args.scheduler,
                progress=progress,
                out_dir=out / "explain",
            )
        except KeyboardInterrupt:
            return options.interrupted([out / "explain"])
    result.save(out)
    saved = ["explain.csv"]
    from staffsim.report.diagnostics import explain_chart

    if options.save_chart(out / "explain.png", lambda: explain_chart(result.table)):
        saved.append("explain.png")
    if not args.quiet:
        table = result.table[result.table.period == "all"]
        shown = pd.DataFrame(
            {
                "loop": table.loop,
                "metric": table.metric,
                "with loops": table.with_loops.map(options.format_number),
                "without it": table.without_loop.map(options.format_number),
                "accounts for": [
                    options.format_cell(m, lo, hi)
                    for m, lo, hi in zip(
                        table.contribution, table.ci_low, table.ci_high, strict=True
                    )
                ],
                "share": [f"{v:.0%}" if v == v else "" for v in table.share_of_all_loops],
            }
        )
        print()
        print(
            "What each feedback loop accounts for: the rate with every loop minus the rate "
            "with that loop off (percentage points, mean over all years, 95% CI), and its "
            "share of what all the loops together account for:"
        )
        for metric, part in shown.groupby("metric", sort=False):
            print(f"\n{metric}")
            print(part.drop(columns="metric").to_string(index=False))
        print(f"Saved to {out}: {', '.join(saved)}; the runs in {out / 'explain'}")
    return 0

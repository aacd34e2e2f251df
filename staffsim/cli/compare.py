"""``staffsim compare BASE OPTION [OPTION ...]``: options against a base on common random
numbers.

Prints, for each option, the difference from the base of each key metric per simulated year
and over all years, with its 95% paired-t interval and ``p_better`` (the share of
replications in which the option did better), and writes ``comparison.csv`` and
``manifest.json`` to ``--out`` (default ``runs/<base name>-compare``) with each scenario's
run tables in a subfolder named after it. ``--precision P`` adds replications until every
headline metric's interval is within P of its mean.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pandas as pd

from staffsim.cli import console, options
from staffsim.cli.console import comparison_text, feedback_text
from staffsim.cli.export import add_xlsx_option, write_xlsx
from staffsim.cli.run import failure_lines
from staffsim.experiment.compare import PrecisionRule, compare_scenarios, unique_labels
from staffsim.experiment.runner import PARTIAL_DIR
from staffsim.results.results import MANIFEST_JSON, ComparisonResults, folder_name

__all__ = ["compare_command", "comparison_text", "register"]


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number such as 0.05, not {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(
            f"is a fraction of the mean between 0 and 1 (0.05 = within 5%), not {text!r}"
        )
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``compare`` subcommand."""
    parser = subparsers.add_parser(
        "compare",
        help="compare options with a base scenario on common random numbers",
        description="Run a base scenario and options on the same random numbers and "
        "compare them replication by replication; write comparison.csv and each "
        "scenario's tables.",
    )
    parser.add_argument("base", metavar="BASE", help="the base scenario's YAML file")
    parser.add_argument(
        "options", nargs="+", metavar="OPTION", help="YAML files of the options to compare"
    )
    options.add_run_options(parser, default_out="runs/<base name>-compare")
    parser.add_argument(
        "--precision",
        type=_fraction,
        default=None,
        metavar="P",
        help="add replications until every headline metric's 95%% CI half-width is within "
        "P of its mean (Hoad, Robinson and Davies); --replications is the starting number",
    )
    parser.add_argument(
        "--max-replications",
        type=options.int_at_least(3),
        default=200,
        metavar="N",
        help="stop adding replications at N even if --precision is not reached (default 200)",
    )
    parser.add_argument(
        "--feedback-off-too",
        action="store_true",
        help="also run the same comparison with every feedback effect off and report the "
        "two side by side, so that the loops' share of each difference shows "
        "(comparison_feedback.csv; the runs go in DIR/feedback_off)",
    )
    add_xlsx_option(parser)
    parser.set_defaults(handler=compare_command)


def _precision_text(result: ComparisonResults) -> str | None:
    info = result.manifest.get("precision")
    if not info:
        return None
    p = f"{info['precision']:.1%}"
    if info["reached"]:
        return (
            f"Precision {p} reached with {info['replications_used']} replications "
            f"(Hoad-Robinson-Davies rule, look-ahead {info['k_limit']})"
        )
    short = sorted(
        {
            metric
            for metrics in info["metrics"].values()
            for metric, d in metrics.items()
            if d["solution"] is None
        }
    )
    return (
        f"Precision {p} not reached after {info['replications_used']} replications "
        f"(--max-replications) for: {', '.join(short)}"
    )


def compare_command(args: argparse.Namespace) -> int:
    """Compare, print, save; the exit status."""
    paths = [args.base, *args.options]
    scenarios = [options.load(path, args) for path in paths]
    labels = unique_labels(scenarios, [Path(p).stem for p in paths])
    out = args.out if args.out is not None else options.RUNS_DIR / f"{labels[0]}-compare"
    with console.progress(args, "compare") as progress:
        try:
            rule = (
                None
                if args.precision is None
                else PrecisionRule(args.precision, args.max_replications)
            )
            result = compare_scenarios(
                scenarios[0],
                scenarios[1:],
                options.run_options(args, Path(out), progress),
                labels=labels,
                precision=rule,
            )
        except KeyboardInterrupt:
            partials = [Path(out) / folder_name(label) / PARTIAL_DIR for label in labels]
            return options.interrupted(partials)
    if not args.quiet:
        note = _precision_text(result)
        if note:
            console.say(note)
        print(comparison_text(result.comparison, result.base))
        console.say(f"Saved to {out}: comparison.csv, manifest.json and a folder per scenario")
    write_xlsx(Path(out), getattr(args, "xlsx", None), args.quiet)
    if all(res.replications for res in result.results.values()):
        from staffsim.cli.chart import draw_charts

        draw_charts(result, Path(out), args.quiet)
    if args.feedback_off_too:
        code = _feedback_comparison(args, scenarios, labels, result, Path(out))
        if code:
            return code
    failed = 0
    for label, res in result.results.items():
        if res.failures:
            failed += len(res.failures)
            manifest = Path(out) / result.manifest["folders"][label] / MANIFEST_JSON
            print(failure_lines(res.failures, manifest, label), file=sys.stderr)
    if failed:
        print(
            f"{failed} replication(s) failed; run again with --resume to retry them",
            file=sys.stderr,
        )
        return 1
    return 0


def _feedback_comparison(
    args: argparse.Namespace,
    scenarios: list,
    labels: list[str],
    with_loops: ComparisonResults,
    out: Path,
) -> int:
    """Run the comparison again with every effect off and report both side by side."""
    off = [s.with_effects_off() for s in scenarios]
    folder = out / "feedback_off"
    with console.progress(args, "compare, feedback off") as progress:
        try:
            replications = len(with_loops[labels[0]].replications)
            run_options = options.run_options(args, folder, progress)
            without = compare_scenarios(
                off[0],
                off[1:],
                run_options.replace(replications=replications),
                labels=labels,
            )
        except KeyboardInterrupt:
            partials = [folder / folder_name(label) / PARTIAL_DIR for label in labels]
            return options.interrupted(partials)
    table = feedback_table(with_loops.comparison, without.comparison)
    from staffsim.results import io

    io.write_csv(table, out / "comparison_feedback.csv")
    if not args.quiet:
        print()
        console.say(
            "The same comparison with every feedback effect off (option - base over all "
            "years, 95% CIs); loops' share = 1 - (difference without loops / with loops):"
        )
        print(feedback_text(table))
        console.say(f"Saved to {out}: comparison_feedback.csv; the runs in {folder}")
    return 0


def feedback_table(with_loops: pd.DataFrame, without: pd.DataFrame) -> pd.DataFrame:
    """Each option's difference from the base with the loops and without them, and the
    loops' share of the difference, per metric and period."""
    keys = ["metric", "option", "period"]
    merged = with_loops[[*keys, "diff", "ci_low", "ci_high", "replications"]].merge(
        without[[*keys, "diff", "ci_low", "ci_high"]], on=keys, suffixes=("", "_no_feedback")
    )
    merged = merged.rename(
        columns={
            "diff": "diff_with_feedback",
            "ci_low": "ci_low_with_feedback",
            "ci_high": "ci_high_with_feedback",
        }
    )
    merged["feedback_share"] = [
        1 - b / a if a else math.nan
        for a, b in zip(merged.diff_with_feedback, merged.diff_no_feedback, strict=True)
    ]
    return merged[
        [
            *keys,
            "diff_with_feedback",
            "ci_low_with_feedback",
            "ci_high_with_feedback",
            "diff_no_feedback",
            "ci_low_no_feedback",
            "ci_high_no_feedback",
            "feedback_share",
            "replications",
        ]
    ]

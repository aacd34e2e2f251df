"""``staffsim report BASE OPTION [OPTION ...] --out DIR``: a comparison written up.

Runs the comparison as ``staffsim compare`` does (same run options; its tables and charts
go to ``--out``), or reads a saved one with ``--from RESULTS_DIR``, and writes to ``--out``:
``report.html`` (self-contained: charts embedded, nothing fetched to view it),
``report.pdf`` (the same page printed by headless Chromium) and ``report.xlsx`` (the
appraisal workbook). The appraisal's files are saved beside the comparison unless an
appraisal of these results is there already (from ``staffsim appraise``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from staffsim.appraisal.appraise import Appraisal
from staffsim.charts.standard import comparison_appraisal
from staffsim.cli import console, options
from staffsim.cli.chart import load_results
from staffsim.errors import UserError
from staffsim.results.results import ComparisonResults

__all__ = ["register", "report_command"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``report`` subcommand."""
    parser = subparsers.add_parser(
        "report",
        help="compare options with a base and write report.html, report.pdf and report.xlsx",
        description="Run a comparison (as staffsim compare) or read a saved one (--from) and "
        "write a self-contained report.html, report.pdf printed from it by headless "
        "Chromium, and the appraisal workbook report.xlsx.",
    )
    parser.add_argument("base", nargs="?", metavar="BASE", help="the base scenario's YAML file")
    parser.add_argument(
        "options", nargs="*", metavar="OPTION", help="YAML files of the options to compare"
    )
    parser.add_argument(
        "--from",
        dest="from_dir",
        type=Path,
        default=None,
        metavar="RESULTS_DIR",
        help="report on a comparison saved by staffsim compare instead of running one "
        "(scenario files given as well are read for their assumptions and sources)",
    )
    options.add_run_options(parser, default_out="runs/<base name>-compare, or RESULTS_DIR")
    parser.add_argument(
        "--no-pdf", action="store_true", help="write report.html only, without Chromium"
    )
    parser.set_defaults(handler=report_command, precision=None, max_replications=200)
    parser.set_defaults(feedback_off_too=False)


def _comparison(args: argparse.Namespace) -> tuple[ComparisonResults, Path, int]:
    """The comparison to report on, where to write, and the exit status of running it."""
    if args.from_dir is not None:
        results = load_results(args.from_dir)
        if not isinstance(results, ComparisonResults):
            raise UserError(
                f"{args.from_dir}: a single run, not a comparison; give the folder "
                "'staffsim compare' wrote"
            )
        return results, Path(args.out or args.from_dir), 0
    if args.base is None or not args.options:
        raise UserError(
            "give a base scenario and at least one option (staffsim report BASE OPTION ...), "
            "or --from RESULTS_DIR"
        )
    from staffsim.cli.compare import compare_command
    from staffsim.experiment.compare import unique_labels

    if args.out is None:
        first = options.load(args.base, args)
        label = unique_labels([first], [Path(args.base).stem])[0]
        args.out = options.RUNS_DIR / f"{label}-compare"
    code = compare_command(args)
    return ComparisonResults.load(args.out), Path(args.out), code


def _appraisal(results: ComparisonResults) -> Appraisal:
    """The comparison's appraisal, saved beside it (so that the workbook carries its sheets)
    unless it was read from there."""
    appraisal = comparison_appraisal(results)
    if appraisal.path is None and results.path is not None:
        appraisal.save(results.path)
    return appraisal


def report_command(args: argparse.Namespace) -> int:
    """Compare (or load), write the report files; the exit status."""
    from staffsim.charts.standard import charts_available

    if not charts_available():
        raise UserError('staffsim report draws charts: pip install "staffsim[plot,report]"')
    try:
        import jinja2  # noqa: F401
    except ImportError:
        raise UserError('staffsim report needs Jinja2: pip install "staffsim[report]"') from None
    results, out, code = _comparison(args)
    from staffsim.report import browser, document

    files = [scenario for scenario in [args.base, *args.options] if scenario is not None]
    html = document.build_report(
        results, out, scenario_files=files or None, appraisal=_appraisal(results)
    )
    written = [html.name]
    problems = []
    if not args.no_pdf:
        try:
            written.append(browser.print_pdf(html, out / document.REPORT_PDF).name)
        except UserError as exc:
            problems.append(f"report.pdf not written: {exc}")
    try:
        written.append(document.write_workbook(results, out / document.REPORT_XLSX).name)
    except UserError as exc:
        problems.append(f"report.xlsx not written: {exc}")
    if not args.quiet:
        console.say(f"Report in {out}: {', '.join(written)}")
    for problem in problems:
        print(f"staffsim: {problem}", file=sys.stderr)
    if code:
        return code
    return 1 if problems else 0

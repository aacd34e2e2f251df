"""``staffsim chart RESULTS_DIR``: redraw the standard charts from saved results.

Reads a folder written by ``staffsim run`` or ``staffsim compare`` and draws the standard
charts into it (or into ``--out``) without simulating anything: ``fan_<metric>.png`` for
each key metric and, for a comparison, ``differences.png``, ``cumulative_cost.png`` and
``cost_waterfall.png``, each with an SVG beside it. :func:`draw_charts` is what ``run`` and
``compare`` call after saving.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from staffsim.cli import console
from staffsim.errors import UserError
from staffsim.results.results import MANIFEST_JSON, ComparisonResults, Results

__all__ = ["draw_charts", "load_results", "register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``chart`` subcommand."""
    parser = subparsers.add_parser(
        "chart",
        help="redraw the standard charts from saved results",
        description="Draw the standard charts (fan charts of the key metrics; for a "
        "comparison also the differences and the cost charts) from a saved run or "
        "comparison, without re-running it.",
    )
    parser.add_argument("results", metavar="RESULTS_DIR", help="folder of a run or comparison")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="where to write (default: RESULTS_DIR)",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    parser.set_defaults(handler=chart_command)


def load_results(folder: str | Path) -> Results | ComparisonResults:
    """A saved run or comparison; :class:`UserError` if ``folder`` holds neither."""
    path = Path(folder)
    manifest = path / MANIFEST_JSON
    if not manifest.is_file():
        raise UserError(
            f"{path}: no {MANIFEST_JSON} here; give the folder a 'staffsim run' or "
            "'staffsim compare' wrote (its --out)"
        )
    try:
        if (path / "comparison.csv").is_file():
            return ComparisonResults.load(path)
        return Results.load(path)
    except (OSError, KeyError, ValueError) as exc:
        raise UserError(f"{path}: cannot read the saved results ({exc})") from None


def draw_charts(results: Results | ComparisonResults, out: Path, quiet: bool) -> list[Path]:
    """Draw the standard charts into ``out`` and say which (nothing without matplotlib)."""
    from staffsim.charts.data import MissingColumnError
    from staffsim.charts.standard import charts_available, draw_standard_charts

    if not charts_available():
        if not quiet:
            console.say(
                'Charts skipped: matplotlib is not installed (pip install "staffsim[plot]")'
            )
        return []
    try:
        written = draw_standard_charts(
            results, out, on_skip=None if quiet else lambda why: console.say(f"Charts: {why}")
        )
    except MissingColumnError as exc:
        raise UserError(f"charts not drawn: {exc}") from None
    if not quiet and written:
        names = [p.name for p in written if p.suffix == ".png"]
        console.say(f"Charts in {out} (PNG, SVG beside each): {', '.join(names)}")
    return written


def chart_command(args: argparse.Namespace) -> int:
    """Load, draw; the exit status."""
    results = load_results(args.results)
    out = args.out if args.out is not None else Path(args.results)
    if not draw_charts(results, out, args.quiet):
        return 1
    return 0

"""Options shared by ``staffsim run``, ``compare`` and ``sweep``, and how their output is
shown: the progress bar on standard error and the tables of means on standard output.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from staffsim.cli.main import add_set_option
from staffsim.experiment.backends import BACKENDS
from staffsim.experiment.progress import ProgressCallback, TextProgressBar
from staffsim.experiment.runner import PARTIAL_DIR
from staffsim.scenario.loader import load_scenario
from staffsim.scenario.overrides import SET_SOURCE, Override, as_overrides, parse_sets
from staffsim.scenario.schema import Scenario

__all__ = [
    "DEFAULT_REPLICATIONS",
    "RUNS_DIR",
    "add_run_options",
    "format_cell",
    "int_at_least",
    "interrupted",
    "load",
    "overrides",
    "progress_bar",
    "summary_text",
]

DEFAULT_REPLICATIONS = 10
RUNS_DIR = Path("runs")
"""Where results go when ``--out`` is not given (relative to the working folder)."""


def int_at_least(lowest: int) -> Callable[[str], int]:
    """An argparse type: a whole number no smaller than ``lowest``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
        if value < lowest:
            raise argparse.ArgumentTypeError(f"must be at least {lowest}, not {value}")
        return value

    return parse


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, not {text!r}") from None
    if not value > 0 or math.isinf(value):
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text!r}")
    return value


def add_run_options(parser: argparse.ArgumentParser, default_out: str) -> None:
    """Add the run options: ``--replications --seed --years --set --jobs --backend
    --scheduler --out --resume --quiet --no-feedback``. ``default_out`` describes
    ``--out``'s default."""
    parser.add_argument(
        "--replications",
        type=int_at_least(1),
        default=DEFAULT_REPLICATIONS,
        metavar="N",
        help=f"replications per scenario (default {DEFAULT_REPLICATIONS})",
    )
    parser.add_argument(
        "--seed",
        type=int_at_least(0),
        default=None,
        metavar="S",
        help="base seed of the random streams (default: the scenario's seed)",
    )
    parser.add_argument(
        "--years",
        type=_positive_float,
        default=None,
        metavar="Y",
        help="simulated years (replaces the scenario's horizon_years)",
    )
    add_set_option(parser)
    parser.add_argument(
        "--jobs",
        type=int_at_least(1),
        default=None,
        metavar="J",
        help="worker processes, or Dask workers of a local cluster (default: all cores)",
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="where replications run: a local process pool, or a Dask cluster "
        "(default: local; dask with --scheduler)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="address of a Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: start a "
        "local Dask cluster)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"folder for the result files (default: {default_out}); it may already "
        "exist and hold other files",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help=f"complete an interrupted run in --out, keeping the replications it finished "
        f"(they wait in DIR/{PARTIAL_DIR}); with none kept the run starts afresh",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar and no summary, only errors"
    )
    parser.add_argument(
        "--no-feedback",
        action="store_true",
        help="switch every feedback effect off (each multiplier exactly 1), to see the "
        "service without its loops",
    )


def overrides(args: argparse.Namespace) -> list[Override]:
    """The scenario changes the options ask for: each ``--set``, then ``--years``, each
    naming its flag as its source."""
    out = as_overrides(parse_sets(args.set), SET_SOURCE)
    if args.years is not None:
        out.append(Override("horizon_years", args.years, "--years"))
    return out


def load(path: str, args: argparse.Namespace) -> Scenario:
    """Read and validate the scenario file ``path`` with the options' changes."""
    scenario = load_scenario(path, overrides(args))
    if getattr(args, "no_feedback", False):
        scenario = scenario.with_effects_off()
    return scenario


@contextmanager
def progress_bar(args: argparse.Namespace, label: str) -> Iterator[ProgressCallback | None]:
    """A text bar on standard error, unless ``--quiet`` or standard error is not a
    terminal (a bar redrawn with carriage returns would litter a log file)."""
    if args.quiet or not sys.stderr.isatty():
        yield None
        return
    bar = TextProgressBar(sys.stderr, label=label)
    try:
        yield bar
    finally:
        bar.close()


def interrupted(folders: Sequence[Path]) -> int:
    """Say what an interrupted run kept and how to complete it; the exit status (130)."""
    kept = sum(len(list(f.rglob("replication-*.json"))) for f in folders if f.exists())
    where = ", ".join(str(f) for f in folders)
    print(
        f"staffsim: interrupted; {kept} finished replication{'s' if kept != 1 else ''} "
        f"kept in {where}; run the same command with --resume to complete it",
        file=sys.stderr,
    )
    return 130


def format_number(value: float) -> str:
    """A number rounded for reading (full precision is in the files)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size < 0.005:
        return "0.00"  # not "-0.00" for a difference that rounds to nothing
    return f"{value:.2f}"


def format_cell(mean: float, low: float, high: float) -> str:
    """``mean [low, high]``."""
    if isinstance(low, float) and math.isnan(low):
        return format_number(mean)
    return f"{format_number(mean)} [{format_number(low)}, {format_number(high)}]"


def summary_text(summary: pd.DataFrame) -> str:
    """A summary table (``Results.summary()``) as text: one row per metric, one column per
    period, each cell the mean and its 95% confidence interval."""
    if summary.empty:
        return "(no 30 September snapshot inside the horizon: nothing to summarise)"
    cells = summary.assign(
        cell=[
            format_cell(m, lo, hi)
            for m, lo, hi in zip(
                summary["mean"], summary["ci_low"], summary["ci_high"], strict=True
            )
        ],
        row=[
            f"{m} ({u})" if u else m
            for m, u in zip(summary["metric"], summary["unit"], strict=True)
        ],
    )
    table = cells.pivot(index="row", columns="period", values="cell")
    table = table.loc[list(dict.fromkeys(cells["row"])), list(dict.fromkeys(cells["period"]))]
    table.index.name = None
    table.columns.name = None
    return table.to_string()


def save_chart(path: Path, draw: Callable[[], Any]) -> bool:
    """Draw a chart with ``draw()`` (which returns its axes) and write it to ``path`` as a
    PNG, atomically. Returns False, writing nothing, when matplotlib (the ``plot`` extra) is
    not installed."""
    try:
        import matplotlib
    except ImportError:
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from staffsim.results import io

    ax = draw()
    try:
        with io.atomic_path(path) as tmp:
            ax.figure.savefig(tmp, dpi=120, format="png")
    finally:
        plt.close(ax.figure)
    return True

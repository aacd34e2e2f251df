"""Options shared by ``staffsim run``, ``compare`` and ``sweep`` (what the commands print is
in :mod:`staffsim.cli.console`).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from staffsim.cli.main import add_set_option
from staffsim.errors import UserError
from staffsim.experiment.options import (
    BACKENDS,
    DEFAULT_REPLICATIONS,
    MAX_REPLICATIONS,
    RunOptions,
    check_scheduler_address,
)
from staffsim.experiment.progress import ProgressCallback
from staffsim.experiment.runner import PARTIAL_DIR
from staffsim.scenario.loader import load_scenario
from staffsim.scenario.overrides import SET_SOURCE, Override, as_overrides, parse_sets
from staffsim.scenario.schema import Scenario

__all__ = [
    "DEFAULT_REPLICATIONS",
    "RUNS_DIR",
    "add_run_options",
    "int_at_least",
    "interrupted",
    "load",
    "overrides",
    "run_options",
]

MAX_YEARS = 100
"""The longest horizon ``--years`` accepts (the scenario's ``horizon_years`` has the same
bound)."""

RUNS_DIR = Path("runs")
"""Where results go when ``--out`` is not given (relative to the working folder)."""


def int_at_least(lowest: int, highest: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number no smaller than ``lowest`` (and no larger than
    ``highest``, if given)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
        if value < lowest:
            raise argparse.ArgumentTypeError(f"must be at least {lowest}, not {value}")
        if highest is not None and value > highest:
            raise argparse.ArgumentTypeError(f"must be at most {highest:,}, not {value:,}")
        return value

    return parse


def _years(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, not {text!r}") from None
    if not value > 0 or math.isinf(value):
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text!r}")
    if value > MAX_YEARS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_YEARS} years, not {text}")
    return value


def _scheduler(text: str) -> str:
    try:
        return check_scheduler_address(text)
    except UserError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_run_options(parser: argparse.ArgumentParser, default_out: str) -> None:
    """Add the run options: ``--replications --seed --years --set --jobs --backend
    --scheduler --out --resume --quiet --no-feedback``. ``default_out`` describes
    ``--out``'s default."""
    parser.add_argument(
        "--replications",
        type=int_at_least(1, MAX_REPLICATIONS),
        default=DEFAULT_REPLICATIONS,
        metavar="N",
        help=f"replications per scenario (default {DEFAULT_REPLICATIONS}, "
        f"at most {MAX_REPLICATIONS:,})",
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
        type=_years,
        default=None,
        metavar="Y",
        help=f"simulated years, at most {MAX_YEARS} (replaces the scenario's horizon_years)",
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
        type=_scheduler,
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
    folder = parser.add_mutually_exclusive_group()
    folder.add_argument(
        "--resume",
        action="store_true",
        help=f"complete an earlier run in --out, keeping the replications it finished "
        f"(they wait in DIR/{PARTIAL_DIR}, each checked; damaged ones are run again)",
    )
    folder.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an earlier run's results in --out (without --resume or --overwrite "
        "a folder holding one is refused)",
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


def note(message: str) -> None:
    """Tell the user something that is not an error (on standard error)."""
    print(f"staffsim: {message}", file=sys.stderr)


def run_options(
    args: argparse.Namespace, out_dir: Path | None, progress: ProgressCallback | None
) -> RunOptions:
    """The :class:`RunOptions` the command line asks for, writing to ``out_dir``."""
    return RunOptions(
        replications=args.replications,
        seed=args.seed,
        jobs=args.jobs,
        backend=args.backend,
        scheduler=args.scheduler,
        progress=progress,
        out_dir=out_dir,
        resume=args.resume,
        overwrite=getattr(args, "overwrite", False),
        notify=note,
    )


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

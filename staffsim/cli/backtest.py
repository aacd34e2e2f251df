"""``staffsim backtest --la NAME | --all --from YYYY --years K``: how well the model forecasts.

Fits each council on its published census of YYYY only (:mod:`staffsim.experiment.backtest`),
forecasts the K censuses after it on fresh seeds and writes, in ``--out``:

* ``backtest.csv``: ``la_code, la_name, time_period, metric, published, simulated_mean,
  pi_low, pi_high, naive`` (90% prediction intervals; the naive forecast is the last
  published value at or before YYYY);
* ``councils.csv``: each council's calibration verdict, evaluations, time and any reason;
* ``scores.csv`` and ``scores_by_horizon.csv``: per metric, the share of published values
  inside the 90% interval (with a 95% interval on that share) and the mean absolute error
  against the naive forecast's;
* ``charts/<code>.png``, one per council, and ``scores.png`` (with the ``plot`` extra).

Each council's rows are kept in ``kept/`` as it finishes, so an interrupted ``--all`` keeps
them and ``--resume`` runs only the councils missing. Exit 0; 2 for bad input.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

from staffsim.cli.calibrate import add_search_options
from staffsim.cli.console import say, table_text
from staffsim.cli.options import int_at_least, note, save_chart
from staffsim.data import councils as council_data
from staffsim.errors import UserError
from staffsim.experiment.backtest import (
    DEFAULT_FORECAST_REPLICATIONS,
    CouncilBacktest,
    backtest_all,
    check_years,
    council_outcome,
    eligible_councils,
    stratified_sample,
)
from staffsim.experiment.calibrate import DEFAULT_FIT_REPLICATIONS
from staffsim.experiment.options import RunOptions
from staffsim.results import io
from staffsim.results.backtest import BACKTEST_COLUMNS, BACKTEST_METRICS, backtest_scores

__all__ = ["file_stem", "register", "run_backtest", "scores_text"]

FILES = (
    "backtest.csv",
    "councils.csv",
    "scores.csv",
    "scores_by_horizon.csv",
    "scores.png",
    "charts",
    "kept",
)
KEPT = "kept"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``backtest`` subcommand."""
    parser = subparsers.add_parser(
        "backtest",
        help="fit councils on their published years up to one and forecast the years after",
        description="Calibrate a council's scenario (as `staffsim init --year YYYY` writes it) on "
        "its published census of YYYY only, run it forward K years on fresh seeds, and lay "
        "the forecasts (mean and 90% prediction interval) beside the published values and "
        "the naive forecast (the last published value).",
    )
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--la", metavar="NAME_OR_CODE", help="one council")
    who.add_argument("--all", action="store_true", help="every council with enough data for YYYY")
    parser.add_argument(
        "--from",
        dest="from_year",
        required=True,
        type=int,
        metavar="YYYY",
        help="the last published year the fit may use; the start state is YYYY-1's return",
    )
    parser.add_argument(
        "--years", required=True, type=int_at_least(1, 8), metavar="K", help="years forecast"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="output folder (default: runs/backtest_<la or all>_<YYYY>)",
    )
    parser.add_argument(
        "--sample",
        type=int_at_least(1),
        default=None,
        metavar="N",
        help="with --all, a sample of N councils stratified by DfE region (proportional)",
    )
    parser.add_argument(
        "--sample-seed", type=int_at_least(0), default=0, metavar="S", help="seed of --sample"
    )
    parser.add_argument(
        "--replications",
        type=int_at_least(2, 1000),
        default=DEFAULT_FORECAST_REPLICATIONS,
        metavar="N",
        help=f"replications of the forecast (default {DEFAULT_FORECAST_REPLICATIONS})",
    )
    parser.add_argument(
        "--fit-replications",
        type=int_at_least(2, 1000),
        default=DEFAULT_FIT_REPLICATIONS,
        metavar="N",
        help=f"replications of each evaluation of the fit (default {DEFAULT_FIT_REPLICATIONS})",
    )
    add_search_options(parser)
    folder = parser.add_mutually_exclusive_group()
    folder.add_argument(
        "--resume", action="store_true", help="keep the councils an earlier run in DIR finished"
    )
    folder.add_argument(
        "--overwrite", action="store_true", help="replace an earlier backtest in DIR"
    )
    parser.add_argument("--quiet", action="store_true", help="print only the scores")
    parser.set_defaults(handler=run_backtest)


# ---------------------------------------------------------------------------- text
def _n(value: float, digits: int = 1) -> str:
    return "-" if pd.isna(value) else f"{value:.{digits}f}"


def scores_text(scores: pd.DataFrame) -> str:
    """The scores per metric: coverage of the 90% intervals, MAE against the naive's."""
    columns = {
        "metric": [str(m) for m in scores.metric],
        "rows": [str(int(n)) for n in scores.n],
        "councils": [str(int(c)) for c in scores.councils],
        "in 90% PI": [
            "-" if pd.isna(c) else f"{100 * c:.0f}% ({100 * lo:.0f}-{100 * hi:.0f})"
            for c, lo, hi in zip(
                scores.coverage, scores.coverage_low, scores.coverage_high, strict=True
            )
        ],
        "MAE model": [_n(v, 2) for v in scores.mae_model],
        "MAE naive": [_n(v, 2) for v in scores.mae_naive],
        "skill": [_n(v, 2) for v in scores.skill],
        "model closer": [
            "-" if pd.isna(v) else f"{100 * v:.0f}%" for v in scores.model_better_share
        ],
    }
    return table_text(columns, ["metric"])


def _rows_text(rows: pd.DataFrame) -> str:
    columns = {
        "year": [str(int(y)) for y in rows.time_period],
        "metric": [str(m) for m in rows.metric],
        "published": [_n(v) for v in rows.published],
        "simulated": [_n(v) for v in rows.simulated_mean],
        "90% PI": [
            f"{_n(lo)} to {_n(hi)}" for lo, hi in zip(rows.pi_low, rows.pi_high, strict=True)
        ],
        "naive": [_n(v) for v in rows.naive],
    }
    return table_text(columns, ["year", "metric"])


# ------------------------------------------------------------------------- folder
def _prepare(out: Path, resume: bool, overwrite: bool) -> None:
    earlier = [name for name in FILES if (out / name).exists()]
    if earlier and not (resume or overwrite):
        raise UserError(
            f"{out} holds an earlier backtest ({', '.join(earlier)}): add --resume to keep the "
            "councils it finished, --overwrite to replace it, or choose another --out"
        )
    if overwrite:
        for name in earlier:
            path = out / name
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    (out / KEPT).mkdir(parents=True, exist_ok=True)


def file_stem(code: str) -> str:
    """A council's code as a file name: a joint return's ``A / B`` becomes ``A_B``."""
    return code.replace(" / ", "_").replace("/", "_")


def _keep(out: Path, result: CouncilBacktest) -> None:
    stem = file_stem(result.la_code)
    io.write_csv(result.rows, out / KEPT / f"{stem}.csv")
    io.write_json(council_outcome(result), out / KEPT / f"{stem}.json")
    io.write_csv(result.history, out / KEPT / f"{stem}_history.csv")


def _kept(out: Path, codes: list[str]) -> dict[str, tuple[pd.DataFrame, dict, pd.DataFrame]]:
    found = {}
    for code in codes:
        stem = file_stem(code)
        rows, outcome = out / KEPT / f"{stem}.csv", out / KEPT / f"{stem}.json"
        history = out / KEPT / f"{stem}_history.csv"
        if rows.is_file() and outcome.is_file() and history.is_file():
            try:
                found[code] = (
                    pd.read_csv(rows),
                    io.read_json(outcome),
                    pd.read_csv(history),
                )
            except (OSError, ValueError):
                continue  # damaged: the council is run again
    return found


def _draw(
    out: Path, tables: dict[str, tuple[pd.DataFrame, pd.DataFrame]], scores: pd.DataFrame
) -> int:
    """A chart per council and the scores chart; how many council charts were drawn (none
    without the ``plot`` extra)."""

    def council(rows: pd.DataFrame, history: pd.DataFrame) -> Any:
        from staffsim.charts.backtest import council_backtest_figure

        return council_backtest_figure(rows, history).axes[0]

    def scored() -> Any:
        from staffsim.charts.backtest import backtest_scores_figure

        return backtest_scores_figure(scores).axes[0]

    (out / "charts").mkdir(exist_ok=True)
    drawn = 0
    for code, (rows, history) in tables.items():
        if not rows.empty:
            path = out / "charts" / f"{file_stem(code)}.png"
            drawn += save_chart(path, functools.partial(council, rows, history))
    if scores.n.sum() > 0:
        save_chart(out / "scores.png", scored)
    return drawn


# ------------------------------------------------------------------------- command
def run_backtest(args: argparse.Namespace) -> int:
    """Run the backtest, write its files, print its tables; the exit status."""
    started = time.perf_counter()
    if args.sample is not None and not args.all:
        raise UserError("--sample goes with --all")
    check_years(args.from_year, args.years)
    if args.all:
        codes = eligible_councils(args.from_year)
        if args.sample is not None:
            codes = stratified_sample(codes, args.sample, args.from_year, args.sample_seed)
        label = "all" if args.sample is None else f"sample{args.sample}"
    else:
        ret = council_data.find_council(args.la, args.from_year)
        codes, label = [ret.code], ret.code
    out = args.out or Path("runs") / f"backtest_{label}_{args.from_year}"
    _prepare(out, args.resume, args.overwrite)
    kept = _kept(out, codes) if args.resume else {}
    todo = [c for c in codes if c not in kept]
    options = RunOptions(jobs=args.jobs, backend=args.backend, scheduler=args.scheduler)
    total = len(codes)
    finished = [len(kept)]
    histories: dict[str, pd.DataFrame] = {c: h for c, (_, _, h) in kept.items()}
    if not args.quiet and kept:
        note(f"keeping {len(kept)} councils {out / KEPT} holds from before")

    def done(result: CouncilBacktest | None, code: str, reason: str) -> None:
        finished[0] += 1
        if result is not None:
            _keep(out, result)
            histories[result.la_code] = result.history
        if args.quiet:
            return
        elapsed = time.perf_counter() - started
        if result is None:
            line = f"{code}: not run ({reason})"
        else:
            cal = result.calibration
            line = (
                f"{result.la_name}: calibration {cal.verdict} ({len(cal.evaluations)} "
                f"evaluations), {result.seconds:.0f} s"
            )
        print(
            f"[{finished[0]}/{total}, {elapsed / 60:.1f} min] {line}", file=sys.stderr, flush=True
        )

    try:
        run = backtest_all(
            todo,
            args.from_year,
            args.years,
            replications=args.replications,
            fit_replications=args.fit_replications,
            max_evaluations=args.max_evaluations,
            options=options,
            done=done,
        )
    except KeyboardInterrupt:
        print(
            f"staffsim: interrupted; the councils finished are kept in {out / KEPT}; run the "
            "same command with --resume to complete it",
            file=sys.stderr,
        )
        return 130
    tables = [rows for rows, _, _ in kept.values()] + [run.table]
    table = pd.concat([t for t in tables if not t.empty] or [run.table], ignore_index=True)
    table = table.loc[:, list(BACKTEST_COLUMNS)]
    order = {c: i for i, c in enumerate(codes)}
    rank = {m: i for i, m in enumerate(BACKTEST_METRICS)}

    def _key(column: pd.Series) -> pd.Series:
        if column.name == "la_code":
            return column.map(order)
        return column.map(rank) if column.name == "metric" else column

    table = table.sort_values(["la_code", "time_period", "metric"], key=_key).reset_index(drop=True)
    outcomes = pd.DataFrame(
        [outcome for _, outcome, _ in kept.values()] + run.councils.to_dict("records")
    )
    scores = backtest_scores(table)
    by_horizon = backtest_scores(table, by_horizon=True)
    io.write_csv(table, out / "backtest.csv")
    io.write_csv(outcomes, out / "councils.csv")
    io.write_csv(scores, out / "scores.csv")
    io.write_csv(by_horizon, out / "scores_by_horizon.csv")
    per_council = {
        str(code): (rows, histories.get(str(code)))
        for code, rows in table.groupby("la_code", sort=False)
    }
    drawn = _draw(out, per_council, scores)
    seconds = time.perf_counter() - started
    verdicts = outcomes.verdict.value_counts().to_dict() if len(outcomes) else {}
    if not args.all and not args.quiet and len(table):
        print(_rows_text(table))
        print()
    print(scores_text(scores))
    print()
    say(
        f"{len(table.la_code.unique())} council(s) backtested from {args.from_year}, "
        f"{args.years} year(s) ahead, in {seconds / 60:.1f} min"
        + (f" ({', '.join(f'{n} {v}' for v, n in verdicts.items())})" if verdicts else "")
        + f"; wrote {out}/backtest.csv, councils.csv, scores.csv, scores_by_horizon.csv"
        + (f" and {drawn} chart(s)" if drawn else "")
    )
    return 0

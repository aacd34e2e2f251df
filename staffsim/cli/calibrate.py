"""``staffsim calibrate SCENARIO --la NAME --years Y1[-Y2]``: fit a scenario to a council.

Fits the behaviour nobody publishes (resignation hazard, applicants per campaign, agency
availability, case arrivals; :mod:`staffsim.experiment.calibrate`) so that the simulated
30 September snapshots of the years match the council's published turnover, vacancy and
agency rates and caseload. Prints each evaluation of the search (standard error), the fit
table and its verdict, then a fresh run on other seeds of the fitted years and the year
after (out of sample, where published). Writes the calibrated scenario (the source file
with the fitted values changed, each commented with the fit) and the two tables beside it.
Exit status 0 whether or not the council fits (the verdict says); 2 for bad input.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from staffsim.cli.console import say, table_text
from staffsim.cli.main import add_set_option
from staffsim.cli.options import _scheduler, int_at_least, note
from staffsim.errors import UserError
from staffsim.experiment.backends import default_jobs, open_backend
from staffsim.experiment.calibrate import (
    DEFAULT_CHECK_REPLICATIONS,
    DEFAULT_FIT_REPLICATIONS,
    DEFAULT_MAX_EVALUATIONS,
    FITTED_PARAMETERS,
    TOLERANCE,
    VERDICT_RULE,
    Evaluation,
    calibrate,
    calibrated_text,
    check_fit,
    parse_years,
    write_calibrated,
    years_text,
)
from staffsim.experiment.options import BACKENDS, RunOptions
from staffsim.results import io
from staffsim.scenario.loader import load_scenario
from staffsim.scenario.overrides import SET_SOURCE, as_overrides, parse_sets
from staffsim.scenario.yaml_io import read_file_bounded

__all__ = ["add_search_options", "fit_table_text", "register", "run_calibrate"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``calibrate`` subcommand."""
    parser = subparsers.add_parser(
        "calibrate",
        help="fit a scenario's unpublished behaviour to a council's published figures",
        description="Fit the resignation hazard, applicants per campaign, agency availability "
        "and case arrivals of SCENARIO so that its 30 September snapshots match the "
        "council's published turnover, vacancy and agency rates and caseload for the years "
        "(simulation on common random numbers, SciPy least squares from renewal-theory first "
        f"guesses). Verdict: {VERDICT_RULE}.",
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="the scenario file to calibrate")
    parser.add_argument(
        "--la", required=True, metavar="NAME_OR_CODE", help="the council whose figures to fit"
    )
    parser.add_argument(
        "--years",
        required=True,
        type=parse_years,
        metavar="Y1[-Y2]",
        help="reporting years to fit (to 30 September), e.g. 2022 or 2021-2022; the scenario "
        "must simulate their censuses",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="the calibrated scenario (default: SCENARIO's name with _calibrated, in the "
        "current folder); the fit tables go beside it as FILE_STEM_fit.csv and _check.csv",
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing --out")
    parser.add_argument(
        "--replications",
        type=int_at_least(2, 1000),
        default=DEFAULT_FIT_REPLICATIONS,
        metavar="N",
        help=f"replications of each evaluation (default {DEFAULT_FIT_REPLICATIONS})",
    )
    parser.add_argument(
        "--check-replications",
        type=int_at_least(0, 1000),
        default=DEFAULT_CHECK_REPLICATIONS,
        metavar="N",
        help=f"replications of the fresh check on other seeds (default "
        f"{DEFAULT_CHECK_REPLICATIONS}; 0 skips it)",
    )
    add_search_options(parser)
    parser.add_argument(
        "--seed", type=int_at_least(0), default=None, metavar="S", help="base seed of the fit"
    )
    add_set_option(parser)
    parser.add_argument("--quiet", action="store_true", help="print only the verdict line")
    parser.set_defaults(handler=run_calibrate)


def add_search_options(parser: argparse.ArgumentParser) -> None:
    """``--max-evaluations --jobs --backend --scheduler``, shared with ``backtest``."""
    parser.add_argument(
        "--max-evaluations",
        type=int_at_least(2, 1000),
        default=DEFAULT_MAX_EVALUATIONS,
        metavar="N",
        help=f"most evaluations of a fit's search (default {DEFAULT_MAX_EVALUATIONS})",
    )
    parser.add_argument(
        "--jobs", type=int_at_least(1), default=None, metavar="J", help="worker processes"
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="where replications run: a local process pool or a Dask cluster",
    )
    parser.add_argument(
        "--scheduler",
        type=_scheduler,
        default=None,
        metavar="ADDRESS",
        help="address of a Dask scheduler (default: a local cluster with --backend dask)",
    )


# ---------------------------------------------------------------------------- text
def _number(value: float, digits: int = 1) -> str:
    return "-" if pd.isna(value) else f"{value:.{digits}f}"


def fit_table_text(table: pd.DataFrame) -> str:
    """The fit (or check) table for the terminal: published, simulated mean, 95% CI, error."""
    columns: dict[str, list[str]] = {}
    if "role" in table:
        columns["role"] = [str(r) for r in table.role]
    columns["year"] = [str(int(y)) for y in table.time_period]
    columns["metric"] = [str(m) for m in table.metric]
    columns["published"] = [_number(v) for v in table.published]
    columns["simulated"] = [_number(v) for v in table.simulated_mean]
    columns["95% CI"] = [
        f"{_number(lo)} to {_number(hi)}"
        for lo, hi in zip(table.ci_low, table.ci_high, strict=True)
    ]
    columns["error"] = ["-" if pd.isna(e) else f"{e:+.1f}" for e in table.error]
    fixed = ["role", "year", "metric"] if "role" in table else ["year", "metric"]
    return table_text(columns, fixed)


def _evaluation_line(ev: Evaluation) -> str:
    params = ", ".join(f"{k.split('.')[1]} {v:.4g}" for k, v in ev.parameters.items())
    errors = ", ".join(
        f"{m.split('_')[0]} {e:+.1f}"
        for m, e in zip(ev.fit.metric, ev.fit.error, strict=True)
        if not pd.isna(e)
    )
    return f"evaluation {ev.number} ({ev.seconds:.1f} s): {params}; errors {errors}"


def _default_out(path: str, years: tuple[int, ...]) -> Path:
    return Path(f"{Path(path).stem}_calibrated_{years_text(years)}.yaml")


def run_calibrate(args: argparse.Namespace) -> int:
    """Fit, print the tables, write the calibrated scenario; the exit status."""
    out = args.out or _default_out(args.scenario, args.years)
    if out.exists() and not args.force:
        raise UserError(f"{out} exists: choose another --out or add --force to replace it")
    source_text = read_file_bounded(args.scenario, args.scenario).decode("utf-8")
    # --years here names the fitted censuses, not a horizon, so only --set changes the file
    scenario = load_scenario(args.scenario, as_overrides(parse_sets(args.set), SET_SOURCE))
    options = RunOptions(
        seed=args.seed, jobs=args.jobs, backend=args.backend, scheduler=args.scheduler
    )
    started = time.perf_counter()

    def tell(ev: Evaluation) -> None:
        if not args.quiet:
            print(_evaluation_line(ev), file=sys.stderr, flush=True)

    with open_backend(options) as backend:
        cal = calibrate(
            scenario,
            args.la,
            args.years,
            replications=args.replications,
            max_evaluations=args.max_evaluations,
            options=options,
            backend=backend,
            on_evaluation=tell,
        )
        check = None
        if args.check_replications:
            check = check_fit(
                cal, replications=args.check_replications, options=options, backend=backend
            )
    seconds = time.perf_counter() - started
    command = " ".join(
        ["staffsim calibrate", args.scenario, "--la", args.la, "--years", years_text(args.years)]
    )
    text = calibrated_text(source_text, args.scenario, cal, command)
    write_calibrated(out, text, cal)
    stem = out.with_suffix("")
    io.write_csv(cal.fit, Path(f"{stem}_fit.csv"))
    if check is not None:
        io.write_csv(check, Path(f"{stem}_check.csv"))
    verdict = (
        f"{cal.la_name} {years_text(cal.years)}: {cal.verdict.upper()} after "
        f"{len(cal.evaluations)} evaluations of {cal.replications} replications "
        f"({seconds / 60:.1f} min on {options.jobs or default_jobs()} cores; the search: "
        f"{cal.message})"
    )
    if args.quiet:
        print(verdict)
        return 0
    say(
        f"Calibration of {scenario.name} to {cal.la_name} ({cal.la_code}), "
        f"{years_text(cal.years)}. Rule: {VERDICT_RULE}."
    )
    print()
    rows = [
        f"  {k}: {cal.first_guess[k]:.4g} (first guess) -> {cal.parameters[k]:.4g}"
        + (" (at a bound)" if k in cal.at_bound else "")
        for k in FITTED_PARAMETERS
    ]
    print("\n".join(rows))
    print()
    print(fit_table_text(cal.fit))
    print()
    say(verdict)
    for reason in cal.reasons:
        say(f"  misses: {reason}")
    if check is not None:
        print()
        say(
            f"A fresh run of {args.check_replications} replications on other seeds (the fitted "
            "years, and the years after where published: out of sample):"
        )
        print()
        print(fit_table_text(check))
        fit_rows = check[(check.role == "fit") & check.published.notna()]
        worst = (fit_rows.error.abs() - fit_rows.metric.map(TOLERANCE)).max()
        if len(fit_rows):
            say(
                "the fit holds on fresh seeds (every target within its tolerance)"
                if worst <= 0
                else "on fresh seeds some target falls outside its tolerance (see the table)"
            )
    print()
    say(
        f"wrote {out} and its tables {stem}_fit.csv"
        + (f", {stem}_check.csv" if check is not None else "")
    )
    if not cal.fitted:
        note(f"{cal.la_name} is not fitted by the model: the scenario holds its closest fit")
    return 0

"""``staffsim appraise BASE OPTION [OPTION ...]``: a Green Book appraisal of options against a
base, or ``staffsim appraise --from RESULTS_DIR`` for a saved comparison without re-running.

Runs the comparison as ``staffsim compare`` does (same options), then writes to ``--out``
(default ``runs/<base name>-appraise``; with ``--from``, the results folder itself) the
comparison's files and ``appraisal.csv``, ``appraisal_cashflows.csv``,
``switching_values.csv``, ``switching_grid.csv``, ``appraisal_outcomes.csv``,
``appraisal_replications.csv``, ``costs_by_year.csv`` and ``appraisal.json``, and prints a
short table per option.
"""

from __future__ import annotations

import argparse
import math
import sys
import textwrap
from pathlib import Path

from staffsim.appraisal.appraise import OPTIMISM_BIAS_PCT, Appraisal, appraise_comparison
from staffsim.appraisal.behaviour import DEFAULT_GRID, behavioural_switching, parse_grid
from staffsim.cli import console, options
from staffsim.cli.compare import _fraction
from staffsim.cli.export import add_xlsx_option, write_xlsx
from staffsim.errors import UserError
from staffsim.experiment.compare import PrecisionRule, compare_scenarios, unique_labels
from staffsim.experiment.runner import PARTIAL_DIR
from staffsim.results.results import ComparisonResults, folder_name
from staffsim.scenario.loader import validate_data

__all__ = ["appraisal_text", "appraise_command", "register"]


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a percentage such as 41, not {text!r}") from None
    if not 0 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"must be a percentage from 0 to 1000, not {text!r}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``appraise`` subcommand."""
    parser = subparsers.add_parser(
        "appraise",
        help="appraise options against a base to the Green Book (NPV, payback, switching values)",
        description="Compare options with a base on common random numbers (or read a saved "
        "comparison with --from) and appraise them in real prices of the scenarios' "
        "price_base_year: net present value of option minus base at the Green Book STPR, "
        "payback, optimism bias on the policies' own costs, switching values and "
        "cost-effectiveness.",
    )
    parser.add_argument(
        "scenarios",
        nargs="*",
        metavar="BASE OPTION",
        help="the base scenario's YAML file, then the options' (none with --from)",
    )
    parser.add_argument(
        "--from",
        dest="from_dir",
        type=Path,
        default=None,
        metavar="RESULTS_DIR",
        help="appraise a comparison saved by staffsim compare (or appraise) without re-running it",
    )
    options.add_run_options(parser, default_out="runs/<base name>-appraise, or RESULTS_DIR")
    parser.add_argument(
        "--precision", type=_fraction, default=None, metavar="P", help="as for compare"
    )
    parser.add_argument(
        "--max-replications",
        type=options.int_at_least(3),
        default=200,
        metavar="N",
        help="as for compare (default 200)",
    )
    parser.add_argument(
        "--optimism-bias",
        type=_percent,
        default=OPTIMISM_BIAS_PCT,
        metavar="PCT",
        help=f"uplift on the policies' own costs, percent (default {OPTIMISM_BIAS_PCT:g}: "
        "Supplementary Green Book Guidance: Optimism Bias, upper bound for operating costs)",
    )
    default_grid = " ".join(
        f"{k}={','.join(f'{v:g}' for v in vs)}" for k, vs in DEFAULT_GRID.items()
    )
    parser.add_argument(
        "--switching-grid",
        action="append",
        default=None,
        metavar="EFFECT=K1,K2,...",
        help="re-run at these strengths of a feedback effect (1 = as given, 0 = off) for a "
        f"behavioural switching value; repeatable (default {default_grid}; with --from, none)",
    )
    parser.add_argument(
        "--no-switching-runs",
        action="store_true",
        help="skip the behavioural re-runs (price switching values need none)",
    )
    add_xlsx_option(parser)
    parser.set_defaults(handler=appraise_command)


def _grid(args: argparse.Namespace) -> dict[str, tuple[float, ...]]:
    if args.no_switching_runs:
        return {}
    if args.switching_grid is None:
        return {} if args.from_dir is not None else dict(DEFAULT_GRID)
    if len(args.switching_grid) > 2:
        raise UserError("--switching-grid: give at most two behavioural inputs (each re-runs)")
    return dict(parse_grid(text) for text in args.switching_grid)


def appraise_command(args: argparse.Namespace) -> int:
    """Compare (or load), appraise, print, save; the exit status."""
    grid = _grid(args)
    if args.from_dir is not None:
        if args.scenarios:
            raise UserError("give scenario files or --from RESULTS_DIR, not both")
        comparison = ComparisonResults.load(args.from_dir)
        out = Path(args.out) if args.out is not None else Path(args.from_dir)
        if args.out is not None:
            comparison.save(out)
        scenarios = [
            validate_data(r.scenario, f"scenario {label!r} in {args.from_dir}")
            for label, r in comparison.results.items()
        ]
        labels = list(comparison.results)
    else:
        if len(args.scenarios) < 2:
            raise UserError("staffsim appraise needs a base and at least one option (or --from)")
        scenarios = [options.load(path, args) for path in args.scenarios]
        labels = unique_labels(scenarios, [Path(p).stem for p in args.scenarios])
        out = Path(args.out) if args.out is not None else options.RUNS_DIR / f"{labels[0]}-appraise"
        with console.progress(args, "appraise") as progress:
            try:
                rule = (
                    None
                    if args.precision is None
                    else PrecisionRule(args.precision, args.max_replications)
                )
                comparison = compare_scenarios(
                    scenarios[0],
                    scenarios[1:],
                    options.run_options(args, out, progress),
                    labels=labels,
                    precision=rule,
                )
            except KeyboardInterrupt:
                partials = [out / folder_name(label) / PARTIAL_DIR for label in labels]
                return options.interrupted(partials)
    failed = sum(len(r.failures) for r in comparison.results.values())
    if failed:
        print(
            f"{failed} replication(s) failed; complete the comparison with --resume before "
            "appraising it",
            file=sys.stderr,
        )
        return 1
    result = appraise_comparison(comparison, optimism_bias_pct=args.optimism_bias)
    if grid:
        with console.progress(args, "switching grid") as progress:
            try:
                rerun = options.run_options(args, None, progress).replace(
                    replications=int(comparison.manifest["replications"]),
                    seed=int(comparison.manifest["seed"]),
                    resume=False,
                    overwrite=False,
                )
                result = behavioural_switching(
                    result,
                    scenarios[0],
                    scenarios[1:],
                    grid,
                    rerun,
                    labels=labels,
                    optimism_bias_pct=args.optimism_bias,
                )
            except KeyboardInterrupt:
                print(
                    f"staffsim: interrupted during the behavioural re-runs; the comparison is "
                    f"saved in {out}: appraise it with --from {out}",
                    file=sys.stderr,
                )
                return 130
    result.save(out)
    if not args.quiet:
        print(appraisal_text(result))
        console.say(
            f"Saved to {out}: appraisal.csv, appraisal_cashflows.csv, switching_values.csv, "
            "switching_grid.csv, appraisal_outcomes.csv, appraisal_replications.csv, "
            "appraisal_components.csv, appraisal_cumulative.csv, costs_by_year.csv, "
            "appraisal.json, and the comparison's files"
        )
    write_xlsx(out, args.xlsx, args.quiet)
    return 0


def _money(value: float | None) -> str:
    """Whole pounds with thousands separators; ``-`` for none."""
    if value is None or math.isnan(value):
        return "-"
    return f"{value:,.0f}"


def _wrapped(text: str, width: int, indent: str = "  ") -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + "  ")


def appraisal_text(appraisal: Appraisal, width: int | None = None) -> str:
    """Each option's appraisal as a few lines and a switching-value table, within ``width``
    columns (default the page, at most 100)."""
    limit = width or console.page_width()
    blocks = []
    for row in appraisal.table.itertuples(index=False):
        paid = f"{row.payback_share:.0%} of replications pay back within the horizon" + (
            f"; median year {row.payback_median_financial_year} "
            f"(year {row.payback_median_year_index:g})"
            if row.payback_share > 0
            else ""
        )
        lines = [f"{row.option} against {row.base} ({row.replications} paired replications)"]
        for text in (
            f"Financial years {row.first_financial_year} to {row.last_financial_year}, real "
            f"{row.price_base_year} prices, Green Book STPR 3.5% (3% after year 30), optimism "
            f"bias {row.optimism_bias_pct:g}% on the policies' own costs",
            f"NPV of option - base: GBP {_money(row.npv_mean_gbp)} "
            f"[95% CI {_money(row.npv_ci_low_gbp)} to {_money(row.npv_ci_high_gbp)}] "
            "(> 0: costs more)",
            f"Payback: {paid}",
            f"Vacancy rate points avoided: {row.vacancy_rate_points_avoided:.2f}; NPV per "
            f"point: GBP {_money(row.cost_per_vacancy_point_avoided_gbp)}",
            f"Social worker changes avoided (discounted): {row.sw_changes_avoided_pv:,.0f}; "
            "NPV per child kept with theirs: "
            f"GBP {_money(row.cost_per_child_keeping_social_worker_gbp)}",
        ):
            lines += _wrapped(text, limit)
        sw = appraisal.switching[appraisal.switching["option"] == row.option]
        columns = {
            "switching value of": [str(t) for t in sw["input"]],
            "now": [console.format_number(float(v)) for v in sw["base_value"]],
            "NPV = 0 at": [console.format_number(float(v)) for v in sw["switching_value"]],
            "change": [
                "-" if math.isnan(v) else f"{v:+.0f}%" for v in sw["change_pct"].astype(float)
            ],
        }
        table = console.table_text(columns, ["switching value of"], left=["unit"], width=limit - 2)
        lines += ["  " + line for line in table.split("\n")]
        if sw["switching_value"].isna().any():
            lines += _wrapped(
                "(-: no real value of the input changes the NPV's sign; notes in "
                "switching_values.csv)",
                limit,
            )
        outcomes = appraisal.outcomes[appraisal.outcomes["option"] == row.option]
        if not outcomes.empty:
            text = "Not monetised (option - base, mean over years, 95% CI): " + "; ".join(
                f"{m} {console.format_cell(float(d), float(lo), float(hi))}"
                for m, d, lo, hi in zip(
                    outcomes["metric"],
                    outcomes["diff"],
                    outcomes["ci_low"],
                    outcomes["ci_high"],
                    strict=True,
                )
            )
            lines += _wrapped(text, limit)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)

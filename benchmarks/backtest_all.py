"""How long ``staffsim backtest --all --from 2021 --years 3`` takes, and how well it forecasts.

Runs the command (every council with enough data, or ``--sample N`` of them stratified by
region) as a user would, in a fresh interpreter on ``--jobs`` cores, then reads what it
wrote and prints:

* the wall time, the councils run, the mean seconds per council and how that time splits
  between the fits (calibration searches) and the forecasts, and the evaluations a fit
  took on average: what dominates;
* the calibration verdicts (fit, unfit, not run);
* per metric, the share of published values inside the 90% prediction intervals (with a
  95% interval on that share) and the mean absolute error of the model against the naive
  forecast's (the last published value), overall and by years ahead.

The target is under an hour on 2 cores. Run:
``python benchmarks/backtest_all.py [--sample N] [--from 2021] [--years 3] [--jobs 2]
[--out DIR] [--resume]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

TARGET_MINUTES = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=None)
    parser.add_argument("--from", dest="from_year", type=int, default=2021)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--resume", action="store_true", help="keep councils already run")
    args = parser.parse_args()
    label = "all" if args.sample is None else f"sample{args.sample}"
    out = args.out or Path("runs") / f"backtest_{label}_{args.from_year}"
    command = [
        sys.executable, "-m", "staffsim", "backtest", "--all",
        "--from", str(args.from_year), "--years", str(args.years),
        "--jobs", str(args.jobs), "--out", str(out),
        "--resume" if args.resume else "--overwrite",
    ]  # fmt: skip
    if args.sample is not None:
        command += ["--sample", str(args.sample)]
    started = time.perf_counter()
    subprocess.run(command, check=True)
    wall = time.perf_counter() - started

    councils = pd.read_csv(out / "councils.csv")
    ran = councils[councils.verdict != "not run"]
    scores = pd.read_csv(out / "scores.csv")
    by_horizon = pd.read_csv(out / "scores_by_horizon.csv")
    fit = ran.fit_seconds.sum()
    total = ran.seconds.sum()
    print()
    print(f"command: {' '.join(command[1:])}")
    print(
        f"wall time {wall / 60:.1f} min on {args.jobs} cores for {len(ran)} councils "
        f"({len(councils) - len(ran)} not run): {total / max(len(ran), 1):.1f} s a council; "
        f"fits {100 * fit / total:.0f}% of it ({ran.evaluations.mean():.1f} evaluations a fit "
        f"on average), forecasts {100 * (total - fit) / total:.0f}%"
    )
    if args.resume:
        print("(resumed: councils kept from before count in the table, not in the wall time)")
    met = "MET" if wall / 60 < TARGET_MINUTES else "MISSED"
    print(f"target under {TARGET_MINUTES:.0f} min: {met}")
    print("verdicts:", ", ".join(f"{n} {v}" for v, n in councils.verdict.value_counts().items()))
    print()
    shown = ["metric", "n", "councils", "coverage", "coverage_low", "coverage_high"]
    shown += ["mae_model", "mae_naive", "skill", "model_better_share"]
    with pd.option_context("display.width", 120, "display.precision", 3):
        print(scores[shown].to_string(index=False))
        print()
        print(by_horizon[["metric", "horizon", *shown[1:]]].to_string(index=False))


if __name__ == "__main__":
    main()

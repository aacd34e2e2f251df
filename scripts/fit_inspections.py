"""Fit ``inspection.judgement_sd`` and ``inspection.intervention_quality_gain`` to Ofsted's
record of what follows each judgement.

Runs a stated sample of England's councils (each from its own 2021 state, through
``staffsim init``) at every point of a grid of the two parameters, on common random numbers,
and prints each point's simulated better / same / worse shares by starting judgement and its
log-likelihood of the published counts; the best point is the fit. The method is in
:mod:`tools.calibration.inspections`. With ``--check`` it exits 1 if the schema's defaults
differ from the fit.

    python scripts/fit_inspections.py [--councils 60] [--replications 2] [--jobs 2] [--check]
"""

from __future__ import annotations

import argparse
import sys
import time

from staffsim.scenario.spiral import RATINGS, Inspection
from tools.calibration.inspections import CHANGES, GridPoint, fit_inspections
from tools.population import council_codes, england_councils, sample_codes

JUDGEMENT_SDS = (0.04, 0.08, 0.12)
INTERVENTION_GAINS = (0.0, 0.08, 0.16)


def _shares(point: GridPoint) -> str:
    cells = []
    for rating in RATINGS:
        row = point.simulated.loc[rating]
        n = int(row[list(CHANGES)].sum())
        shares = "/".join(f"{100 * row[c] / n:.0f}" if n else "-" for c in CHANGES)
        cells.append(f"{rating[:4]} {shares} ({n})")
    return "  ".join(cells)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=60)
    parser.add_argument("--replications", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    councils, skipped = england_councils(sample_codes(council_codes(), args.councils))
    print(
        f"{len(councils)} councils (every k-th of the 2021 returns), {len(skipped)} skipped; "
        f"{args.replications} replications each, census days 2022-2025"
    )
    print("shares better/same/worse (%) by starting judgement, pairs in brackets\n")

    def report(point: GridPoint) -> None:
        print(
            f"sd {point.judgement_sd:.2f} gain {point.intervention_quality_gain:.2f}: "
            f"log-likelihood {point.log_likelihood:8.2f}  {_shares(point)}",
            flush=True,
        )

    fit = fit_inspections(
        councils, JUDGEMENT_SDS, INTERVENTION_GAINS, args.replications, args.jobs, report
    )
    published = fit.published
    text = "  ".join(
        f"{r[:4]} " + "/".join(str(int(published.loc[r, c])) for c in CHANGES) for r in RATINGS
    )
    print(f"\npublished counts better/same/worse: {text}")
    best = fit.best
    print(
        f"fit: inspection.judgement_sd {best.judgement_sd}, "
        f"inspection.intervention_quality_gain {best.intervention_quality_gain} "
        f"({time.perf_counter() - started:.0f} s)"
    )
    defaults = Inspection()
    same = (defaults.judgement_sd, defaults.intervention_quality_gain) == (
        best.judgement_sd,
        best.intervention_quality_gain,
    )
    if not same:
        print(
            f"the schema's defaults are {defaults.judgement_sd} and "
            f"{defaults.intervention_quality_gain}: update them to the fit"
        )
        if args.check:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

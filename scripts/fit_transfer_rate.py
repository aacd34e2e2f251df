"""Fit ``pathways.transfer_rate_per_year`` to DfE's national continuity figure.

Runs ``scenarios/england_2025.yaml`` at a bisection of transfer rates (common random
numbers) and prints each step and the rate at which its children looked after on 31 March
have DfE's share with three or more social workers in the year (27%, England, year to
31 March 2024). The method is in :mod:`tools.calibration.transfers`. With ``--check`` it
exits 1 if the schema's default differs from the fit.

    python scripts/fit_transfer_rate.py [--replications N] [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from staffsim.scenario.loader import load_scenario
from staffsim.scenario.schema import Pathways
from tools.calibration.transfers import fit_transfer_rate, published_cla_3plus_pct

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=24)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    scenario = load_scenario(ROOT / "scenarios" / "england_2025.yaml")
    target = published_cla_3plus_pct(2024)
    print(f"DfE, England, year to 31 March 2024: {target:.2f}% of children looked after had 3+")
    print(f"social workers; fitting {scenario.name} with {args.replications} replications\n")
    fit = fit_transfer_rate(scenario, target, replications=args.replications)
    print(f"{'transfers a year':>16}  {'simulated %':>11}")
    for rate, share in fit.steps:
        print(f"{rate:16.4f}  {share:11.2f}")
    print(f"\nfitted pathways.transfer_rate_per_year: {fit.rate_per_year:.2f}")
    print(f"simulated share at the fitted rate: {fit.simulated_pct:.2f}% (target {target:.2f}%)")
    default = Pathways.model_fields["transfer_rate_per_year"].default
    if default != fit.rate_per_year:
        print(f"the schema's default is {default}: update it to the fit")
        if args.check:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Fit the reputation effects to the DfE 2022-2025 council rates grouped by Ofsted judgement.

Prints the published group rates, the quantities derived from them and the fitted curve
points (the method is in :mod:`tools.calibration.reputation`). With ``--check`` it exits
1 if the scenario defaults differ from the fit.

    python scripts/calibrate_reputation.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

from staffsim.scenario.loader import load_scenario
from staffsim.scenario.schema import Effects
from tools.calibration.reputation import fit_reputation_effects

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    fit = fit_reputation_effects(load_scenario(ROOT / "scenarios" / "england_2025.yaml"))
    print("Published means over council-year rows, 2022-2025, by latest Ofsted judgement")
    print(
        f"{'judgement':22} {'n':>4} {'turnover':>9} {'vacancy':>8} {'cover':>6} "
        f"{'fill days':>9} {'agency q':>8}"
    )
    for key, g in fit.groups.items():
        print(
            f"{key:22} {g.n:4d} {100 * g.turnover:8.1f}% {100 * g.vacancy:7.1f}% "
            f"{100 * g.vacancy_cover:5.1f}% {fit.time_to_fill_days[key]:9.0f} "
            f"{fit.availability[key]:8.3f}"
        )
    print("\nFitted points (reputation, multiplier):")
    defaults = Effects()
    mismatch = False
    for name, points in fit.points.items():
        current = tuple(tuple(p) for p in getattr(defaults, name).points)
        same = current == points
        mismatch |= not same
        note = "" if same else f"   (schema default differs: {current})"
        print(f"  {name}: {points}{note}")
    if "--check" in argv and mismatch:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Simulated councils grouped by Ofsted judgement, beside the published 2022-2025 pattern.

Runs a population of councils built from ``scenarios/england_2025.yaml`` with independently
drawn starting states (see :mod:`tools.population`), groups each 30 September
2022-2025 row by the council's latest judgement in the model, and prints mean agency and
vacancy rates with standard errors beside the published means of council-year rows.

    python benchmarks/rating_population.py [--councils 60] [--jobs 2] [--seed 1]

It reports whether the simulated means rank outstanding < good < requires improvement <
inadequate, as the published ones do.
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

from staffsim.data import published_rates_by_rating
from staffsim.scenario.loader import load_scenario
from tools.population import group_by_rating, simulate_population

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    base = load_scenario(ROOT / "scenarios" / "england_2025.yaml")
    started = time.perf_counter()
    table = simulate_population(base, n_councils=args.councils, seed=args.seed, jobs=args.jobs)
    wall = time.perf_counter() - started
    simulated = group_by_rating(table)
    published = published_rates_by_rating()
    print(
        f"{args.councils} simulated councils, census years 2022-2025, {len(table)} council-year "
        f"rows, {wall:.0f} s\n"
    )
    header = (
        f"{'judgement':22} {'rate':8} {'simulated mean (se)':>20} {'n':>4}   "
        f"{'published mean (se)':>20} {'n':>4}"
    )
    print(header)
    print("-" * len(header))
    ordered = True
    for rate, label in (("agency_rate_fte", "agency"), ("vacancy_rate_fte", "vacancy")):
        means = []
        for rating in simulated.index:
            sim_mean = simulated.loc[rating, f"{rate}_mean"]
            sim_se = simulated.loc[rating, f"{rate}_se"]
            sim_n = int(simulated.loc[rating, f"{rate}_n"])
            pub = published.loc[rating.replace("_", " ")]
            means.append(sim_mean)
            pub_n = int(pub[f"{rate}_n"])
            print(
                f"{rating:22} {label:8} {sim_mean:12.1f}% ({sim_se:4.1f}) {sim_n:4d}   "
                f"{pub[f'{rate}_mean']:12.1f}% ({pub[f'{rate}_se']:4.1f}) {pub_n:4d}"
            )
        ranked = all(a < b for a, b in itertools.pairwise(means))
        ordered &= ranked
        print(f"{'':22} {label:8} ranked outstanding < good < RI < inadequate: {ranked}\n")
    print("RESULT:", "same order as published" if ordered else "order differs from published")


if __name__ == "__main__":
    main()

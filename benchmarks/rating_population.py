"""England's councils simulated from their own 2021 state, beside the published 2022-2025 record.

Every council with a DfE workforce return for the year to 30 September 2021 is run from the
scenario ``staffsim init --la CODE --year 2022`` writes (its published 2021 row, and the
Ofsted ILACS judgement in force on 1 October 2021 with its date; see
:mod:`tools.population`) for four census years, 2022-2025, with several replications each.
The census rows and every judgement the model makes are compared with the published record:

(a) the judgement mix over the 2022-2025 council-years
    (:func:`staffsim.data.judgements.judgement_mix`; the record ends on 31 March 2025, so its
    2025 judgements are those in force then);
(b) for each starting judgement, the share judged better, the same or worse at the next
    inspection (:func:`staffsim.data.judgements.improvement_shares`), and the pairs that
    start from inadequate;
(c) agency, vacancy and turnover rates (percent) by judgement, means over council-year rows
    with standard errors (:func:`staffsim.data.published_rates_by_rating`), whether agency
    and vacancy rank outstanding < good < requires improvement < inadequate, and each
    judgement's turnover gap from the mean of all rated rows;
(d) the cross-council slope of the share of children looked after with three or more social
    workers on turnover (simulated: council means of the 2023-2025 rows; published: councils
    in 2024, as ``benchmarks/continuity_by_turnover.py`` computes it);
(e) each council's simulated 2022-2025 mean vacancy, agency and turnover rates against its
    own published rows: mean absolute error and correlation across councils;
(f) the wall time on the jobs used.

Errors are simulated minus published (percentage points for shares and rates). Judgements
assumed for councils with none on record (the init's stated rule) are left out of (a)-(c)
until the model's first inspection replaces them, as the published tables leave out
councils with no ILACS judgement. ``--out`` receives ``population.csv``,
``transitions.csv`` and ``councils.csv`` (see :func:`tools.population.write_outputs`).

    python benchmarks/rating_population.py [--out runs/population] [--replications 5]
        [--jobs 2] [--councils N]

``--councils N`` runs a stated sample for quick looks: every k-th council in code order
(:func:`tools.population.sample_codes`), so the sample spans the country.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from staffsim.data import published_rates_by_rating
from staffsim.data.judgements import improvement_shares, inspection_intervals, judgement_mix
from staffsim.scenario.spiral import RATINGS
from tools.population import (
    FIRST_YEAR,
    continuity_slope,
    council_codes,
    council_comparison,
    england_councils,
    group_by_rating,
    improvement_shares_of,
    judgement_mix_of,
    line,
    published_continuity,
    published_turnover_by_rating,
    rated_rows,
    sample_codes,
    simulate_population,
    transitions,
    write_outputs,
)

CENSUS_YEARS = range(2022, 2026)
HORIZON_YEARS = 4
"""1 October 2021 to 1 October 2025: the census days 2022-2025."""
LABEL = {
    "outstanding": "outstanding",
    "good": "good",
    "requires_improvement": "requires improvement",
    "inadequate": "inadequate",
}


def _published(rating: str) -> str:
    return LABEL[rating]


def _mix(result_population: pd.DataFrame) -> None:
    simulated = judgement_mix_of(result_population)
    published = judgement_mix(CENSUS_YEARS)
    pub_counts = published[list(RATINGS)].sum()
    pub_rated = int(published.rated.sum())
    print("(a) judgement mix, census days 2022-2025 pooled (share of rated council-years)")
    print(f"{'judgement':22} {'simulated':>10} {'rows':>6}   {'published':>10} {'rows':>5}  error")
    for rating in RATINGS:
        sim, pub = simulated.loc[rating, "share"], pub_counts[rating] / pub_rated
        print(
            f"{LABEL[rating]:22} {sim:10.1%} {int(simulated.loc[rating, 'rows']):6d}   "
            f"{pub:10.1%} {int(pub_counts[rating]):5d}  {100 * (sim - pub):+5.1f} pp"
        )
    no_sim = simulated.attrs["no_judgement"]
    sim_rows = int(simulated.rows.sum()) + no_sim
    print(
        f"{'no judgement yet':22} {no_sim / sim_rows:10.1%} {no_sim:6d}   "
        f"{published.no_judgement.sum() / published.councils.sum():10.1%} "
        f"{int(published.no_judgement.sum()):5d}  (share of all council-years)"
    )
    by_year = result_population.assign(inadequate=result_population.ofsted_rating.eq("inadequate"))
    years = " ".join(
        f"{year} {rated_rows(rows).inadequate.mean():.1%}/"
        f"{published.loc[year, 'inadequate_share']:.1%}"
        for year, rows in by_year.groupby("time_period")
        if year in published.index
    )
    print(f"inadequate share by year, simulated/published: {years}\n")


def _transitions(judgements: pd.DataFrame, replications: int) -> None:
    simulated = improvement_shares_of(judgements)
    published = improvement_shares()
    intervals = inspection_intervals()
    print("(b) next judgement by starting judgement (share better / same / worse)")
    print(
        f"{'from':22} {'pairs':>6} {'simulated':>20} {'years':>5}   {'pairs':>5} "
        f"{'published':>20} {'years':>5}   error (better, same, worse; pp)"
    )
    for rating in RATINGS:
        sim, pub = simulated.loc[rating], published.loc[_published(rating)]
        shares = ("better_share", "same_share", "worse_share")
        sim_text = " ".join(f"{sim[s]:6.1%}" for s in shares)
        pub_text = " ".join(f"{pub[s]:6.1%}" for s in shares)
        error = ", ".join(f"{100 * (sim[s] - pub[s]):+5.1f}" for s in shares)
        print(
            f"{LABEL[rating]:22} {int(sim.next_judgements):6d} {sim_text:>20} "
            f"{sim.mean_interval_years:5.2f}   {int(pub.next_judgements):5d} {pub_text:>20} "
            f"{intervals.loc[_published(rating), 'mean_years']:5.2f}   {error}"
        )
    from_inadequate = int(simulated.loc["inadequate", "next_judgements"])
    print(
        f"pairs starting from inadequate: {from_inadequate} simulated over {replications} "
        f"replications ({from_inadequate / replications:.1f} a replication), "
        f"{int(published.loc['inadequate', 'next_judgements'])} published; judged better "
        f"{simulated.loc['inadequate', 'better_share']:.1%} simulated, "
        f"{published.loc['inadequate', 'better_share']:.1%} published"
    )
    first = int(judgements.follows_assumed.sum())
    print(
        f"({first} first judgements of councils with none on record follow nothing and are "
        "left out; 'years' is the mean interval to the next judgement, published "
        "intervals from re-inspected judgements only)\n"
    )


def _rates(population: pd.DataFrame) -> None:
    rated = rated_rows(population)
    simulated = group_by_rating(rated, ("agency_rate_fte", "vacancy_rate_fte", "turnover_rate_fte"))
    published = published_rates_by_rating(CENSUS_YEARS)
    turnover = published_turnover_by_rating(CENSUS_YEARS)
    print("(c) rates by judgement, percent: mean (standard error) n over council-year rows")
    header = (
        f"{'judgement':22} {'rate':8} {'simulated':>15} {'n':>5}   {'published':>15} "
        f"{'n':>4}  error"
    )
    print(header)
    print("-" * len(header))
    verdicts = {}
    for rate, label in (("agency_rate_fte", "agency"), ("vacancy_rate_fte", "vacancy")):
        means = []
        for rating in RATINGS:
            sim = simulated.loc[rating]
            pub = published.loc[_published(rating)]
            mean, se, n = (sim[f"{rate}_{s}"] for s in ("mean", "se", "n"))
            p_mean, p_se, p_n = (pub[f"{rate}_{s}"] for s in ("mean", "se", "n"))
            means.append(mean)
            print(
                f"{LABEL[rating]:22} {label:8} {mean:7.1f} ({se:4.1f}) {int(n):5d}   "
                f"{p_mean:7.1f} ({p_se:4.1f}) {int(p_n):4d}  {mean - p_mean:+5.1f}"
            )
        ranked = all(a < b for a, b in itertools.pairwise(means))
        verdicts[label] = ranked
        print(f"{'':22} {label:8} ranked outstanding < good < RI < inadequate: {ranked}")
    sim_mean = float(rated.turnover_rate_fte.mean())
    pub_mean = float(turnover.attrs["mean"])
    print(
        f"turnover: mean of all rated rows {sim_mean:.1f} simulated, {pub_mean:.1f} published; "
        "each judgement's mean and gap from it"
    )
    for rating in RATINGS:
        sim, pub = simulated.loc[rating], turnover.loc[rating]
        sim_gap = sim.turnover_rate_fte_mean - sim_mean
        pub_gap = pub.turnover_rate_fte_mean - pub_mean
        print(
            f"{LABEL[rating]:22} {'turnover':8} {sim.turnover_rate_fte_mean:7.1f} "
            f"({sim.turnover_rate_fte_se:4.1f}) {int(sim.turnover_rate_fte_n):5d}   "
            f"{pub.turnover_rate_fte_mean:7.1f} ({pub.turnover_rate_fte_se:4.1f}) "
            f"{int(pub.turnover_rate_fte_n):4d}  gap {sim_gap:+5.1f} simulated, "
            f"{pub_gap:+5.1f} published, error {sim_gap - pub_gap:+5.1f}"
        )
    same = all(verdicts.values())
    print(
        "RESULT (c):",
        "agency and vacancy in the published order" if same else "order differs from published",
        "\n",
    )


def _slope(population: pd.DataFrame) -> None:
    (s_slope, s_int, s_lo, s_hi), n_sim = continuity_slope(population, range(2023, 2026))
    x_pub, y_pub = published_continuity()
    slope, intercept, lo, hi = line(x_pub, y_pub)
    print("(d) share of children looked after with 3+ social workers (%) on turnover (%)")
    print(
        f"simulated, council means of the 2023-2025 rows ({n_sim} councils): "
        f"{s_int:.1f} + {s_slope:.2f} x turnover (95% CI {s_lo:.2f} to {s_hi:.2f})"
    )
    print(
        f"published, councils in 2024 ({len(x_pub)}): {intercept:.1f} + {slope:.2f} x turnover "
        f"(95% CI {lo:.2f} to {hi:.2f}); slope error {s_slope - slope:+.2f}, simulated "
        f"{'inside' if lo <= s_slope <= hi else 'outside'} the published interval\n"
    )


def _councils(table: pd.DataFrame) -> None:
    print("(e) each council's 2022-2025 mean against its own published rows (percent)")
    print(f"{'metric':18} {'councils':>8} {'MAE':>6} {'bias':>6} {'r':>6}")
    for metric, rows in table.groupby("metric", sort=False):
        diff = rows.simulated_mean - rows.published_mean
        r = np.corrcoef(rows.simulated_mean, rows.published_mean)[0, 1] if len(rows) > 2 else np.nan
        print(f"{metric:18} {len(rows):8d} {diff.abs().mean():6.2f} {diff.mean():+6.2f} {r:6.2f}")
    print("(bias: mean of simulated - published; r: correlation across councils)\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/population"))
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--councils", type=int, default=None, help="every k-th council only")
    args = parser.parse_args(argv)

    codes = council_codes(FIRST_YEAR)
    chosen = sample_codes(codes, args.councils)
    councils, skipped = england_councils(chosen, FIRST_YEAR, horizon_years=HORIZON_YEARS)
    total = len(councils) * args.replications
    step = max(total // 10, 1)

    def progress(done: int, of: int) -> None:
        if done % step == 0 or done == of:
            print(f"  {done}/{of} runs", file=sys.stderr, flush=True)

    started = time.perf_counter()
    result = simulate_population(
        councils, args.replications, jobs=args.jobs, progress=progress, skipped=skipped
    )
    wall = time.perf_counter() - started
    paths = write_outputs(result, args.out)
    population = result.population

    sample = "" if args.councils is None else f" (every k-th in code order: {len(chosen)})"
    print(
        f"{len(codes)} councils with a DfE return for 2021{sample}; {len(councils)} built, "
        f"{len(skipped)} skipped; {args.replications} replications each, census days "
        f"2022-2025: {len(population)} council-year rows"
    )
    for code, reason in skipped.items():
        print(f"  skipped {code}: {reason}")
    missing = result.without_record
    print(
        f"{len(missing)} councils had no ILACS judgement on record on or before 1 October 2021 "
        "and start 'good' with no date (the init's stated rule; the model inspects them half "
        "a good interval after the start): " + ", ".join(c.la_code for c in missing) + "\n"
    )
    _mix(population)
    _transitions(result.judgements, args.replications)
    _rates(population)
    _slope(population)
    _councils(council_comparison(result, CENSUS_YEARS))
    print(
        f"(f) {total} runs ({len(councils)} councils x {args.replications} replications) on "
        f"{args.jobs} jobs: {wall:.0f} s wall, {wall * args.jobs / max(total, 1):.2f} s a run"
    )
    pairs = transitions(result.judgements)
    print(
        f"wrote {', '.join(str(p) for p in paths.values())} "
        f"({len(pairs)} transition pairs, {int(pairs.inspections.sum())} judgements)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A simulated population of councils, grouped by Ofsted judgement as the published data are.

Each council starts from the base scenario with its own starting state drawn independently:
vacancy share, agency cover of vacancies, demand relative to establishment, admin share,
culture, reputation, the quality of practice its leadership delivers, the latest judgement
(from the published mix) and when that inspection happened. None of these is tied to the
judgement, so any pattern by judgement at the later census days comes from the model's own
dynamics: its inspections judge the practice its workforce delivers, and the judgements
feed back through reputation.

Each council runs for ``burn_in_years`` before the census years that are grouped, so that
most have been inspected by the model at least once; then each 30 September row is grouped
by the council's latest judgement, exactly as :func:`staffsim.data.latest_rating_by_census`
groups the published rows, and averaged over council-year rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from staffsim.experiment.backends import TaskError, open_backend
from staffsim.experiment.options import RunOptions
from staffsim.model.run import run_one
from staffsim.scenario.paths import set_path
from staffsim.scenario.schema import Scenario
from staffsim.scenario.spiral import RATINGS, Rating

__all__ = ["RANGES", "council_scenarios", "group_by_rating", "simulate_population"]

RANGES: dict[str, tuple[float, float]] = {
    "vacancy_share": (0.02, 0.40),
    "agency_cover_share": (0.4, 0.95),
    "demand_multiplier": (0.8, 1.3),
    "admin_share": (0.25, 0.45),
    "just_culture": (0.0, 0.8),
    "reputation": (0.25, 0.75),
    "base_quality": (0.68, 0.88),
}
"""Uniform ranges of each council's starting state (assumptions spanning English councils:
DfE 2017-2025 council vacancy rates run from near 0 to over 40%). ``base_quality`` is the
quality of practice a council's leadership and practice model deliver when its workforce
is at the reference; councils differ in it as Ofsted's judgements of leaders differ."""

PUBLISHED_MIX_2019: dict[Rating, float] = {
    "outstanding": 0.10,
    "good": 0.40,
    "requires_improvement": 0.35,
    "inadequate": 0.15,
}
"""Approximate mix of latest ILACS judgements in 2019, for the starting judgements."""


def council_scenarios(
    base: Scenario, n_councils: int, seed: int, start: dt.date, years: int
) -> list[Scenario]:
    """``n_councils`` variants of ``base`` with independently drawn starting states."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2025]))
    data0 = base.model_dump(mode="json", exclude={"policies"})
    posts = base.establishment.case_holding_posts
    ratings: list[Rating] = list(PUBLISHED_MIX_2019)
    weights = list(PUBLISHED_MIX_2019.values())
    out = []
    for i in range(n_councils):
        draw = {k: rng.uniform(*v) for k, v in RANGES.items()}
        rating = ratings[rng.choice(len(ratings), p=weights)]
        interval = base.inspection.interval_days[rating]
        last = start - dt.timedelta(days=int(rng.uniform(0, interval)))
        vacant = round(draw["vacancy_share"] * posts)
        values = {
            "name": f"council_{i:03d}",
            "seed": int(rng.integers(0, 2**31)),
            "start_date": start.isoformat(),
            "horizon_years": years,
            "initial.vacant_case_holding_posts": vacant,
            "initial.agency_covering_vacancies": round(draw["agency_cover_share"] * vacant),
            "initial.open_cases": None,
            "demand.arrivals_per_day": base.demand.arrivals_per_day * draw["demand_multiplier"],
            "capacity.admin_share": draw["admin_share"],
            "culture.just_culture": draw["just_culture"],
            "reputation.initial": draw["reputation"],
            "quality.base_index": draw["base_quality"],
            "inspection.current_rating": rating,
            "inspection.last_inspection_date": last.isoformat(),
        }
        data = data0
        for path, value in values.items():
            data = set_path(data, path, value)
        data["initial"]["vacant_non_case_holding_posts"] = min(
            data["initial"]["vacant_non_case_holding_posts"],
            data["establishment"]["non_case_holding_posts"],
        )
        out.append(Scenario.model_validate(data))
    return out


def _annual_rows(scenario: Scenario) -> list[dict[str, Any]]:
    record = run_one(scenario, 0)
    return [
        {
            "council": scenario.name,
            "time_period": row["time_period"],
            "rating": row["ofsted_rating"],
            "agency_rate_fte": row["agency_rate_fte"],
            "vacancy_rate_fte": row["vacancy_rate_fte"],
            "turnover_rate_fte": row["turnover_rate_fte"],
        }
        for row in record["annual"]
    ]


def simulate_population(
    base: Scenario,
    n_councils: int = 60,
    census_years: range = range(2022, 2026),
    burn_in_years: int = 3,
    seed: int = 1,
    jobs: int | None = 1,
    backend: str | None = "local",
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run the population; one row per council and census year in ``census_years``.

    The councils run on the project's backends (:func:`staffsim.experiment.backends.open_backend`:
    ``backend``, ``jobs``, ``scheduler`` as for ``staffsim run``); rows come out in council
    order, so the table is the same whichever backend ran them. Raises ``RuntimeError`` if a
    council's run failed outside the model (a worker died).
    """
    start = dt.date(census_years[0] - burn_in_years - 1, 10, 1)
    years = census_years[-1] - start.year
    scenarios = council_scenarios(base, n_councils, seed, start, years)
    by_council: dict[int, list[dict[str, Any]]] = {}
    with open_backend(RunOptions(jobs=jobs, backend=backend, scheduler=scheduler)) as pool:
        tasks = ((scenario,) for scenario in scenarios)
        for done, (index, result) in enumerate(pool.imap_unordered(_annual_rows, tasks), 1):
            if isinstance(result, TaskError):
                raise RuntimeError(f"council {scenarios[index].name} failed: {result.error}")
            by_council[index] = result
            if progress:
                progress(done, n_councils)
    rows = [row for index in sorted(by_council) for row in by_council[index]]
    table = pd.DataFrame(rows)
    return table[table.time_period.isin(list(census_years))].reset_index(drop=True)


def group_by_rating(table: pd.DataFrame) -> pd.DataFrame:
    """Mean, standard error and n of agency and vacancy rates by judgement, best first."""
    out = pd.DataFrame(index=pd.Index(list(RATINGS), name="rating"))
    for rate in ("agency_rate_fte", "vacancy_rate_fte"):
        grouped = table.groupby("rating")[rate]
        n = grouped.count().reindex(RATINGS).fillna(0).astype(int)
        out[f"{rate}_mean"] = grouped.mean().reindex(RATINGS)
        out[f"{rate}_se"] = (grouped.std(ddof=1) / np.sqrt(grouped.count())).reindex(RATINGS)
        out[f"{rate}_n"] = n
    return out

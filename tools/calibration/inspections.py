"""Fit the two inspection parameters nobody publishes to Ofsted's record of judgements.

What follows a judgement is on record (:func:`staffsim.data.judgements.improvement_shares`):
of the councils judged inadequate and inspected again, 13 of 15 were judged better; of
those judged good, a third better and a fifth worse; and so on. In the model, what follows
a judgement depends on how practice moves between inspections (the workforce's state, and
leadership under intervention after an inadequate judgement:
``inspection.intervention_quality_gain``) and on how exactly an inspection reads practice
(``inspection.judgement_sd``). Both are fitted here, together, by a grid search: for each
pair, England's councils (:mod:`tools.population`, each from its own published 2021 state)
are run on common random numbers, and the pair is scored by the log-likelihood of the
published better / same / worse counts for each starting judgement under the simulated
shares (each share smoothed by half a pair, so that a share the sample missed is not
impossible). The pair with the highest log-likelihood is the fit.

The judgement mix across councils, turnover by judgement and the continuity slope are not
fitted; ``benchmarks/rating_population.py`` reports them as checks.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from staffsim.data.judgements import improvement_shares
from staffsim.scenario.spiral import RATINGS
from tools.population import Council, improvement_shares_of, simulate_population

__all__ = ["CHANGES", "GridPoint", "InspectionFit", "fit_inspections", "log_likelihood"]

CHANGES = ("better", "same", "worse")
"""How a next judgement compares with the one before."""


def published_counts() -> pd.DataFrame:
    """Better / same / worse counts of the next judgement by starting judgement, from
    Ofsted's record, indexed by the scenario's spelling of the judgement."""
    table = improvement_shares()
    table.index = [str(r).replace(" ", "_") for r in table.index]
    return table.reindex(list(RATINGS))[list(CHANGES)].astype(int)


def log_likelihood(published: pd.DataFrame, simulated: pd.DataFrame) -> float:
    """Log-likelihood of the ``published`` counts under the ``simulated`` shares.

    For each starting judgement, the simulated counts plus a half in each of the three
    cells give the shares; the published counts are scored as a multinomial sample from
    them (the multinomial coefficient, the same for every grid point, is left out).
    """
    total = 0.0
    for rating in RATINGS:
        counts = [float(simulated.loc[rating, c]) + 0.5 for c in CHANGES]
        n = sum(counts)
        for change, count in zip(CHANGES, counts, strict=True):
            total += float(published.loc[rating, change]) * math.log(count / n)
    return total


@dataclass(frozen=True)
class GridPoint:
    """One grid point: the parameters, the simulated shares and the score."""

    judgement_sd: float
    intervention_quality_gain: float
    log_likelihood: float
    simulated: pd.DataFrame


@dataclass(frozen=True)
class InspectionFit:
    """The best grid point and every point tried."""

    best: GridPoint
    points: tuple[GridPoint, ...]
    published: pd.DataFrame


def with_inspection(councils: Sequence[Council], **values: float) -> list[Council]:
    """``councils`` with the given ``inspection`` fields set in each scenario."""
    out = []
    for council in councils:
        scenario = council.scenario
        inspection = scenario.inspection.model_copy(update=values)
        out.append(
            dataclasses.replace(
                council, scenario=scenario.model_copy(update={"inspection": inspection})
            )
        )
    return out


def fit_inspections(
    councils: Sequence[Council],
    judgement_sds: Sequence[float],
    intervention_gains: Sequence[float],
    replications: int = 2,
    jobs: int | None = 2,
    report: Callable[[GridPoint], None] | None = None,
) -> InspectionFit:
    """The grid point of highest log-likelihood of the published transitions."""
    published = published_counts()
    points = []
    for sd, gain in itertools.product(judgement_sds, intervention_gains):
        varied = with_inspection(councils, judgement_sd=sd, intervention_quality_gain=gain)
        result = simulate_population(varied, replications=replications, jobs=jobs)
        simulated = improvement_shares_of(result.judgements)
        point = GridPoint(sd, gain, log_likelihood(published, simulated), simulated)
        if report is not None:
            report(point)
        points.append(point)
    best = max(points, key=lambda p: p.log_likelihood)
    return InspectionFit(best, tuple(points), published)

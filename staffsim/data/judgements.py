"""The Ofsted ILACS judgement record as data: what follows a judgement, after how long, and
how many councils held each judgement on each census day.

Source: :func:`staffsim.data.ofsted_history`, every ILACS standard and short inspection
from January 2018 to March 2025 (Ofsted, "Local authority inspection outcomes as at 31 March
2025"). A judgement is the overall effectiveness grade, one of :data:`staffsim.data.RATINGS`
(best first: outstanding > good > requires improvement > inadequate). Inspections are dated
by the day the inspection began (``inspection_date``), as in
:func:`staffsim.data.latest_rating_by_census`. Intervals are in years of 365.25 days.

A council is the Ofsted ``la_code``. Ofsted files each council under one code (the current
one for Buckinghamshire, North Yorkshire and Somerset, the old one for Barnsley and
Sheffield), so no council's record is split across codes. A successor council's first
inspection does not follow its predecessor's (Bournemouth, Cumbria and Northamptonshire have
one inspection each and no successor inherits them), as in ``SOURCES.md``: a successor takes
no judgement from its predecessor.

The file holds ILACS inspections only: judgements under the earlier framework (SIF, to
2017) are not in it, so a council whose latest inspection was a SIF one has no judgement
here, and the first ILACS inspection of a council follows nothing.

These functions live here, not in ``staffsim.data`` itself, because they use
``staffsim.data`` and the project allows no import cycle (``tests/test_import_cycles.py``):
import them from ``staffsim.data.judgements``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from staffsim import data
from staffsim.units import DAYS_PER_YEAR

__all__ = [
    "DAYS_PER_YEAR",
    "END_OF_RECORD",
    "consecutive_judgements",
    "improvement_shares",
    "inspection_intervals",
    "judgement_mix",
    "judgement_transitions",
    "rating_key",
]

END_OF_RECORD = pd.Timestamp("2025-03-31")
"""The day the packaged Ofsted record runs to ("as at 31 March 2025")."""


def rating_key(rating: str) -> str:
    """A rating as a column-name fragment (``"requires improvement"`` becomes
    ``"requires_improvement"``)."""
    return rating.replace(" ", "_")


def _rank(ratings: pd.Series) -> pd.Series:
    """0 for outstanding ... 3 for inadequate (lower is better)."""
    order = {rating: i for i, rating in enumerate(data.RATINGS)}
    return ratings.map(order).astype(float)


def consecutive_judgements(*, history: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every ILACS judgement of a council with the council's next one, if any.

    One row per inspection in the record, sorted by ``la_code`` then ``inspection_date``:
    ``la_code``, ``la_name``, ``from_date`` and ``from_rating`` (this inspection),
    ``to_date`` and ``to_rating`` (the same council's next inspection; NaT / NaN when there
    was none by the end of the record, 31 March 2025: a censored row), ``interval_years``
    (``to_date - from_date`` in 365.25-day years, NaN if censored) and ``change``
    (``"better"``, ``"same"`` or ``"worse"``: the next judgement against this one; NaN if
    censored). Ratings are strings from :data:`staffsim.data.RATINGS`.

    ``history`` replaces the packaged table (in the shape :func:`staffsim.data.ofsted_history`
    returns).
    """
    table = data.ofsted_history() if history is None else history
    table = table.sort_values(["la_code", "inspection_date"], kind="mergesort")
    nxt = table.groupby("la_code", sort=False)[["inspection_date", "rating"]].shift(-1)
    out = pd.DataFrame(
        {
            "la_code": table.la_code,
            "la_name": table.la_name,
            "from_date": table.inspection_date,
            "from_rating": table.rating,
            "to_date": nxt.inspection_date,
            "to_rating": nxt.rating,
        }
    ).reset_index(drop=True)
    out["interval_years"] = (out.to_date - out.from_date).dt.days / DAYS_PER_YEAR
    step = _rank(out.to_rating) - _rank(out.from_rating)
    out["change"] = np.sign(step).map({-1.0: "better", 0.0: "same", 1.0: "worse"})
    return out


def judgement_transitions(*, history: pd.DataFrame | None = None) -> pd.DataFrame:
    """Counts of each judgement followed by each judgement at the council's next inspection.

    A transition is a pair of consecutive ILACS inspections of the same council (``la_code``)
    in inspection-date order, so a council with ``k`` inspections gives ``k - 1`` and the
    counts sum to the number of inspections less the number of councils inspected. One row
    per (``from_rating``, ``to_rating``) pair that occurs, in :data:`staffsim.data.RATINGS`
    order: ``inspections`` (number of such pairs) and ``mean_interval_years`` (mean time
    from the first inspection's start to the next one's, in 365.25-day years).

    For the share judged better next time by starting judgement, see
    :func:`improvement_shares`.
    """
    pairs = consecutive_judgements(history=history).dropna(subset=["to_rating"])
    pairs = pairs.assign(_f=_rank(pairs.from_rating), _t=_rank(pairs.to_rating))
    out = (
        pairs.groupby(["_f", "_t", "from_rating", "to_rating"])
        .agg(inspections=("interval_years", "size"), mean_interval_years=("interval_years", "mean"))
        .reset_index()
        .drop(columns=["_f", "_t"])
    )
    out["inspections"] = out.inspections.astype(int)
    return out


def improvement_shares(*, history: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per starting judgement, how the council's next ILACS judgement compared with it.

    Indexed by ``from_rating`` (all of :data:`staffsim.data.RATINGS`, best first):
    ``next_judgements`` (judgements followed by another inspection of the same council),
    ``better``, ``same``, ``worse`` (counts; better means a better grade, outstanding > good
    > requires improvement > inadequate), and ``better_share``, ``same_share``,
    ``worse_share`` (fractions of ``next_judgements``, summing to 1; NaN when it is 0).
    Judgements not yet followed by another inspection are left out (see
    :func:`inspection_intervals` for how many).
    """
    pairs = consecutive_judgements(history=history).dropna(subset=["to_rating"])
    counts = pd.crosstab(pairs.from_rating, pairs.change)
    changes = ["better", "same", "worse"]
    counts = counts.reindex(index=list(data.RATINGS), columns=changes, fill_value=0)
    counts.index.name = "from_rating"
    counts.columns.name = None
    out = counts.astype(int)
    out.insert(0, "next_judgements", out.sum(axis=1))
    for change in changes:
        out[f"{change}_share"] = out[change] / out.next_judgements.replace(0, np.nan)
    return out


def inspection_intervals(*, history: pd.DataFrame | None = None) -> pd.DataFrame:
    """Years from an ILACS inspection to the same council's next one, by the judgement given.

    Indexed by ``rating`` (all of :data:`staffsim.data.RATINGS`, best first): ``intervals``
    (judgements followed by another inspection by 31 March 2025), ``mean_years``,
    ``q1_years``, ``median_years``, ``q3_years`` (quartiles by linear interpolation, pandas'
    default) of those intervals, in 365.25-day years from start date to start date; and
    ``censored``, the judgements of that grade not followed by another inspection by the end
    of the record (31 March 2025; the three councils abolished since, Bournemouth, Cumbria
    and Northamptonshire, are among them).

    Censoring is ignored: the statistics are over the re-inspected judgements only. Judgements
    given late in the record, and those whose next inspection is far off, are missing from
    them, so the intervals are biased short, most for the grades with many censored
    judgements (good and outstanding councils wait longest). Compare ``censored`` with
    ``intervals`` to see how much is left out. Short and standard inspections are not told
    apart.
    """
    rows = consecutive_judgements(history=history)
    done = rows.dropna(subset=["to_rating"])
    years = done.groupby("from_rating").interval_years
    out = pd.DataFrame(
        {
            "intervals": years.size(),
            "mean_years": years.mean(),
            "q1_years": years.quantile(0.25),
            "median_years": years.median(),
            "q3_years": years.quantile(0.75),
            "censored": rows[rows.to_rating.isna()].groupby("from_rating").size(),
        }
    ).reindex(list(data.RATINGS))
    out.index.name = "rating"
    for column in ("intervals", "censored"):
        out[column] = out[column].fillna(0).astype(int)
    return out


def judgement_mix(
    years: Iterable[int],
    *,
    northamptonshire_joint_return: bool = False,
    history: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """How many councils held each ILACS judgement on each census day.

    The councils are those of :func:`staffsim.data.latest_rating_by_census`: the DfE
    local-authority workforce returns for the year (150 or 151 a year; the joint return of
    Kingston and Richmond counts once and takes the more recent of their two judgements),
    so the shares describe the population of the DfE tables. A return's judgement is that
    of the latest ILACS inspection begun strictly before the census day, 30 September of the
    year (:func:`staffsim.data.census_date`); an inspection begun on the census day counts
    from the next year.

    Indexed by ``year`` (reporting year, ascending): ``census_date``; ``councils`` (returns
    in the set); one count column per judgement (``outstanding``, ``good``,
    ``requires_improvement``, ``inadequate``, see :func:`rating_key`); ``no_judgement``
    (returns with no ILACS judgement before the census: councils last inspected under the
    earlier framework, successor councils before their first inspection, and, unless
    ``northamptonshire_joint_return=True``, the joint North and West Northamptonshire return
    from 2021, left unrated as in :func:`staffsim.data.latest_rating_by_census`); ``rated``
    (``councils - no_judgement``); and ``<judgement>_share``, each count over ``rated``
    (fractions summing to 1). Pool years by summing the counts.

    The record ends on 31 March 2025, so for the 2025 census day (30 September 2025) the
    judgements are those in force on 31 March 2025: inspections from April to September
    2025 are missing, as they are in :func:`staffsim.data.latest_rating_by_census`.
    """
    joined = data.latest_rating_by_census(
        years, northamptonshire_joint_return=northamptonshire_joint_return, history=history
    )
    rated = joined[joined.rating.notna()]
    counts = pd.crosstab(rated.time_period, rated.rating.astype(str))
    counts = counts.reindex(sorted(set(joined.time_period)), fill_value=0)
    counts = counts.reindex(columns=list(data.RATINGS), fill_value=0).astype(int)
    counts.columns = pd.Index([rating_key(r) for r in data.RATINGS])
    out = pd.DataFrame(index=pd.Index(counts.index, name="year"))
    out["census_date"] = pd.to_datetime([data.census_date(y) for y in out.index])
    out["councils"] = joined.groupby("time_period").size().astype(int)
    out = out.join(counts)
    out["rated"] = counts.sum(axis=1)
    out["no_judgement"] = out.councils - out.rated
    for column in counts.columns:
        out[f"{column}_share"] = out[column] / out.rated.replace(0, np.nan)
    return out

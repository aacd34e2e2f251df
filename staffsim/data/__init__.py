"""Published figures that the shipped scenarios are built from and checked against.

The package ships three official-statistics files, unchanged (provenance, licence and
definitions in ``SOURCES.md`` beside them):

* the DfE children's social work workforce indicators, 2017-2025 (one row per year per
  national, regional and local-authority level; stocks on 30 September, flows over the year
  to 30 September);
* the Ofsted ILACS inspection history, 2018-2025 (every standard and short inspection with
  its overall effectiveness judgement);
* the DfE table of children looked after on 31 March 2024 with three or more social workers
  in the year.

This module reads them into pandas tables, derives per-council averages of the national
figures, and joins each council's 30 September figures to its latest Ofsted judgement
before that date, which is the published evidence for the reputation effects. Rates are in
percent, as DfE publishes them. The model never imports this module: scenarios carry the
numbers, with their derivation in ``scripts/derive_england_2025.py``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from importlib import resources
from types import MappingProxyType

import numpy as np
import pandas as pd

__all__ = [
    "CROSSWALK",
    "INDICATORS_FILE",
    "MISSING_CODES",
    "NORTHAMPTONSHIRE_JOINT_RETURN",
    "OFSTED_FILE",
    "RATINGS",
    "STABILITY_FILE",
    "census_date",
    "cla_social_worker_stability",
    "council_average",
    "council_count",
    "data_path",
    "latest_rating_by_census",
    "national",
    "ofsted_history",
    "published_indicators",
    "published_rates_by_rating",
]

INDICATORS_FILE = "dfe_csww_indicators_2017_to_2025.csv"
"""DfE children's social work workforce, reporting year 2025 release, "1. Indicators"."""

OFSTED_FILE = "ofsted_ilacs_inspection_history_2018_2025.csv"
"""Ofsted local authority inspection outcomes as at 31 March 2025, ILACS inspection history."""

STABILITY_FILE = "dfe_cla_social_worker_stability.csv"
"""DfE children looked after on 31 March 2024 with three or more social workers in the year."""

MISSING_CODES = ("u", "c", "x", "z", "low")
"""Cell codes that stand for a value DfE does not publish: ``u`` low reliability, ``c``
suppressed, ``x`` not available, ``z`` not applicable, and ``low``, a positive value too
small to show (it rounds to zero). None of them is a number, so each reads as missing."""

RATINGS = ("outstanding", "good", "requires improvement", "inadequate")
"""Ofsted overall effectiveness judgements, best first."""

_RATING_OF_JUDGEMENT = {
    "Outstanding": "outstanding",
    "Good": "good",
    "Requires improvement to be good": "requires improvement",
    "Inadequate": "inadequate",
}

# Identifier and label columns of the DfE file; every other column is a number.
_LABEL_COLUMNS = (
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
)

# Columns that are counts (FTE, heads, cases, days) and so scale with the size of a
# council; the others are rates, which per-council averaging leaves unchanged.
_COUNT_COLUMNS = (
    "inpost_fte",
    "inpost_headcount",
    "starters_fte",
    "starters_headcount",
    "leavers_fte",
    "leavers_headcount",
    "agency_fte",
    "agency_headcount",
    "agency_cover_fte",
    "vacancy_fte",
    "case_holders_fte",
    "cases",
    "working_days_lost_fte",
)

NORTHAMPTONSHIRE_JOINT_RETURN = "E06000061 / E06000062"
"""DfE code of the joint return of North and West Northamptonshire (from 2021)."""

CROSSWALK: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        # Joint DfE return of two councils that Ofsted inspects separately: the return takes
        # the more recent of the two councils' judgements.
        "E09000021 / E09000027": ("E09000021", "E09000027"),  # Kingston / Richmond upon Thames
        # Same council, code changed: Ofsted files the whole history under the current code.
        "E10000002": ("E06000060",),  # Buckinghamshire, county code to 2019
        "E10000023": ("E06000065",),  # North Yorkshire, county code to 2022
        "E10000027": ("E06000066",),  # Somerset, county code to 2022
        "E08000038": ("E08000016",),  # Barnsley, new code in 2025 (boundary change)
        "E08000039": ("E08000019",),  # Sheffield, new code in 2025 (boundary change)
        # North and West Northamptonshire: one DfE return, two Ofsted inspections. Left out by
        # default (no judgement); see latest_rating_by_census(northamptonshire_joint_return=...).
        NORTHAMPTONSHIRE_JOINT_RETURN: (),
    }
)
"""DfE ``new_la_code`` -> the Ofsted ``la_code`` values whose judgements rate that return.

A code not listed is its own Ofsted code (Cumbria, Northamptonshire, Bournemouth and the
other councils that existed when inspected). A successor council takes no judgement from
its predecessor: Cumberland and Westmorland and Furness (returns from 2023) are unrated
until their own inspections in 2024, as are the Northamptonshire successors until October
2022; Dorset and Poole before 2019 have no ILACS inspection in the file."""

_NORTHAMPTONSHIRE_SUCCESSORS = ("E06000061", "E06000062")


def data_path(name: str):
    """A readable path-like object for the packaged file ``name``."""
    return resources.files(__name__).joinpath(name)


def census_date(year: int) -> dt.date:
    """The DfE census day (30 September) that closes reporting year ``year``."""
    return dt.date(int(year), 9, 30)


def published_indicators() -> pd.DataFrame:
    """The DfE workforce indicators, every level and year, as published.

    Codes in :data:`MISSING_CODES` become NaN and every measure column is numeric (FTE,
    heads, cases, working days; rates in percent). ``time_period`` is the year whose
    30 September closes the reporting year. Identifier columns stay text. The table is a
    fresh copy on each call, so callers may change it.
    """
    return _read_indicators().copy()


@functools.cache
def _read_indicators() -> pd.DataFrame:
    with data_path(INDICATORS_FILE).open("rb") as handle:
        table = pd.read_csv(
            handle,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
        )
    for column in table.columns:
        if column == "time_period":
            table[column] = table[column].astype(int)
        elif column in _LABEL_COLUMNS:
            table[column] = table[column].replace("", None)
        else:
            table[column] = pd.to_numeric(
                table[column].replace(list(MISSING_CODES), np.nan), errors="raise"
            ).astype(float)
    return table


def national(year: int) -> pd.Series:
    """England's row for reporting year ``year`` (numbers as published, rates in percent)."""
    table = published_indicators()
    rows = table[(table.geographic_level == "National") & (table.time_period == year)]
    if len(rows) != 1:
        raise KeyError(f"no national row for {year}")
    return rows.iloc[0]


def council_count(year: int) -> int:
    """Number of local-authority returns for ``year`` (a joint return counts once)."""
    table = published_indicators()
    return int(((table.geographic_level == "Local authority") & (table.time_period == year)).sum())


def council_average(year: int) -> pd.Series:
    """The national figures for ``year`` per council: a typical English council.

    Method: each count (FTE, heads, cases, working days) is the national total divided by
    the number of local-authority returns that year (151 in 2025; the joint returns of
    Kingston and Richmond and of North and West Northamptonshire count once each, as the
    service each describes is run as one). The national total is used rather than the sum
    of the council rows because DfE's national figure includes its estimates for councils
    whose values are suppressed. Rates are ratios of national totals and so are the same
    per council; they are copied from the national row. The entry ``councils`` holds the
    divisor.
    """
    row = national(year).copy()
    n = council_count(year)
    for column in _COUNT_COLUMNS:
        row[column] = row[column] / n
    row["councils"] = n
    return row


def ofsted_history() -> pd.DataFrame:
    """Every ILACS inspection 2018-2025, with dates parsed and a normalised ``rating``.

    ``inspection_date`` and ``publication_date`` are datetimes; ``rating`` is the overall
    effectiveness judgement as one of :data:`RATINGS`.
    """
    with data_path(OFSTED_FILE).open("rb") as handle:
        table = pd.read_csv(handle, encoding="utf-8-sig")
    for column in ("inspection_date", "publication_date"):
        table[column] = pd.to_datetime(table[column], format="%d/%m/%Y")
    rating = table["overall_effectiveness"].map(_RATING_OF_JUDGEMENT)
    if rating.isna().any():
        unknown = sorted(set(table.loc[rating.isna(), "overall_effectiveness"]))
        raise ValueError(f"unknown Ofsted judgements: {unknown}")
    table["rating"] = rating
    return table


def cla_social_worker_stability() -> pd.DataFrame:
    """Children looked after on 31 March 2024 and those with three or more social workers.

    ``number`` is children and ``percentage`` percent; missing codes are NaN.
    """
    with data_path(STABILITY_FILE).open("rb") as handle:
        table = pd.read_csv(handle, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for column in ("number", "percentage"):
        table[column] = pd.to_numeric(table[column].replace(list(MISSING_CODES), np.nan))
    table["time_period"] = table["time_period"].astype(int)
    return table


def latest_rating_by_census(
    years: Iterable[int],
    *,
    northamptonshire_joint_return: bool = False,
    indicators: pd.DataFrame | None = None,
    history: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each council's 30 September figures beside its latest Ofsted judgement before then.

    One row per local-authority return and year in ``years`` (all indicator columns), with
    ``census_date``, ``rating`` (one of :data:`RATINGS`, or NaN when the council had no
    ILACS judgement yet), ``rated_by`` (the Ofsted code whose judgement it is) and
    ``inspection_date`` (the day that inspection began). "Before" is strict: an inspection
    dated on the census day counts from the next year. Councils are matched on ONS codes
    through :data:`CROSSWALK`; a joint return takes the most recent judgement of any of
    its councils.

    ``northamptonshire_joint_return=True`` rates the joint North and West Northamptonshire
    return from its two councils' judgements (both "requires improvement" on 3 October
    2022). It is off by default because the published pattern quoted for 2022-2025 leaves
    that return out: with it, the requires-improvement means become 19.6% agency and 20.4%
    vacancy instead of 19.5% and 20.1%.

    ``indicators`` and ``history`` replace the packaged tables (in the shapes returned by
    :func:`published_indicators` and :func:`ofsted_history`).
    """
    table = published_indicators() if indicators is None else indicators
    inspections = ofsted_history() if history is None else history
    crosswalk = dict(CROSSWALK)
    if northamptonshire_joint_return:
        crosswalk[NORTHAMPTONSHIRE_JOINT_RETURN] = _NORTHAMPTONSHIRE_SUCCESSORS
    years = [int(y) for y in years]
    rows = table[(table.geographic_level == "Local authority") & table.time_period.isin(years)]
    rows = rows.copy()
    rows["census_date"] = pd.to_datetime([census_date(y) for y in rows.time_period])
    # each council's judgements as (date, Ofsted code, rating), for a plain scan per row
    by_code: dict[str, list[tuple[pd.Timestamp, str, str]]] = {}
    for code, day, rating in zip(
        inspections.la_code, inspections.inspection_date, inspections.rating, strict=True
    ):
        by_code.setdefault(code, []).append((day, code, rating))
    ratings, rated_by, dates = [], [], []
    for code, census in zip(rows.new_la_code, rows.census_date, strict=True):
        candidates = [
            judgement
            for ofsted_code in crosswalk.get(code, (code,))
            for judgement in by_code.get(ofsted_code, ())
            if judgement[0] < census
        ]
        latest = max(candidates) if candidates else None
        ratings.append(np.nan if latest is None else latest[2])
        rated_by.append(np.nan if latest is None else latest[1])
        dates.append(pd.NaT if latest is None else latest[0])
    rows["rating"] = pd.Categorical(ratings, categories=list(RATINGS), ordered=True)
    rows["rated_by"] = rated_by
    rows["inspection_date"] = pd.to_datetime(dates)
    return rows.reset_index(drop=True)


def published_rates_by_rating(
    years: Iterable[int] = range(2022, 2026),
    *,
    northamptonshire_joint_return: bool = False,
) -> pd.DataFrame:
    """Mean agency and vacancy rates (percent) of councils grouped by their latest rating.

    Method: the rows of :func:`latest_rating_by_census` for ``years`` with a rating, one
    per council and year, each weighted equally (an unweighted mean of council-year rows;
    councils are not weighted by size, and a council appears once for each year). Missing
    rates are left out of that rate's mean, so ``n`` can differ between the two rates. The
    standard error is the sample standard deviation over the square root of ``n``; it
    treats the rows as independent, so it understates the uncertainty a little because the
    same council appears in several years.

    Returns a table indexed by rating (best first) with ``<rate>_mean``, ``<rate>_se`` and
    ``<rate>_n`` for ``agency_rate_fte`` and ``vacancy_rate_fte``.
    """
    joined = latest_rating_by_census(
        years, northamptonshire_joint_return=northamptonshire_joint_return
    )
    joined = joined[joined.rating.notna()]
    out = pd.DataFrame(index=pd.Index(list(RATINGS), name="rating"))
    for rate in ("agency_rate_fte", "vacancy_rate_fte"):
        grouped = joined.groupby("rating", observed=False)[rate]
        n = grouped.count()
        out[f"{rate}_mean"] = grouped.mean()
        out[f"{rate}_se"] = grouped.std(ddof=1) / np.sqrt(n)
        out[f"{rate}_n"] = n.astype(int)
    return out

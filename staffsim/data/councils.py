"""Councils by name or code, through the years: which DfE return and Ofsted judgement are theirs.

A planner names a council (``--la Birmingham``, ``--la E08000025``, ``--la 330``); this
module finds its DfE workforce return for a reporting year, its figures with their
provenance (falling back over suppressed cells), and its latest Ofsted ILACS judgement.

Councils change: two councils make one joint return, a county is replaced by unitary
councils, a council gets a new code, DfE and Ofsted spell a name differently. The table
``council_crosswalk.csv`` beside the data records each case (provenance in ``SOURCES.md``):

* ``joint_return``: ``code`` is a joint DfE return of the council ``other_code``;
* ``replaced_by``: council ``code`` was replaced (wholly or in part) by ``other_code`` from
  the reporting year ``from_year``;
* ``new_code``: the same service returns under ``other_code`` from ``from_year``;
* ``ofsted_name``: Ofsted spells the council ``code`` as ``other_name``.

Councils sharing a service under two codes form one *identity* (a set of DfE codes). A name
or code is matched case-insensitively, ignoring punctuation and ``&`` for ``and``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffsim import data
from staffsim.errors import UserError

__all__ = [
    "CROSSWALK_FILE",
    "FIRST_YEAR",
    "LAST_YEAR",
    "CouncilLookupError",
    "CouncilReturn",
    "Figure",
    "Judgement",
    "council_crosswalk",
    "council_table",
    "find_council",
    "latest_judgement",
    "normalise",
    "published_figure",
    "published_series",
    "raw_cell",
]

CROSSWALK_FILE = "council_crosswalk.csv"
"""Joint returns, reorganisations, new codes and name differences (see ``SOURCES.md``)."""

_table = data.published_indicators
FIRST_YEAR = 2017
"""First reporting year in the packaged DfE file."""
LAST_YEAR = 2025
"""Last reporting year in the packaged DfE file."""

LOW_CODE = "low"
"""DfE's code for a positive value too small to show (it rounds to zero)."""


class CouncilLookupError(UserError):
    """A council that matches no name or code, or has no return for the year asked."""


def normalise(text: str) -> str:
    """A name or code as matched: case-folded, ``&`` read as ``and``, punctuation dropped,
    spaces collapsed (``"St. Helens"`` and ``"st helens"`` match)."""
    text = text.casefold().replace("&", " and ")
    text = re.sub(r"[.,'’()]", " ", text)
    return " ".join(text.split())


# ------------------------------------------------------------------------- tables
@functools.cache
def _crosswalk() -> pd.DataFrame:
    with data.data_path(CROSSWALK_FILE).open("rb") as handle:
        table = pd.read_csv(handle, dtype=str, keep_default_na=False, encoding="utf-8")
    table["from_year"] = pd.Series(
        [int(y) if y else None for y in table["from_year"]], dtype=object, index=table.index
    )
    return table


def council_crosswalk() -> pd.DataFrame:
    """The crosswalk table (a copy): ``relation, code, name, other_code, other_name,
    from_year, note``, one row per relation."""
    return _crosswalk().copy()


@functools.cache
def _raw() -> pd.DataFrame:
    """The DfE file as published, every cell text, local-authority rows only."""
    with data.data_path(data.INDICATORS_FILE).open("rb") as handle:
        table = pd.read_csv(handle, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    table["time_period"] = table["time_period"].astype(int)
    return table


@functools.cache
def _councils() -> pd.DataFrame:
    table = _table()
    return table[table.geographic_level == "Local authority"].reset_index(drop=True)


@functools.cache
def _national() -> pd.DataFrame:
    table = _table()
    return table[table.geographic_level == "National"].set_index("time_period")


# ----------------------------------------------------------------------- identities
@dataclass(frozen=True, eq=False)  # one object per identity: hashed by identity
class _Identity:
    """One council's service under each DfE code it returned under."""

    codes: tuple[str, ...]
    years: dict[int, str]  # reporting year -> the code of that year's row

    @property
    def first_year(self) -> int:
        return min(self.years)

    @property
    def last_year(self) -> int:
        return max(self.years)

    def name(self, year: int | None = None) -> str:
        year = self.last_year if year is None or year not in self.years else year
        return str(_row(self.years[year], year).la_name)


@functools.cache
def _identities() -> tuple[_Identity, ...]:
    rows = _councils()
    cross = _crosswalk()
    same = {c: {c} for c in rows.new_la_code.unique()}
    for code, other in cross.loc[cross.relation == "new_code", ["code", "other_code"]].values:
        merged = same[code] | same[other]
        for c in merged:
            same[c] = merged
    seen: set[frozenset[str]] = set()
    out = []
    for codes in same.values():
        key = frozenset(codes)
        if key in seen:
            continue
        seen.add(key)
        part = rows[rows.new_la_code.isin(codes)]
        years = dict(zip(part.time_period.astype(int), part.new_la_code, strict=True))
        ordered = tuple(sorted(codes, key=lambda c: min(y for y, k in years.items() if k == c)))
        out.append(_Identity(ordered, years))
    return tuple(sorted(out, key=lambda i: i.name()))


def _identity_of(code: str) -> _Identity | None:
    return next((i for i in _identities() if code in i.codes), None)


@functools.cache
def _index() -> dict[str, dict[_Identity, str]]:
    """Normalised name or code -> {identity: how the key names it}."""
    index: dict[str, dict[_Identity, str]] = {}

    def add(key: str, ident: _Identity | None, how: str) -> None:
        if ident is not None and key:
            index.setdefault(normalise(key), {}).setdefault(ident, how)

    rows = _councils()
    for ident in _identities():
        part = rows[rows.new_la_code.isin(ident.codes)]
        for name in part.la_name.unique():
            add(name, ident, "")
        for code in ident.codes:
            add(code, ident, "")
        for old in part.old_la_code.unique():
            add(old, ident, "")
    cross = _crosswalk()
    for _, rel in cross.iterrows():
        if rel.relation == "joint_return":
            how = f"{rel.other_name} is part of the joint return {rel['name']}"
            add(rel.other_name, _identity_of(rel.code), how)
            add(rel.other_code, _identity_of(rel.code), how)
        elif rel.relation == "ofsted_name":
            add(rel.other_name, _identity_of(rel.code), "")
    for _, rel in cross[cross.relation == "joint_return"].iterrows():
        olds = rows[rows.new_la_code == rel.code].old_la_code.iloc[0].split(" / ")
        members = rel.code.split(" / ")
        if len(olds) == len(members):
            old = olds[members.index(rel.other_code)]
            add(old, _identity_of(rel.code), f"{rel.other_name} is part of the joint return")
    return index


def _display_names() -> list[str]:
    names = set(_councils().la_name)
    cross = _crosswalk()
    names.update(cross.loc[cross.relation != "ofsted_name", "other_name"])
    return sorted(names)


def _suggest(query: str) -> list[str]:
    names = _display_names()
    by_key = {normalise(n): n for n in names}
    key = normalise(query)
    found = [k for k in by_key if key in k] if len(key) >= 3 else []
    close = difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.6)
    found += [k for k in close if k not in found]
    return [by_key[k] for k in found[:5]]


# ------------------------------------------------------------------------ returns
@dataclass(frozen=True)
class CouncilReturn:
    """A council's DfE return for one reporting year (the year to 30 September ``year``)."""

    query: str
    year: int
    code: str
    name: str
    old_code: str
    region: str
    codes: tuple[str, ...]  # every DfE code of the same service, oldest first
    notes: tuple[str, ...]  # what a planner must know: a joint return, another code, ...

    @property
    def census(self) -> dt.date:
        """The census day whose state the return describes (30 September ``year``)."""
        return data.census_date(self.year)

    @property
    def joint(self) -> bool:
        """Whether the return covers two councils' services."""
        return " / " in self.code

    @property
    def members(self) -> tuple[str, ...]:
        """ONS codes of the councils the return covers (one unless joint)."""
        return tuple(self.code.split(" / "))


@functools.cache
def _relations_cached(relation: str, column: str, codes: tuple[str, ...]) -> pd.DataFrame:
    cross = _crosswalk()
    return cross[(cross.relation == relation) & cross[column].isin(list(codes))]


def _relations(relation: str, column: str, codes: Iterable[str]) -> pd.DataFrame:
    return _relations_cached(relation, column, tuple(codes))


def _flag(year: int) -> str:
    return f"--year {year + 1}"


def _did_not_exist(ident: _Identity, year: int, query: str) -> CouncilLookupError:
    name = ident.name()
    span = f"{ident.first_year}-{ident.last_year}"
    if year < ident.first_year:
        before = _relations("replaced_by", "other_code", ident.codes)
        named = [f"{r['name']} ({r.code})" for _, r in before.iterrows()]
        names = sorted({r["name"] for _, r in before.iterrows()})
        what = "predecessor" + ("s" if len(named) > 1 else "")
        advice = (
            f"; its {what} {_and(named)} returned for {year}: use "
            + " or ".join(f"--la {_quoted(n)}" for n in names)
            if named
            else ""
        )
        return CouncilLookupError(
            f"{query!r}: {name} has DfE returns for {span} only, none for the year to "
            f"30 September {year} ({_flag(year)}){advice}."
        )
    after = _relations("replaced_by", "code", ident.codes)
    named = [f"{r.other_name} ({r.other_code}) from {r.from_year}" for _, r in after.iterrows()]
    names = sorted({r.other_name for _, r in after.iterrows()})
    what = "successor" + ("s" if len(named) > 1 else "")
    advice = (
        f"; it was replaced by its {what} {_and(named)}: use "
        + " or ".join(f"--la {_quoted(n)}" for n in names)
        if named
        else ""
    )
    return CouncilLookupError(
        f"{query!r}: {name} has DfE returns for {span} only, none for the year to "
        f"30 September {year} ({_flag(year)}){advice}."
    )


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _quoted(name: str) -> str:
    return f"'{name}'" if " " in name or "," in name else name


def find_council(query: str, year: int) -> CouncilReturn:
    """The DfE return of the council named or coded ``query`` for reporting ``year``.

    ``query`` is a DfE or Ofsted name, an ONS code (``new_la_code`` or a code the same
    service had before) or a three-digit DfE code, in any case. A council that is part of
    a joint return gets the joint return, with a note saying so. Raises
    :class:`CouncilLookupError` (exit status 2) for a name that matches nothing (with the
    closest names), a year outside the file, or a council that did not exist that year
    (naming its predecessors or successors).
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CouncilLookupError(
            f"the packaged DfE returns cover the years to 30 September {FIRST_YEAR}-"
            f"{LAST_YEAR}; there is none for {year} ({_flag(year)}): use --year "
            f"{FIRST_YEAR + 1} to {LAST_YEAR + 1}"
        )
    matches = _index().get(normalise(query), {})
    if not matches:
        suggestions = _suggest(query)
        hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        raise CouncilLookupError(
            f"no council is named or coded {query!r}{hint} (`staffsim councils` lists them)"
        )
    present = {i: how for i, how in matches.items() if year in i.years}
    if not present:
        ident = max(matches, key=lambda i: i.last_year)
        raise _did_not_exist(ident, year, query)
    if len(present) > 1:  # no name in the file is two councils in one year
        names = ", ".join(f"{i.name(year)} ({i.years[year]})" for i in present)
        raise CouncilLookupError(f"{query!r} matches {names}: name one by its code")
    ident, how = next(iter(present.items()))
    code = ident.years[year]
    row = _row(code, year)
    notes = []
    if how:
        notes.append(how + ".")
    if row.la_name.count(" / "):
        rel = _relations("joint_return", "code", [code])
        if len(rel):
            notes.append(f"{row.la_name}: {rel.note.iloc[0]}; the scenario is the joint service.")
    if len(ident.codes) > 1:
        rel = _relations("new_code", "code", ident.codes)
        for _, r in rel.iterrows():
            notes.append(f"{r['name']}: {r.note}.")
    others = [i for i in matches if i is not ident]
    for other in others:
        notes.append(
            f"{query!r} also names {other.name()} ({', '.join(other.codes)}, returns "
            f"{other.first_year}-{other.last_year}); this is {row.la_name} ({code}), the "
            f"council that returned for {year}."
        )
        for _, r in _relations("replaced_by", "code", other.codes).iterrows():
            if r.other_code in ident.codes:
                notes.append(f"{r['name']} ({r.code}): {r.note}.")
    return CouncilReturn(
        query=query,
        year=year,
        code=code,
        name=str(row.la_name),
        old_code=str(row.old_la_code),
        region=str(row.region_name),
        codes=ident.codes,
        notes=tuple(dict.fromkeys(notes)),
    )


@functools.cache
def _rows_by_key() -> dict[tuple[str, int], pd.Series]:
    return {(r.new_la_code, int(r.time_period)): r for _, r in _councils().iterrows()}


def _row(code: str, year: int) -> pd.Series:
    return _rows_by_key()[(code, year)]


@functools.cache
def _raw_rows() -> dict[tuple[str, int], dict[str, str]]:
    raw = _raw()
    raw = raw[raw.geographic_level == "Local authority"]
    return {(r["new_la_code"], int(r["time_period"])): r for r in raw.to_dict("records")}


def raw_cell(code: str, year: int, column: str) -> str | None:
    """The cell as published (text, a suppression code kept), or None if no such row."""
    row = _raw_rows().get((code, year))
    return None if row is None else str(row[column])


# ------------------------------------------------------------------------- figures
@dataclass(frozen=True)
class Figure:
    """One published figure and where it came from.

    ``value`` is as published (FTE, people, cases, days; rates in percent); ``year`` and
    ``code`` name the row it was read from (``code`` is ``"England"`` for the national
    row); ``skipped`` lists the later years whose cells were suppressed, with their codes.
    """

    column: str
    value: float
    year: int
    code: str
    name: str
    skipped: tuple[tuple[int, str], ...] = ()
    low: bool = False

    @property
    def fallback(self) -> bool:
        """Whether the value is not the asked year's own published cell."""
        return bool(self.skipped) or self.low

    def source(self) -> str:
        """Column, row and any fallback, in words, for a comment."""
        where = f"row {self.name} {self.year}: {self.column} {_fmt(self.value)}"
        if self.low:
            where = f"row {self.name} {self.year}: {self.column} published as 'low', taken as 0"
        if self.code == "England":
            where = (
                f"England's figure for {self.year} ({self.column} from the national row, scaled "
                "to the council where it is a count): " + f"{_fmt(self.value)}"
            )
        if self.skipped:
            codes = ", ".join(f"{y} '{c}'" for y, c in self.skipped)
            whose = "the council" if self.code == "England" else self.name
            where += f" (suppressed for {whose} in {codes})"
        return where


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def published_figure(
    ret: CouncilReturn,
    column: str,
    england: Callable[[pd.Series], float] | None = None,
) -> Figure | None:
    """The council's ``column`` for its return's year, or the nearest earlier year's.

    A suppressed cell (``u``, ``c``, ``x``, ``z``) falls back to the same service's latest
    earlier published year (never a later one), then to ``england(national row)`` for the
    return's year (default: England's own ``column``, right for rates; pass a function to
    scale a count to the council). ``low`` (positive but rounding to zero) reads as 0.
    None if nothing is found (``england`` returning NaN).
    """
    ident = _identity_of(ret.code)
    skipped: list[tuple[int, str]] = []
    for year in range(ret.year, FIRST_YEAR - 1, -1):
        code = ident.years.get(year) if ident is not None else None
        if code is None:
            break
        cell = raw_cell(code, year, column)
        name = str(_row(code, year).la_name)
        if cell is None:
            break
        if cell == LOW_CODE:
            return Figure(column, 0.0, year, code, name, tuple(skipped), low=True)
        if cell in data.MISSING_CODES or cell == "":
            skipped.append((year, cell))
            continue
        return Figure(column, float(cell), year, code, name, tuple(skipped))
    national = _national().loc[ret.year]
    value = float(national[column]) if england is None else float(england(national))
    if np.isnan(value):
        return None
    return Figure(column, value, ret.year, "England", "England", tuple(skipped))


def published_series(
    ret: CouncilReturn, years: Iterable[int], columns: Iterable[str]
) -> pd.DataFrame:
    """The same service's published ``columns`` for each of ``years``, in long form.

    Columns ``time_period``, ``metric``, ``published`` (as published: rates in percent,
    caseloads in cases per FTE; NaN where the cell is suppressed, ``low``, or the service
    made no return that year, never a fallback), ``la_code`` and ``la_name`` (the row's own,
    which follow a change of code). The rows are every (year, column) asked for, in order.
    """
    ident = _identity_of(ret.code)
    rows = []
    for year in years:
        code = ident.years.get(int(year)) if ident is not None else None
        name = str(_row(code, int(year)).la_name) if code is not None else ret.name
        for column in columns:
            cell = raw_cell(code, int(year), column) if code is not None else None
            value = np.nan
            if cell is not None and cell not in data.MISSING_CODES and cell != "":
                value = float(cell)
            rows.append(
                {
                    "time_period": int(year),
                    "metric": column,
                    "published": value,
                    "la_code": code or ret.code,
                    "la_name": name,
                }
            )
    return pd.DataFrame(rows, columns=["time_period", "metric", "published", "la_code", "la_name"])


# ----------------------------------------------------------------------- judgements
@functools.cache
def _history() -> pd.DataFrame:
    return data.ofsted_history()


@dataclass(frozen=True)
class Judgement:
    """An Ofsted ILACS overall effectiveness judgement."""

    rating: str  # one of staffsim.data.RATINGS
    inspection_date: dt.date
    publication_date: dt.date
    inspection_type: str
    ofsted_code: str
    ofsted_name: str
    predecessor: bool = False  # the judgement of a council the return's council replaced


def _ofsted_codes(codes: Iterable[str]) -> list[str]:
    out: list[str] = []
    for code in codes:
        out += code.split(" / ")
        out += list(data.CROSSWALK.get(code, ()))
    return list(dict.fromkeys(out))


@functools.cache
def _judgements_by_code() -> dict[str, list[Judgement]]:
    out: dict[str, list[Judgement]] = {}
    for row in _history().itertuples():
        out.setdefault(row.la_code, []).append(
            Judgement(
                rating=str(row.rating),
                inspection_date=row.inspection_date.date(),
                publication_date=row.publication_date.date(),
                inspection_type=str(row.inspection_type),
                ofsted_code=str(row.la_code),
                ofsted_name=str(row.la_name),
            )
        )
    return out


def latest_judgement(ret: CouncilReturn, on_or_before: dt.date | None) -> Judgement | None:
    """The latest ILACS judgement of the return's council(s) inspected on or before the day
    (None: the latest in the file).

    A joint return takes the latest of its councils'; a council with none yet takes the
    latest of the councils it replaced (``predecessor=True``); None if neither has one.
    """
    ident = _identity_of(ret.code)
    codes = ident.codes if ident is not None else (ret.code,)
    before = _relations("replaced_by", "other_code", codes)
    by_code = _judgements_by_code()
    for ofsted_codes, predecessor in ((codes, False), (tuple(before.code), True)):
        found = [
            j
            for code in _ofsted_codes(ofsted_codes)
            for j in by_code.get(code, ())
            if on_or_before is None or j.inspection_date <= on_or_before
        ]
        if found:
            latest = max(found, key=lambda j: j.inspection_date)
            return dataclasses.replace(latest, predecessor=predecessor)
    return None


# ---------------------------------------------------------------------------- list
def council_table(region: str | None = None, year: int = LAST_YEAR) -> pd.DataFrame:
    """Every council's return for ``year`` with its rates and latest judgement.

    Columns: ``name``, ``code``, ``region``, ``vacancy_rate_fte``, ``agency_rate_fte``,
    ``turnover_rate_fte`` (percent), ``caseload_fte`` (cases per case-holder FTE), ``rating``
    and ``inspection_date`` (the latest ILACS judgement in the packaged file, NaN if none).
    ``region`` filters by DfE region, case-insensitively and by prefix (``london`` gives
    Inner and Outer London); an unknown region raises :class:`CouncilLookupError`.
    """
    rows = _councils()
    rows = rows[rows.time_period == year]
    if region is not None:
        regions = sorted(rows.region_name.unique())
        keep = [r for r in regions if normalise(r).startswith(normalise(region))]
        keep = keep or [r for r in regions if normalise(region) in normalise(r)]
        if not keep:
            close = difflib.get_close_matches(region, regions, n=2, cutoff=0.5)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise CouncilLookupError(f"no region {region!r}{hint} (regions: {', '.join(regions)})")
        rows = rows[rows.region_name.isin(keep)]
    out = []
    for _, row in rows.sort_values(["region_name", "la_name"]).iterrows():
        ret = find_council(str(row.new_la_code), year)
        judged = latest_judgement(ret, None)
        out.append(
            {
                "name": row.la_name,
                "code": row.new_la_code,
                "region": row.region_name,
                "vacancy_rate_fte": row.vacancy_rate_fte,
                "agency_rate_fte": row.agency_rate_fte,
                "turnover_rate_fte": row.turnover_rate_fte,
                "caseload_fte": row.caseload_fte,
                "rating": judged.rating if judged else np.nan,
                "inspection_date": judged.inspection_date if judged else pd.NaT,
            }
        )
    return pd.DataFrame(out)

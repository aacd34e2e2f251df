"""England's councils simulated from their own published state, as the published data group them.

Each council with a DfE workforce return for the year to 30 September 2021 becomes the
scenario ``staffsim init --la CODE --year 2022`` writes
(:func:`staffsim.scenario.init_writer.council_scenario`): it starts on 1 October 2021 from
the council's published 2021 row, with the Ofsted ILACS judgement in force on that day and
the date of that inspection. A council with no ILACS judgement on record on or before the
start (its last one was under the earlier framework, or its inspection was delayed) gets
the init's stated rule: the commonest judgement, ``good``, with no date, which the model
reads as inspected half an interval before the start. Such councils are counted
(:attr:`Population.without_record`); their assumed judgement is flagged in the population
(``rating_assumed``) until the model's first inspection of them replaces it, and left out
of the judgements grouped and paired, as the published record leaves out councils with no
ILACS judgement.

Each council runs for ``replications`` replications (numbers 0..R-1 with the scenario's
own seed) over four census years, 2022-2025. Every judgement the model makes is taken
from the run's trace (``kind == "inspection"``) with its day; each is paired with the
judgement before it, the first with the judgement on record in force at the start, dated
by the scenario's ``inspection.last_inspection_date``.

Units: rates are percent (as DfE publishes them: ``vacancy_rate_fte``,
``agency_rate_fte``, ``turnover_rate_fte``, ``cla_3plus_sw_pct``), ``caseload_fte`` is
cases per case-holder FTE, intervals are years of 365.25 days, dates are calendar dates.
Ratings use the scenario's spelling (``requires_improvement``), best first.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from staffsim import data
from staffsim.errors import StaffsimError
from staffsim.experiment.backends import TaskError, open_backend
from staffsim.experiment.options import RunOptions
from staffsim.model.run import run_one
from staffsim.scenario.init_writer import council_scenario
from staffsim.scenario.loader import load_scenario
from staffsim.scenario.schema import Scenario
from staffsim.scenario.spiral import RATINGS, Rating
from staffsim.units import DAYS_PER_YEAR

__all__ = [
    "COUNCIL_METRICS",
    "FIRST_YEAR",
    "POPULATION_COLUMNS",
    "RATES",
    "TRANSITION_COLUMNS",
    "Council",
    "Population",
    "continuity_slope",
    "council_codes",
    "council_comparison",
    "england_councils",
    "group_by_rating",
    "improvement_shares_of",
    "judgement_mix_of",
    "line",
    "published_continuity",
    "published_turnover_by_rating",
    "rated_rows",
    "sample_codes",
    "simulate_population",
    "transitions",
    "write_outputs",
]

FIRST_YEAR = 2022
"""First reporting year simulated: each council starts 1 October 2021 from its 2021 row."""

POPULATION_COLUMNS = (
    "council",
    "la_code",
    "replication",
    "time_period",
    "ofsted_rating",
    "rating_assumed",
    "vacancy_rate_fte",
    "agency_rate_fte",
    "turnover_rate_fte",
    "caseload_fte",
    "cla_3plus_sw_pct",
)
"""Columns of :attr:`Population.population`, one row per council, replication and census:
``council`` (the scenario's name), ``la_code`` (DfE ``new_la_code`` of the 2021 return),
``replication``, ``time_period`` (the census year: 30 September), ``ofsted_rating`` (the
judgement in force in the model on the census day), ``rating_assumed`` (True while that
judgement is the init's assumption for a council with none on record, before the model's
first inspection of it), then the annual row's rates (percent) and caseload (cases per
case-holder FTE). ``cla_3plus_sw_pct`` (children looked after on 31 March with three or more
social workers in the year to then) is empty in the 2022 row: that year began before the
start, so the workers a case had before it are not known."""

TRANSITION_COLUMNS = ("from_rating", "to_rating", "inspections", "mean_interval_years")
"""Columns of :func:`transitions`."""

RATES = ("agency_rate_fte", "vacancy_rate_fte", "turnover_rate_fte")
"""The workforce rates compared by judgement and by council (percent)."""

COUNCIL_METRICS = ("vacancy_rate_fte", "agency_rate_fte", "turnover_rate_fte")
"""The rates compared council by council with each council's published rows."""

_RANK = {rating: i for i, rating in enumerate(RATINGS)}


def _key(rating: str) -> str:
    """A published rating (``"requires improvement"``) in the scenario's spelling."""
    return rating.replace(" ", "_")


# ----------------------------------------------------------------------- the councils
@dataclass(frozen=True)
class Council:
    """One council's scenario, built from its own published state."""

    la_code: str  # DfE new_la_code of the return the scenario starts from
    name: str  # the scenario's name, e.g. "darlington_2022"
    codes: tuple[str, ...]  # every DfE code of the same service (for its published rows)
    scenario: Scenario
    on_record: bool  # whether an ILACS judgement was on record on or before the start


def council_codes(year: int = FIRST_YEAR) -> list[str]:
    """DfE codes (``new_la_code``) of the local-authority returns for ``year - 1``, in code
    order (a joint return is one code, e.g. ``"E09000021 / E09000027"``)."""
    table = data.published_indicators()
    rows = table[(table.geographic_level == "Local authority") & (table.time_period == year - 1)]
    return sorted(rows.new_la_code.unique())


def sample_codes(codes: Sequence[str], n: int | None) -> list[str]:
    """``n`` codes evenly spaced through ``codes``: every k-th (k = len / n, not always a
    whole number), starting half a step in, so a sample in code order spans unitary,
    metropolitan, London and county councils; all of them if ``n`` is None or not
    smaller."""
    if n is None or n >= len(codes):
        return list(codes)
    if n < 1:
        raise ValueError(f"a sample needs at least one council, not {n}")
    return [codes[(2 * i + 1) * len(codes) // (2 * n)] for i in range(n)]


def england_councils(
    codes: Iterable[str] | None = None,
    year: int = FIRST_YEAR,
    horizon_years: float = 4,
) -> tuple[list[Council], dict[str, str]]:
    """Each council's scenario starting 1 October ``year - 1`` for ``horizon_years`` years.

    ``codes`` defaults to every return of ``year - 1`` (:func:`council_codes`). The text of
    :func:`~staffsim.scenario.init_writer.council_scenario` is read by the package's loader
    (:func:`~staffsim.scenario.loader.load_scenario`, through a temporary file), so the
    scenario is the one ``staffsim run`` would run. Returns the councils built, in the order
    of ``codes``, and those skipped: code -> reason (a lookup error or a row the init or the
    loader refuses).
    """
    codes = council_codes(year) if codes is None else list(codes)
    built: list[Council] = []
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="population-") as folder:
        for code in codes:
            try:
                made = council_scenario(code, year, horizon_years=horizon_years)
                path = Path(folder) / f"{made.name}.yaml"
                path.write_text(made.text, encoding="utf-8")
                scenario = load_scenario(path)
            except StaffsimError as exc:
                skipped[code] = f"{type(exc).__name__}: {exc}".splitlines()[0]
                continue
            built.append(
                Council(
                    la_code=code,
                    name=scenario.name,
                    codes=made.council.codes,
                    scenario=scenario,
                    on_record="inspection.last_inspection_date" in made.values,
                )
            )
    return built, skipped


# ----------------------------------------------------------------------- the runs
def _run(scenario: Scenario, replication: int) -> dict[str, Any]:
    """One replication: the annual rows' columns needed and the model's judgements
    (day, rating), in the order made."""
    judged: list[tuple[float, str]] = []

    def trace(day: float, kind: str, fields: dict[str, Any]) -> None:
        if kind == "inspection":
            judged.append((float(day), str(fields["rating"])))

    record = run_one(scenario, replication, trace=trace)
    columns = ("time_period", "ofsted_rating", "inspections", *POPULATION_COLUMNS[6:])
    annual = [{c: row[c] for c in columns} for row in record["annual"]]
    return {"annual": annual, "judged": judged}


@dataclass
class Population:
    """A simulated population: its census rows, its judgements and the councils behind it."""

    population: pd.DataFrame  # POPULATION_COLUMNS, in council then replication order
    judgements: pd.DataFrame  # one row per judgement the model made (see simulate_population)
    councils: list[Council]
    skipped: dict[str, str] = field(default_factory=dict)  # code -> why it was not built
    replications: int = 0

    @property
    def without_record(self) -> list[Council]:
        """The councils with no ILACS judgement on record on or before the start."""
        return [c for c in self.councils if not c.on_record]


def _judgement_rows(
    council: Council, replication: int, judged: list[tuple[float, str]]
) -> list[dict[str, Any]]:
    ins = council.scenario.inspection
    start = council.scenario.start_date
    before: Rating | str = ins.current_rating
    before_date = ins.last_inspection_date
    assumed = not council.on_record
    rows = []
    for day, rating in judged:
        date = start + dt.timedelta(days=int(day))
        rows.append(
            {
                "council": council.name,
                "la_code": council.la_code,
                "replication": replication,
                "from_rating": before,
                "from_date": before_date,
                "to_rating": rating,
                "to_date": date,
                "interval_years": (
                    np.nan if before_date is None else (date - before_date).days / DAYS_PER_YEAR
                ),
                "follows_assumed": assumed,
            }
        )
        before, before_date, assumed = rating, date, False
    return rows


def simulate_population(
    councils: Sequence[Council],
    replications: int = 5,
    jobs: int | None = 1,
    backend: str | None = "local",
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    skipped: dict[str, str] | None = None,
) -> Population:
    """Run every council ``replications`` times; the census rows and the judgements made.

    Each (council, replication) is a task on the project's backends
    (:func:`staffsim.experiment.backends.open_backend`: ``backend``, ``jobs``, ``scheduler``
    as for ``staffsim run``); results are filed by council and replication, so the tables
    are the same whichever backend, however many jobs. ``progress(done, total)`` is called
    as tasks finish. Raises ``RuntimeError`` if a task failed outside the model (a worker
    died).

    ``judgements`` has one row per judgement the model made: ``council``, ``la_code``,
    ``replication``, ``from_rating`` and ``from_date`` (the judgement before it: the
    model's previous one, or for the first the one in force at the start with the
    scenario's ``inspection.last_inspection_date``), ``to_rating`` and ``to_date`` (this
    judgement; the date is the day the model's inspection falls on), ``interval_years``
    (365.25-day years between the two dates; NaN when the start had no date) and
    ``follows_assumed`` (True for the first judgement of a council with none on record:
    its ``from_rating`` is the init's assumption, not a judgement).
    """
    tasks = [(c, r) for c in councils for r in range(replications)]
    results: dict[int, dict[str, Any]] = {}
    with open_backend(RunOptions(jobs=jobs, backend=backend, scheduler=scheduler)) as pool:
        args = ((council.scenario, replication) for council, replication in tasks)
        for done, (index, result) in enumerate(pool.imap_unordered(_run, args), 1):
            if isinstance(result, TaskError):
                council, replication = tasks[index]
                raise RuntimeError(
                    f"council {council.name} replication {replication} failed: {result.error}"
                )
            results[index] = result
            if progress:
                progress(done, len(tasks))
    rows: list[dict[str, Any]] = []
    judgements: list[dict[str, Any]] = []
    for index, (council, replication) in enumerate(tasks):
        result = results[index]
        inspected = 0
        for row in result["annual"]:
            inspected += int(row["inspections"])
            rows.append(
                {
                    "council": council.name,
                    "la_code": council.la_code,
                    "replication": replication,
                    "time_period": int(row["time_period"]),
                    "ofsted_rating": row["ofsted_rating"],
                    "rating_assumed": not council.on_record and inspected == 0,
                    **{c: float(row[c]) for c in POPULATION_COLUMNS[6:]},
                }
            )
        judgements += _judgement_rows(council, replication, result["judged"])
    judgement_columns = [
        "council",
        "la_code",
        "replication",
        "from_rating",
        "from_date",
        "to_rating",
        "to_date",
        "interval_years",
        "follows_assumed",
    ]
    return Population(
        population=pd.DataFrame(rows, columns=list(POPULATION_COLUMNS)),
        judgements=pd.DataFrame(judgements, columns=judgement_columns),
        councils=list(councils),
        skipped=dict(skipped or {}),
        replications=replications,
    )


# ----------------------------------------------------------------------- summaries
def transitions(judgements: pd.DataFrame) -> pd.DataFrame:
    """Every judgement the model made paired with the judgement before it, counted.

    One row per (``from_rating``, ``to_rating``) pair that occurs, best first:
    ``inspections`` (number of pairs over councils and replications) and
    ``mean_interval_years`` (mean years of 365.25 days from the earlier judgement's date to
    the later one's). First judgements of councils with none on record are left out
    (``follows_assumed``), as the published record's first ILACS judgements follow nothing.
    """
    pairs = judgements[~judgements.follows_assumed.astype(bool)]
    pairs = pairs.assign(
        _f=pairs.from_rating.map(_RANK), _t=pairs.to_rating.map(_RANK)
    ).sort_values(["_f", "_t"], kind="mergesort")
    out = (
        pairs.groupby(["_f", "_t", "from_rating", "to_rating"], sort=True)
        .agg(inspections=("interval_years", "size"), mean_interval_years=("interval_years", "mean"))
        .reset_index()
    )
    out["inspections"] = out.inspections.astype(int)
    return out[list(TRANSITION_COLUMNS)]


def improvement_shares_of(judgements: pd.DataFrame) -> pd.DataFrame:
    """Per starting judgement, how the model's next judgement compared with it.

    The shape of :func:`staffsim.data.judgements.improvement_shares`, indexed by
    ``from_rating`` in the scenario's spelling: ``next_judgements``, ``better``, ``same``,
    ``worse`` (counts of pairs) and their shares; ``mean_interval_years`` besides. Pairs
    that follow an assumed judgement are left out, as in :func:`transitions`.
    """
    pairs = judgements[~judgements.follows_assumed.astype(bool)]
    ranks = pairs.to_rating.map(_RANK).astype(float) - pairs.from_rating.map(_RANK).astype(float)
    step = np.sign(ranks)
    changes = {"better": -1.0, "same": 0.0, "worse": 1.0}
    out = pd.DataFrame(index=pd.Index(list(RATINGS), name="from_rating"))
    for name, sign in changes.items():
        counts = (step == sign).groupby(pairs.from_rating).sum()
        out[name] = counts.reindex(list(RATINGS), fill_value=0).astype(int)
    out.insert(0, "next_judgements", out[list(changes)].sum(axis=1))
    for name in changes:
        out[f"{name}_share"] = out[name] / out.next_judgements.replace(0, np.nan)
    out["mean_interval_years"] = pairs.groupby("from_rating").interval_years.mean()
    return out


def rated_rows(population: pd.DataFrame) -> pd.DataFrame:
    """The census rows whose judgement is a real one (on record or the model's), as the
    published tables leave out councils with no ILACS judgement yet."""
    return population[~population.rating_assumed.astype(bool)]


def judgement_mix_of(population: pd.DataFrame) -> pd.DataFrame:
    """Census rows by the judgement in force, pooled over years and replications.

    Indexed by rating (best first): ``rows`` (council-year rows with that judgement) and
    ``share`` (of the rated rows); rows whose judgement is assumed are counted in
    ``out.attrs["no_judgement"]`` and left out of the shares, as
    :func:`staffsim.data.judgements.judgement_mix` leaves out returns with no judgement.
    """
    rated = rated_rows(population)
    counts = rated.ofsted_rating.value_counts().reindex(list(RATINGS), fill_value=0)
    out = pd.DataFrame({"rows": counts.astype(int)})
    out.index.name = "rating"
    out["share"] = out.rows / max(int(out.rows.sum()), 1)
    out.attrs["no_judgement"] = int(len(population) - len(rated))
    return out


def group_by_rating(
    table: pd.DataFrame,
    rates: Sequence[str] = ("agency_rate_fte", "vacancy_rate_fte"),
    rating: str = "ofsted_rating",
) -> pd.DataFrame:
    """Mean, standard error and n of each of ``rates`` by the judgement in column ``rating``,
    best first (scenario spelling; a published spelling is read as the same judgement).

    Means are unweighted over rows (council-year rows, and for a simulated population its
    replications too); the standard error is the sample standard deviation over the square
    root of n, treating rows as independent. Rows with no judgement or a missing rate are
    left out of that rate.
    """
    ratings = table[rating].astype(object).map(lambda r: r if pd.isna(r) else _key(str(r)))
    out = pd.DataFrame(index=pd.Index(list(RATINGS), name="rating"))
    for rate in rates:
        grouped = table[rate].groupby(ratings)
        n = grouped.count().reindex(RATINGS).fillna(0).astype(int)
        out[f"{rate}_mean"] = grouped.mean().reindex(RATINGS)
        out[f"{rate}_se"] = (grouped.std(ddof=1) / np.sqrt(grouped.count())).reindex(RATINGS)
        out[f"{rate}_n"] = n
    return out


def published_turnover_by_rating(years: Iterable[int] = range(2022, 2026)) -> pd.DataFrame:
    """:func:`group_by_rating` of the published turnover (percent) of council-year rows by
    the latest ILACS judgement before each census, the rows of
    :func:`staffsim.data.latest_rating_by_census` that have one (as
    :func:`staffsim.data.published_rates_by_rating` groups agency and vacancy rates);
    ``attrs["mean"]`` is the mean over all those rows."""
    joined = data.latest_rating_by_census(years)
    joined = joined[joined.rating.notna()]
    out = group_by_rating(joined, ("turnover_rate_fte",), rating="rating")
    out.attrs["mean"] = float(joined.turnover_rate_fte.mean())
    return out


def line(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """(slope, intercept, slope's 95% CI low, high) of the least-squares line of y on x."""
    fit = stats.linregress(x, y)
    half = stats.t.ppf(0.975, len(x) - 2) * fit.stderr
    return float(fit.slope), float(fit.intercept), fit.slope - half, fit.slope + half


def published_continuity() -> tuple[np.ndarray, np.ndarray]:
    """(turnover %, share % of children looked after with 3+ social workers) of each council
    with both in 2024: the published points of ``benchmarks/continuity_by_turnover.py``
    (CLA on 31 March 2024; turnover in the year to 30 September 2024)."""
    cla = data.cla_social_worker_stability()
    la = cla[
        (cla.geographic_level == "Local authority")
        & (cla.sw_stability == "3 or more social workers during the year")
    ][["new_la_code", "percentage"]]
    workforce = data.published_indicators()
    rows = workforce[
        (workforce.geographic_level == "Local authority") & (workforce.time_period == 2024)
    ][["new_la_code", "turnover_rate_fte"]]
    merged = la.merge(rows, on="new_la_code").dropna()
    return merged.turnover_rate_fte.to_numpy(float), merged.percentage.to_numpy(float)


def continuity_slope(
    population: pd.DataFrame, years: Iterable[int] = range(2023, 2026)
) -> tuple[tuple[float, float, float, float], int]:
    """The cross-council least-squares line of ``cla_3plus_sw_pct`` on ``turnover_rate_fte``
    (both percent) over council means of the census rows of ``years`` (means over years
    and replications; the first census has no ``cla_3plus_sw_pct``, and the continuity
    benchmark likewise leaves out each run's first year). Returns (:func:`line`,
    councils)."""
    rows = population[population.time_period.isin(list(years))]
    means = rows.groupby("la_code")[["turnover_rate_fte", "cla_3plus_sw_pct"]].mean().dropna()
    x, y = means.turnover_rate_fte.to_numpy(float), means.cla_3plus_sw_pct.to_numpy(float)
    return line(x, y), len(means)


def council_comparison(
    result: Population, years: Iterable[int] = range(2022, 2026)
) -> pd.DataFrame:
    """Each council's simulated mean rate beside its own published mean, per metric.

    One row per council and metric of :data:`COUNCIL_METRICS` (percent): ``la_code``,
    ``council``, ``metric``, ``published_mean`` (the mean of the council's published rows
    of ``years`` under any of its DfE codes, suppressed cells left out, over the census
    years simulated), ``simulated_mean`` (the mean over the same census years and every
    replication) and ``years`` (the number of census years matched). A council with no
    published row for a metric in the years simulated has no row for it.
    """
    years = [int(y) for y in years]
    table = data.published_indicators()
    table = table[(table.geographic_level == "Local authority") & table.time_period.isin(years)]
    sim = result.population
    out = []
    for council in result.councils:
        published = table[table.new_la_code.isin(council.codes)]
        simulated = sim[sim.la_code == council.la_code]
        for metric in COUNCIL_METRICS:
            have = published.dropna(subset=[metric])
            have = have[have.time_period.isin(list(simulated.time_period))]
            matched = simulated[simulated.time_period.isin(list(have.time_period))]
            if have.empty:
                continue
            out.append(
                {
                    "la_code": council.la_code,
                    "council": council.name,
                    "metric": metric,
                    "published_mean": float(have[metric].mean()),
                    "simulated_mean": float(matched[metric].mean()),
                    "years": int(have.time_period.nunique()),
                }
            )
    return pd.DataFrame(
        out,
        columns=["la_code", "council", "metric", "published_mean", "simulated_mean", "years"],
    )


def write_outputs(result: Population, out_dir: Path) -> dict[str, Path]:
    """Write ``population.csv`` (:data:`POPULATION_COLUMNS`), ``transitions.csv``
    (:func:`transitions`) and ``councils.csv`` (:func:`council_comparison`) into
    ``out_dir`` (made if missing); returns their paths by stem."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {
        "population": result.population,
        "transitions": transitions(result.judgements),
        "councils": council_comparison(result),
    }
    paths = {}
    for stem, table in tables.items():
        path = out_dir / f"{stem}.csv"
        table.to_csv(path, index=False)
        paths[stem] = path
    return paths

"""Backtests: fit a council on its published years up to one, forecast the years after.

For ``from_year`` Y and ``years`` K, :func:`backtest_council`:

1. builds the council's scenario as ``staffsim init --year Y`` does (its start state the
   DfE row for Y - 1, from 1 October Y - 1), running K + 1 years;
2. calibrates it on the census of Y (:func:`staffsim.experiment.calibrate.calibrate`):
   nothing published after Y is used;
3. runs the calibrated scenario on fresh seeds (seed + the calibration's check offset)
   and takes, for each census Y + 1 .. Y + K and each of
   :data:`~staffsim.results.backtest.BACKTEST_METRICS`, the mean over replications and the
   5th and 95th percentiles (a 90% prediction interval for one published value);
4. lays them beside the published values and the naive forecast, the last value published
   at or before Y.

:func:`backtest_all` does every council with enough data (:func:`eligible_councils`: a
return for Y - 1 and for Y with at least three of the four metrics published in Y), one
after another, each on the same backend (the replications of every evaluation run in
parallel on it), and reports each council's calibration verdict. A council whose scenario
cannot be built or fitted is listed with the reason and left out of the table, never
forced. Scores come from :func:`staffsim.results.backtest.backtest_scores`.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from staffsim.data import councils as council_data
from staffsim.errors import StaffsimError, UserError
from staffsim.experiment.backends import Backend, open_backend
from staffsim.experiment.calibrate import (
    CHECK_SEED_OFFSET,
    DEFAULT_FIT_REPLICATIONS,
    DEFAULT_MAX_EVALUATIONS,
    Calibration,
    Evaluation,
    calibrate,
    horizon_to,
    simulate_censuses,
)
from staffsim.experiment.options import RunOptions
from staffsim.results.backtest import BACKTEST_COLUMNS, BACKTEST_METRICS, backtest_scores
from staffsim.scenario.init_writer import council_scenario
from staffsim.scenario.loader import load_scenario
from staffsim.scenario.schema import Scenario
from staffsim.scenario.variants import override_scenario

__all__ = [
    "DEFAULT_FORECAST_REPLICATIONS",
    "PREDICTION_INTERVAL",
    "Backtest",
    "CouncilBacktest",
    "backtest_all",
    "backtest_council",
    "check_years",
    "eligible_councils",
    "stratified_sample",
]

DEFAULT_FORECAST_REPLICATIONS = 20
PREDICTION_INTERVAL = (5.0, 95.0)
"""Percentiles across replications bounding the 90% prediction interval."""

MIN_METRICS_PUBLISHED = 3


def check_years(from_year: int, years: int) -> None:
    """A :class:`UserError` unless the packaged returns hold the start state (``from_year -
    1``) and the fitted census (``from_year``), and ``years`` is at least 1."""
    if years < 1:
        raise UserError(f"--years must be at least 1, not {years}")
    if from_year - 1 < council_data.FIRST_YEAR or from_year > council_data.LAST_YEAR:
        raise UserError(
            f"--from {from_year}: the start state is the DfE return for {from_year - 1} and the "
            f"fit uses {from_year}; the packaged returns cover {council_data.FIRST_YEAR}-"
            f"{council_data.LAST_YEAR}, so --from {council_data.FIRST_YEAR + 1} to "
            f"{council_data.LAST_YEAR}"
        )


def init_scenario(la: str, year: int, horizon_years: float) -> tuple[Scenario, str]:
    """The council's scenario as ``staffsim init --la la --year year`` writes it, loaded,
    with its text."""
    made = council_scenario(la, year, horizon_years=horizon_years)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{made.name}.yaml"
        path.write_text(made.text, encoding="utf-8")
        return load_scenario(path), made.text


def published_history(la: str, last_year: int) -> pd.DataFrame:
    """The council's published :data:`BACKTEST_METRICS` for every year to ``last_year``
    (long: ``time_period``, ``metric``, ``published``, ``la_code``, ``la_name``)."""
    ret = council_data.find_council(la, last_year)
    return council_data.published_series(
        ret, range(council_data.FIRST_YEAR, council_data.LAST_YEAR + 1), BACKTEST_METRICS
    )


@dataclass
class CouncilBacktest:
    """One council's backtest: the table rows, its calibration and its published history."""

    la_code: str
    la_name: str
    from_year: int
    years: int
    rows: pd.DataFrame  # BACKTEST_COLUMNS
    calibration: Calibration
    history: pd.DataFrame  # published_history
    seconds: float

    def scores(self, by_horizon: bool = False) -> pd.DataFrame:
        """Coverage of the 90% intervals and error against the naive forecast, per metric
        (:func:`staffsim.results.backtest.backtest_scores`)."""
        return backtest_scores(self.rows, by_horizon=by_horizon)


def _naive(history: pd.DataFrame, from_year: int) -> dict[str, float]:
    known = history[(history.time_period <= from_year)].dropna(subset=["published"])
    out = {}
    for metric in BACKTEST_METRICS:
        rows = known[known.metric == metric].sort_values("time_period")
        out[metric] = float(rows.published.iloc[-1]) if len(rows) else float("nan")
    return out


def backtest_council(
    la: str,
    from_year: int,
    years: int,
    *,
    replications: int = DEFAULT_FORECAST_REPLICATIONS,
    fit_replications: int = DEFAULT_FIT_REPLICATIONS,
    max_evaluations: int = DEFAULT_MAX_EVALUATIONS,
    options: RunOptions | None = None,
    backend: Backend | None = None,
    on_evaluation: Callable[[Evaluation], None] | None = None,
) -> CouncilBacktest:
    """Fit council ``la`` on the census of ``from_year`` and forecast ``years`` censuses
    after it (the module docstring gives the steps)."""
    check_years(from_year, years)
    started = time.perf_counter()
    options = options or RunOptions()
    own = backend is None
    backend = backend or open_backend(options)
    try:
        scenario, _ = init_scenario(la, from_year, horizon_years=years + 1)
        cal = calibrate(
            scenario,
            la,
            [from_year],
            replications=fit_replications,
            max_evaluations=max_evaluations,
            options=options,
            backend=backend,
            on_evaluation=on_evaluation,
        )
        last = from_year + years
        forecast = override_scenario(
            cal.scenario,
            {
                "seed": cal.scenario.seed + CHECK_SEED_OFFSET,
                "horizon_years": horizon_to(cal.scenario, last),
            },
            source="backtest",
        )
        simulated = simulate_censuses(forecast, range(replications), backend, BACKTEST_METRICS)
    finally:
        if own:
            backend.close()
    history = published_history(la, from_year)
    naive = _naive(history, from_year)
    low_q, high_q = PREDICTION_INTERVAL
    rows = []
    for year in range(from_year + 1, last + 1):
        at = simulated[simulated.time_period == year]
        published = history[history.time_period == year].set_index("metric")
        for metric in BACKTEST_METRICS:
            values = at[metric].dropna().to_numpy(dtype=float)
            rows.append(
                {
                    # the council as the fit knew it, even where it returns under a new
                    # code later (North Yorkshire, Somerset from 2023): one council, one code
                    "la_code": cal.la_code,
                    "la_name": cal.la_name,
                    "time_period": year,
                    "metric": metric,
                    "published": float(published.published.get(metric, np.nan))
                    if len(published)
                    else np.nan,
                    "simulated_mean": float(values.mean()) if len(values) else np.nan,
                    "pi_low": float(np.percentile(values, low_q)) if len(values) else np.nan,
                    "pi_high": float(np.percentile(values, high_q)) if len(values) else np.nan,
                    "naive": naive[metric],
                }
            )
    return CouncilBacktest(
        la_code=cal.la_code,
        la_name=cal.la_name,
        from_year=from_year,
        years=years,
        rows=pd.DataFrame(rows, columns=list(BACKTEST_COLUMNS)),
        calibration=cal,
        history=history,
        seconds=time.perf_counter() - started,
    )


# ----------------------------------------------------------------------- every council
def eligible_councils(from_year: int) -> list[str]:
    """ONS codes of the councils with a return for ``from_year - 1`` and ``from_year`` and
    at least :data:`MIN_METRICS_PUBLISHED` of the four metrics published in ``from_year``,
    in the order of the DfE file."""
    table = council_data.council_table(year=from_year)
    out = []
    for row in table.itertuples(index=False):
        try:
            council_data.find_council(str(row.code), from_year - 1)
        except StaffsimError:
            continue
        published = sum(pd.notna(getattr(row, m)) for m in BACKTEST_METRICS)
        if published >= MIN_METRICS_PUBLISHED:
            out.append(str(row.code))
    return out


def stratified_sample(codes: Sequence[str], size: int, from_year: int, seed: int) -> list[str]:
    """``size`` of ``codes`` drawn by DfE region, in proportion to each region's councils
    (largest remainders), at least one per region while ``size`` allows; fixed by ``seed``."""
    table = council_data.council_table(year=from_year).set_index("code")
    regions = pd.Series({c: table.loc[c, "region"] for c in codes})
    counts = regions.value_counts().sort_index()
    if size >= len(codes):
        return list(codes)
    exact = counts / counts.sum() * size
    take = np.floor(exact).astype(int)
    take[take == 0] = 1 if size >= len(counts) else 0
    while take.sum() > size:
        take[take.idxmax()] -= 1
    order = (exact - np.floor(exact)).sort_values(ascending=False).index
    for region in order:
        if take.sum() >= size:
            break
        take[region] += 1
    rng = np.random.default_rng(seed)
    chosen: list[str] = []
    for region, n in take.items():
        members = sorted(regions[regions == region].index)
        chosen += [str(c) for c in rng.choice(members, size=int(n), replace=False)]
    return [c for c in codes if c in set(chosen)]


@dataclass
class Backtest:
    """Backtests of several councils: the table, each council's outcome, and scores."""

    from_year: int
    years: int
    table: pd.DataFrame  # BACKTEST_COLUMNS
    councils: pd.DataFrame  # la_code, la_name, verdict, evaluations, seconds, reason
    results: list[CouncilBacktest] = field(default_factory=list)
    seconds: float = 0.0

    def scores(self, by_horizon: bool = False) -> pd.DataFrame:
        """Coverage of the 90% intervals and error against the naive forecast, per metric."""
        return backtest_scores(self.table, by_horizon=by_horizon)


def council_outcome(result: CouncilBacktest) -> dict[str, object]:
    """The line of ``councils.csv`` for a council that ran."""
    cal = result.calibration
    return {
        "la_code": result.la_code,
        "la_name": result.la_name,
        "verdict": cal.verdict,
        "evaluations": len(cal.evaluations),
        "seconds": round(result.seconds, 1),
        "fit_seconds": round(cal.seconds, 1),
        "reason": "; ".join(cal.reasons),
    }


def backtest_all(
    codes: Sequence[str],
    from_year: int,
    years: int,
    *,
    replications: int = DEFAULT_FORECAST_REPLICATIONS,
    fit_replications: int = DEFAULT_FIT_REPLICATIONS,
    max_evaluations: int = DEFAULT_MAX_EVALUATIONS,
    options: RunOptions | None = None,
    done: Callable[[CouncilBacktest | None, str, str], None] | None = None,
) -> Backtest:
    """Backtest each council of ``codes`` on one backend. ``done(result, code, reason)``
    hears each council as it finishes (``result`` None, with the reason, if it could not
    run)."""
    started = time.perf_counter()
    options = options or RunOptions()
    results: list[CouncilBacktest] = []
    outcomes: list[dict[str, object]] = []
    with open_backend(options) as backend:
        for code in codes:
            try:
                result = backtest_council(
                    code,
                    from_year,
                    years,
                    replications=replications,
                    fit_replications=fit_replications,
                    max_evaluations=max_evaluations,
                    options=options,
                    backend=backend,
                )
            except StaffsimError as exc:
                outcomes.append(
                    {
                        "la_code": code,
                        "la_name": "",
                        "verdict": "not run",
                        "evaluations": 0,
                        "seconds": 0.0,
                        "fit_seconds": 0.0,
                        "reason": str(exc),
                    }
                )
                if done is not None:
                    done(None, code, str(exc))
                continue
            results.append(result)
            outcomes.append(council_outcome(result))
            if done is not None:
                done(result, code, "")
    table = (
        pd.concat([r.rows for r in results], ignore_index=True)
        if results
        else pd.DataFrame(columns=list(BACKTEST_COLUMNS))
    )
    return Backtest(
        from_year=from_year,
        years=years,
        table=table,
        councils=pd.DataFrame(outcomes),
        results=results,
        seconds=time.perf_counter() - started,
    )

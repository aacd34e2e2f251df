"""Fit the behaviour nobody publishes to a council's published census figures.

A scenario from ``staffsim init`` starts in a council's published state but behaves like
the typical English council. :func:`calibrate` fits four parameters that no one publishes per
council so that the simulated 30 September snapshots of the fitted years match the
council's published figures:

======================================  ================================  ============
parameter                               chiefly moves                     searched as
======================================  ================================  ============
``attrition.resignation_rate_per_year``  turnover (``turnover_rate_fte``)  log
``recruitment.applicants_per_campaign``  vacancy (``vacancy_rate_fte``)    log
``agency.availability``                  agency (``agency_rate_fte``)      logit
``demand.arrivals_per_day``              caseload (``caseload_fte``)       log
======================================  ================================  ============

``init`` derives the arrivals from cases held by Little's law with England's case
durations; the council's own case flow into the service is not in the DfE workforce file.

**Method.** Every evaluation runs the same replications (same seeds: common random
numbers), so two parameter sets are compared on the same random histories and the
objective moves smoothly enough for a derivative-based least-squares search. The
residuals are simulated mean minus published, in percentage points for the rates and in
cases per FTE for the caseload, one per fitted year and metric with a published value; the
loss is Cauchy's, log(1 + (r / s)^2) with s = :data:`ROBUST_SCALE`, so a target the model
cannot reach pulls less the further it is and does not drag the others off theirs.
SciPy's ``least_squares`` (trust-region reflective, within :data:`BOUNDS`; its Jacobian from
forward differences of :data:`DIFF_STEP` in the transformed parameters at the first guess,
then Broyden's update from each step, so an iteration costs one evaluation) starts from
:func:`first_guess`, which renewal theory gives from the published rates alone:

* resignation: the hazard whose mean completed tenure (time in post plus notice, with the
  scenario's tenure curve and retirement) is 1 / turnover, every other effect at 1;
* applicants: a post is filled for 1/h and vacant for D on average, so the vacancy share
  v = D / (1/h + D) gives the time to fill D = v / ((1 - v) h); a campaign succeeds with
  p = 1 - exp(-m), m = applicants x appointable share x acceptance x the applicant
  multiplier at the start's reputation, and D = campaign / p + gap (1/p - 1) + notice;
* agency: within a vacancy searches (each ``search_days``, succeeding with the
  availability a) alternate with assignments of mean L, so the covered share of vacant
  time is c = L / (L + search / a), and a = search c / (L (1 - c)); c is DfE's
  ``vacancy_agency_cover_rate_fte``;
* arrivals: Little's law, the published cases held in the fitted years divided by the
  scenario's mean case duration.

The search stops when every residual is within :data:`CLOSE_ENOUGH` of zero, or after
``max_evaluations`` evaluations.

**Verdict** (:data:`VERDICT_RULE`): *fit* if every fitted target is within the tolerance
(1.5 points for a rate, 1.5 cases per FTE for the caseload) of its published value in
the fit; otherwise *unfit*, reported with its closest fit and which targets it misses (a
parameter at a bound says what the model could not reach). Nothing is forced.

:func:`check_fit` then runs the calibrated scenario afresh on other seeds: the same
years (does the fit hold on random histories it was not fitted to?) and, where the
council published them, the years after (out of sample).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from staffsim.data import census_date
from staffsim.data import councils as council_data
from staffsim.errors import UserError
from staffsim.experiment.backends import Backend, TaskError, open_backend
from staffsim.experiment.options import RunOptions
from staffsim.experiment.tasks import run_task
from staffsim.results import io
from staffsim.results.manifest import versions
from staffsim.results.stats import t_interval
from staffsim.scenario import derive
from staffsim.scenario.loader import load_scenario
from staffsim.scenario.schema import Scenario
from staffsim.scenario.variants import override_scenario
from staffsim.scenario.yaml_edit import comment_block, set_values
from staffsim.units import DAYS_PER_YEAR

__all__ = [
    "BOUNDS",
    "CALIBRATION_METRICS",
    "CHECK_SEED_OFFSET",
    "CLOSE_ENOUGH",
    "DEFAULT_CHECK_REPLICATIONS",
    "DEFAULT_FIT_REPLICATIONS",
    "DEFAULT_MAX_EVALUATIONS",
    "FITTED_PARAMETERS",
    "TOLERANCE",
    "VERDICT_RULE",
    "Calibration",
    "Evaluation",
    "calibrate",
    "calibrated_text",
    "check_fit",
    "first_guess",
    "parse_years",
    "published_targets",
    "simulate_censuses",
    "write_calibrated",
]

CALIBRATION_METRICS = ("turnover_rate_fte", "vacancy_rate_fte", "agency_rate_fte", "caseload_fte")
"""The published census figures fitted, as DfE names them (rates in percent, caseload in
cases per case-holding FTE)."""

FITTED_PARAMETERS = (
    "attrition.resignation_rate_per_year",
    "recruitment.applicants_per_campaign",
    "agency.availability",
    "demand.arrivals_per_day",
)
"""The parameters fitted, in the order of :data:`CALIBRATION_METRICS` they chiefly move."""

BOUNDS: Mapping[str, tuple[float, float]] = {
    "attrition.resignation_rate_per_year": (0.005, 1.5),
    "recruitment.applicants_per_campaign": (0.01, 50.0),
    "agency.availability": (0.002, 0.998),
}
"""Plausible ranges searched (1/year, people, chance per search); the arrivals are searched
within a fifth to five times the scenario's own."""

ARRIVALS_RANGE = (0.2, 5.0)

TOLERANCE: Mapping[str, float] = {
    "turnover_rate_fte": 1.5,
    "vacancy_rate_fte": 1.5,
    "agency_rate_fte": 1.5,
    "caseload_fte": 1.5,
}
"""How far a fitted mean may be from its published value for the verdict *fit*
(percentage points; cases per FTE for the caseload)."""

VERDICT_RULE = (
    "fit: every fitted target with a published value within 1.5 points (rates) or 1.5 cases "
    "per FTE (caseload) of it, as the mean of the fit's replications; unfit otherwise, shown "
    "with its closest fit"
)

CLOSE_ENOUGH = 0.3
"""The search stops once every residual is this close to zero (points; cases per FTE)."""

DIFF_STEP = 0.04
"""Relative finite-difference step of the search in the transformed parameters: large
enough that the common-random-number objective (a sum of discrete events) moves."""

ROBUST_SCALE = 1.5
"""Scale of the search's Cauchy loss (points; cases per FTE): residuals well beyond it pull
little more than it."""

DEFAULT_FIT_REPLICATIONS = 10
DEFAULT_MAX_EVALUATIONS = 40
DEFAULT_CHECK_REPLICATIONS = 20
CHECK_SEED_OFFSET = 100_000
"""The fresh check runs on seed + this: random histories the fit never saw."""

MAX_COVER_SHARE = 0.95
"""The highest covered share of vacant time the first guess of the availability aims at."""

CALIBRATED_HEADER = "# Calibrated on"
"""How a calibrated file's header starts (a later calibration replaces that header)."""


# ----------------------------------------------------------------------------- years
def parse_years(text: str) -> tuple[int, ...]:
    """``"2022"`` or ``"2021-2022"`` as the reporting years, in order; a UserError otherwise."""
    parts = str(text).strip().split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        raise UserError(
            f"--years {text!r}: expected a reporting year such as 2022 or a range such as 2021-2022"
        ) from None
    if len(numbers) not in (1, 2) or numbers[0] > numbers[-1]:
        raise UserError(f"--years {text!r}: expected a year or a rising range such as 2021-2022")
    first, last = numbers[0], numbers[-1]
    if not council_data.FIRST_YEAR <= first <= last <= council_data.LAST_YEAR:
        raise UserError(
            f"--years {text!r}: the packaged DfE returns cover {council_data.FIRST_YEAR}-"
            f"{council_data.LAST_YEAR}"
        )
    return tuple(range(first, last + 1))


def published_targets(la: str, years: Sequence[int]) -> pd.DataFrame:
    """The council's published :data:`CALIBRATION_METRICS` for ``years`` (long form, see
    :func:`staffsim.data.councils.published_series`); a lookup error for a council that
    made no return in the last of them."""
    ret = council_data.find_council(la, years[-1])
    return council_data.published_series(ret, years, CALIBRATION_METRICS)


def _check_span(scenario: Scenario, years: Sequence[int]) -> None:
    if census_date(years[0]) <= scenario.start_date:
        raise UserError(
            f"--years {years[0]}: the scenario {scenario.name!r} starts on "
            f"{scenario.start_date.isoformat()}, after that year's census "
            f"({census_date(years[0]).isoformat()}); fit years whose census it simulates "
            f"(from {_first_census(scenario)})"
        )


def _first_census(scenario: Scenario) -> int:
    year = scenario.start_date.year
    return year if census_date(year) > scenario.start_date else year + 1


def horizon_to(scenario: Scenario, year: int) -> float:
    """Simulated years from the start that take in the census of ``year``."""
    days = (census_date(year) - scenario.start_date).days + 1
    return math.ceil(days / DAYS_PER_YEAR * 1000) / 1000


# ---------------------------------------------------------------------- simulation
def simulate_censuses(
    scenario: Scenario,
    replications: Iterable[int],
    backend: Backend,
    metrics: Sequence[str] = CALIBRATION_METRICS,
) -> pd.DataFrame:
    """Run ``replications`` of ``scenario`` on ``backend``; one row per replication and
    census (``replication``, ``time_period`` and ``metrics``). A failed replication raises
    :class:`UserError` with its error: a fit on fewer replications would be biased."""
    rows: list[dict[str, Any]] = []
    tasks = [(scenario, int(r)) for r in replications]
    for _, record in backend.imap_unordered(run_task, tasks):
        if isinstance(record, TaskError):
            raise UserError(f"a replication of {scenario.name!r} failed: {record.error}")
        if record.get("status", "ok") != "ok":
            raise UserError(f"replication {record['replication']} failed: {record['error']}")
        for row in record["annual"]:
            rows.append(
                {
                    "replication": int(record["replication"]),
                    "time_period": int(row["time_period"]),
                    **{m: float(row[m]) for m in metrics},
                }
            )
    table = pd.DataFrame(rows, columns=["replication", "time_period", *metrics])
    return table.sort_values(["replication", "time_period"]).reset_index(drop=True)


def summarise(
    simulated: pd.DataFrame, targets: pd.DataFrame, confidence: float = 0.95
) -> pd.DataFrame:
    """Published against simulated for each target row: ``simulated_mean``, ``ci_low``,
    ``ci_high`` (a t interval over replications at ``confidence``) and ``error`` (mean -
    published; NaN where nothing was published)."""
    out = []
    for target in targets.itertuples(index=False):
        values = simulated.loc[simulated.time_period == target.time_period, target.metric]
        interval = t_interval(values.dropna().to_numpy(), confidence)
        out.append(
            {
                "time_period": int(target.time_period),
                "metric": target.metric,
                "published": float(target.published),
                "simulated_mean": interval.mean,
                "ci_low": interval.low,
                "ci_high": interval.high,
                "error": interval.mean - float(target.published),
            }
        )
    return pd.DataFrame(out)


# ---------------------------------------------------------------------- first guess
def _mean(x: Any) -> float:
    return float(x.mean) if hasattr(x, "mean") else float(x)


def first_guess(
    scenario: Scenario, targets: pd.DataFrame, cover_share: float | None = None
) -> dict[str, float]:
    """Renewal-theory first guesses of :data:`FITTED_PARAMETERS` from the published rates
    (the module docstring gives the formulas). A parameter whose rates were not published
    keeps the scenario's value. ``cover_share`` is DfE's share of vacant FTE covered by
    agency (a fraction); without it, agency FTE / vacancy FTE is used."""
    pub = targets.groupby("metric").published.mean()
    guess = {key: _current(scenario, key) for key in FITTED_PARAMETERS}
    turnover = pub.get("turnover_rate_fte", math.nan) / 100
    vacancy = pub.get("vacancy_rate_fte", math.nan) / 100
    agency = pub.get("agency_rate_fte", math.nan) / 100
    a = scenario.attrition
    if turnover > 0:
        target_days = DAYS_PER_YEAR / turnover
        lo, hi = 0.0, BOUNDS["attrition.resignation_rate_per_year"][1]
        for _ in range(40):
            mid = (lo + hi) / 2
            mean_days = derive.mean_completed_tenure_days(
                mid,
                1.0,
                scenario,
                step=5.0,
                retirement_rate_per_year=a.retirement_rate_per_year,
                notice_days=_mean(a.notice_days),
            )[0]
            lo, hi = (mid, hi) if mean_days > target_days else (lo, mid)
        guess["attrition.resignation_rate_per_year"] = _clip(
            "attrition.resignation_rate_per_year", (lo + hi) / 2
        )
    r = scenario.recruitment
    effects = scenario.effects
    reputation = scenario.reputation.initial
    if turnover > 0 and 0 <= vacancy < 1:
        fill_days = vacancy / (1 - vacancy) * DAYS_PER_YEAR / turnover
        campaign, gap = _mean(r.campaign_days), r.readvertise_gap_days
        campaigns = (fill_days - _mean(r.starter_notice_days) + gap) / (campaign + gap)
        p = 1 / max(campaigns, 1.02)
        multiplier = effects.reputation_on_applicants(reputation) * effects.pay_on_applicants(1.0)
        per_applicant = r.appointable_share * r.offer_acceptance * multiplier
        if per_applicant > 0:
            guess["recruitment.applicants_per_campaign"] = _clip(
                "recruitment.applicants_per_campaign", -math.log(1 - p) / per_applicant
            )
    cover = cover_share
    if cover is None and vacancy > 0 and agency >= 0:
        cover = min(agency / vacancy, 0.95)
    if cover is not None and cover > 0:
        # agency workers beyond the vacancies (a share over 1) still say the market is easy
        cover = min(cover, MAX_COVER_SHARE)
        ag = scenario.agency
        stay, search = _mean(ag.assignment_days), _mean(ag.search_days)
        found = search * cover / (stay * (1 - cover))
        found /= max(effects.reputation_on_agency_availability(reputation), 1e-6)
        guess["agency.availability"] = _clip("agency.availability", found)
    cases = _published_cases(targets)
    if cases is not None:
        guess["demand.arrivals_per_day"] = cases / scenario.demand.mean_duration_days
    return guess


def _published_cases(targets: pd.DataFrame) -> float | None:
    """Cases held in the fitted years, if the targets carry them (``cases`` rows)."""
    cases = targets.loc[targets.metric == "cases", "published"].dropna()
    return float(cases.mean()) if len(cases) else None


def _current(scenario: Scenario, key: str) -> float:
    section, name = key.split(".")
    return float(getattr(getattr(scenario, section), name))


def _clip(key: str, value: float) -> float:
    lo, hi = BOUNDS[key]
    return float(min(max(value, lo), hi))


# ------------------------------------------------------------------ transformations
def _to_x(key: str, value: float) -> float:
    if key == "agency.availability":
        return math.log(value / (1 - value))
    return math.log(value)


def _from_x(key: str, x: float) -> float:
    if key == "agency.availability":
        return 1 / (1 + math.exp(-x))
    return math.exp(x)


def _x_bounds(scenario: Scenario, keys: Sequence[str]) -> tuple[list[float], list[float]]:
    lows, highs = [], []
    for key in keys:
        if key == "demand.arrivals_per_day":
            # around the arrivals that keep the start's open cases (Little's law), so the
            # range does not move with the value being calibrated
            open_cases = scenario.initial.open_cases or 0
            base = open_cases / scenario.demand.mean_duration_days
            base = max(base or scenario.demand.arrivals_per_day, 1e-6)
            lo, hi = base * ARRIVALS_RANGE[0], base * ARRIVALS_RANGE[1]
        else:
            lo, hi = BOUNDS[key]
        lows.append(_to_x(key, lo))
        highs.append(_to_x(key, hi))
    return lows, highs


# ---------------------------------------------------------------------- the search
@dataclass(frozen=True)
class Evaluation:
    """One evaluation of the search: the parameters tried and the fit they gave."""

    number: int
    parameters: dict[str, float]
    fit: pd.DataFrame  # summarise()'s table
    seconds: float

    @property
    def residuals(self) -> np.ndarray:
        scored = self.fit.dropna(subset=["published"])
        return (scored.error / scored.metric.map(TOLERANCE)).to_numpy(dtype=float) * 1.5

    @property
    def cost(self) -> float:
        r = self.residuals
        return float(np.sum(np.nan_to_num(r, nan=1e3) ** 2))


class _Converged(Exception):
    pass


@dataclass
class Calibration:
    """What :func:`calibrate` found.

    ``scenario`` is the calibrated scenario; ``fit`` the fit table (``time_period``,
    ``metric``, ``published``, ``simulated_mean``, ``ci_low``, ``ci_high``, ``error``) at the
    fitted parameters; ``verdict`` ``"fit"`` or ``"unfit"`` by :data:`VERDICT_RULE`, with
    ``reasons``; ``first_guess`` and ``parameters`` the start and the end of the search;
    ``at_bound`` the parameters that ended at a bound of their range.
    """

    la_code: str
    la_name: str
    years: tuple[int, ...]
    scenario: Scenario
    original: Scenario
    parameters: dict[str, float]
    first_guess: dict[str, float]
    fit: pd.DataFrame
    verdict: str
    reasons: list[str]
    evaluations: list[Evaluation]
    replications: int
    seconds: float
    at_bound: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def fitted(self) -> bool:
        return self.verdict == "fit"

    def comments(self) -> dict[str, str]:
        """Per fitted parameter, a comment saying what it was fitted to, and how well."""
        years = years_text(self.years)
        scored = self.fit.dropna(subset=["published"])
        parts = []
        for metric in CALIBRATION_METRICS:
            rows = scored[scored.metric == metric]
            if len(rows):
                pub = ", ".join(f"{v:g}" for v in rows.published)
                sim = ", ".join(f"{v:.1f}" for v in rows.simulated_mean)
                parts.append(f"{metric} published {pub}, simulated {sim}")
        summary = "; ".join(parts)
        out = {}
        for key in FITTED_PARAMETERS:
            was = _current(self.original, key)
            out[key] = (
                f"calibrated by `staffsim calibrate --la {self.la_name} --years {years}` to "
                f"{self.la_name}'s DfE census {years} ({self.replications} replications, "
                f"common random numbers; verdict {self.verdict}): {summary}; before "
                f"calibration {was:g}"
                + (" (at the bound of its search range)" if key in self.at_bound else "")
            )
        return out


def years_text(years: Sequence[int]) -> str:
    """``2022`` or ``2021-2022``."""
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def _with(scenario: Scenario, parameters: Mapping[str, float], horizon: float | None) -> Scenario:
    changes: dict[str, Any] = {k: round(float(v), 6) for k, v in parameters.items()}
    if horizon is not None:
        changes["horizon_years"] = horizon
    return override_scenario(scenario, changes, source="calibration")


def _verdict(fit: pd.DataFrame) -> tuple[str, list[str]]:
    scored = fit.dropna(subset=["published"])
    if scored.empty:
        return "unfit", ["nothing was published for the fitted years"]
    reasons = []
    for row in scored.itertuples(index=False):
        tol = TOLERANCE[row.metric]
        if not abs(row.error) <= tol:
            reasons.append(
                f"{row.metric} {row.time_period}: simulated {row.simulated_mean:.1f} against "
                f"published {row.published:g} (off by {row.error:+.1f}; tolerance {tol:g})"
            )
    return ("fit" if not reasons else "unfit"), reasons


def calibrate(
    scenario: Scenario,
    la: str,
    years: Sequence[int],
    *,
    replications: int = DEFAULT_FIT_REPLICATIONS,
    max_evaluations: int = DEFAULT_MAX_EVALUATIONS,
    options: RunOptions | None = None,
    backend: Backend | None = None,
    on_evaluation: Callable[[Evaluation], None] | None = None,
    targets: pd.DataFrame | None = None,
) -> Calibration:
    """Fit :data:`FITTED_PARAMETERS` of ``scenario`` to council ``la``'s published
    census figures for ``years`` (the module docstring gives the method and the verdict).

    Each evaluation runs replications ``0 .. replications - 1`` on the scenario's seed
    (``options.seed`` overrides it) on ``backend`` (default: the one ``options`` ask for,
    opened here and closed at the end). ``on_evaluation`` hears each evaluation as it
    finishes. ``targets`` (``time_period``, ``metric``, ``published``; optionally rows of
    ``cases`` and ``vacancy_agency_cover_rate_fte`` for the first guess) replaces the
    published figures, to fit figures from elsewhere. Raises :class:`UserError` if the
    scenario does not simulate those censuses or nothing was published to fit.
    """
    years = tuple(sorted(int(y) for y in years))
    options = options or RunOptions()
    if options.seed is not None:
        scenario = override_scenario(scenario, {"seed": options.seed}, source="seed")
    _check_span(scenario, years)
    ret = council_data.find_council(la, years[-1])
    if targets is None:
        published = published_targets(la, years)
        extra = council_data.published_series(
            ret, years, ["cases", "vacancy_agency_cover_rate_fte"]
        )
    else:
        given = targets.assign(la_code=ret.code, la_name=ret.name)
        published = given[given.metric.isin(CALIBRATION_METRICS)].reset_index(drop=True)
        extra = given[~given.metric.isin(CALIBRATION_METRICS)]
    targets = published
    la_code, la_name = str(targets.la_code.iloc[-1]), str(targets.la_name.iloc[-1])
    if targets.published.notna().sum() == 0:
        raise UserError(
            f"{la_name} published none of {', '.join(CALIBRATION_METRICS)} for "
            f"{years_text(years)}: nothing to calibrate to"
        )
    cover = extra.loc[extra.metric == "vacancy_agency_cover_rate_fte", "published"].dropna()
    guess_targets = pd.concat([targets, extra[extra.metric == "cases"]], ignore_index=True)
    guess = first_guess(scenario, guess_targets, float(cover.mean()) / 100 if len(cover) else None)
    keys = list(FITTED_PARAMETERS)
    horizon = horizon_to(scenario, years[-1])
    reps = range(replications)
    evaluations: list[Evaluation] = []
    cache: dict[tuple[float, ...], Evaluation] = {}
    started = time.perf_counter()
    own_backend = backend is None
    backend = backend or open_backend(options)
    lows, highs = _x_bounds(scenario, keys)

    def evaluate(x: np.ndarray) -> Evaluation:
        key = tuple(round(float(v), 9) for v in x)
        if key in cache:
            return cache[key]
        params = {k: _from_x(k, float(v)) for k, v in zip(keys, x, strict=True)}
        t0 = time.perf_counter()
        simulated = simulate_censuses(_with(scenario, params, horizon), reps, backend)
        fit = summarise(simulated, targets)
        ev = Evaluation(len(evaluations) + 1, params, fit, time.perf_counter() - t0)
        evaluations.append(ev)
        cache[key] = ev
        if on_evaluation is not None:
            on_evaluation(ev)
        return ev

    def residuals(x: np.ndarray) -> np.ndarray:
        if len(evaluations) >= max_evaluations:
            raise _Converged
        ev = evaluate(x)
        r = np.nan_to_num(ev.residuals, nan=0.0)
        if np.all(np.abs(ev.fit.dropna(subset=["published"]).error) <= CLOSE_ENOUGH):
            raise _Converged
        return r

    last: dict[str, np.ndarray] = {}

    def jacobian(x: np.ndarray) -> np.ndarray:
        # Forward differences once, at the first guess; after that Broyden's rank-one
        # update from the step between successive points, so that an iteration costs one
        # evaluation instead of one per parameter.
        f = residuals(x)
        if not last:
            jac = np.empty((len(f), len(x)))
            for j in range(len(x)):
                step = DIFF_STEP * max(1.0, abs(float(x[j])))
                moved = x.copy()
                moved[j] = x[j] + step if x[j] + step <= highs[j] else x[j] - step
                jac[:, j] = (residuals(moved) - f) / (moved[j] - x[j])
        else:
            jac = last["jac"]
            dx, df = x - last["x"], f - last["f"]
            if float(dx @ dx) > 0:
                jac = jac + np.outer(df - jac @ dx, dx) / float(dx @ dx)
        last.update(x=x.copy(), f=f.copy(), jac=jac)
        return jac

    x0 = np.array(
        [min(max(_to_x(k, guess[k]), lo), hi) for k, lo, hi in zip(keys, lows, highs, strict=True)]
    )
    message = ""
    try:
        result = least_squares(
            residuals,
            x0,
            jac=jacobian,
            bounds=(lows, highs),
            method="trf",
            # a robust loss: a target the model cannot reach (agency beyond the vacancies,
            # say) pulls less the further it is, so it does not drag the others off theirs
            loss="cauchy",
            f_scale=ROBUST_SCALE,
            x_scale=1.0,
            max_nfev=max_evaluations,
            xtol=1e-3,
            ftol=1e-4,
        )
        message = str(result.message)
    except _Converged:
        message = (
            "every residual within the stopping distance"
            if len(evaluations) < max_evaluations
            else f"the evaluation budget ({max_evaluations}) was spent"
        )
    finally:
        if own_backend:
            backend.close()
    best = min(evaluations, key=lambda e: e.cost)
    at_bound = [
        k
        for k, lo, hi in zip(keys, lows, highs, strict=True)
        if min(abs(_to_x(k, best.parameters[k]) - lo), abs(_to_x(k, best.parameters[k]) - hi))
        < 1e-3
    ]
    verdict, reasons = _verdict(best.fit)
    if verdict == "unfit" and at_bound:
        reasons.append(
            "at the bound of its search range: " + ", ".join(at_bound) + " (the model cannot "
            "reach the published figures with plausible values)"
        )
    calibrated = _with(scenario, best.parameters, None)
    return Calibration(
        la_code=la_code,
        la_name=la_name,
        years=years,
        scenario=calibrated,
        original=scenario,
        parameters={k: round(float(v), 6) for k, v in best.parameters.items()},
        first_guess=guess,
        fit=best.fit,
        verdict=verdict,
        reasons=reasons,
        evaluations=evaluations,
        replications=replications,
        seconds=time.perf_counter() - started,
        at_bound=at_bound,
        message=message,
    )


def check_fit(
    calibration: Calibration,
    *,
    replications: int = DEFAULT_CHECK_REPLICATIONS,
    ahead_years: int = 1,
    options: RunOptions | None = None,
    backend: Backend | None = None,
) -> pd.DataFrame:
    """The calibrated scenario run afresh on seed + :data:`CHECK_SEED_OFFSET`.

    Rows for the fitted years (``role`` ``"fit"``) and for up to ``ahead_years`` years after
    them that the council published and the scenario reaches (``"out of sample"``), with
    the columns of the fit table (a 95% t interval over ``replications``).
    """
    scenario = calibration.scenario
    last = min(calibration.years[-1] + ahead_years, council_data.LAST_YEAR)
    years = list(range(calibration.years[0], last + 1))
    fresh = override_scenario(
        scenario,
        {"seed": scenario.seed + CHECK_SEED_OFFSET, "horizon_years": horizon_to(scenario, last)},
        source="check",
    )
    ret = council_data.find_council(calibration.la_code, calibration.years[-1])
    targets = council_data.published_series(ret, years, CALIBRATION_METRICS)
    own_backend = backend is None
    backend = backend or open_backend(options or RunOptions())
    try:
        simulated = simulate_censuses(fresh, range(replications), backend)
    finally:
        if own_backend:
            backend.close()
    table = summarise(simulated, targets)
    table.insert(
        0,
        "role",
        np.where(table.time_period.isin(calibration.years), "fit", "out of sample"),
    )
    return table


# ------------------------------------------------------------------ the written file
def calibrated_text(source_text: str, source: str, cal: Calibration, command: str) -> str:
    """The source file's text with the fitted values and a header saying how they were
    fitted."""
    comments = cal.comments()
    lines = source_text.splitlines(keepends=True)
    if lines and lines[0].startswith(CALIBRATED_HEADER):  # an earlier calibration's header
        lines.pop(0)
        while lines and lines[0].startswith("#   "):
            lines.pop(0)
    text = set_values(
        "".join(lines),
        {k: (cal.parameters[k], comments[k]) for k in FITTED_PARAMETERS},
        source,
    )
    header = (
        f"{CALIBRATED_HEADER[2:]} {dt.date.today().isoformat()} by staffsim "
        f"{versions()['staffsim']}: `{command}`. "
        f"Fitted {', '.join(FITTED_PARAMETERS)} to {cal.la_name}'s ({cal.la_code}) DfE census "
        f"figures for {years_text(cal.years)} (dfe_csww_indicators_2017_to_2025.csv): "
        f"verdict {cal.verdict.upper()} ({VERDICT_RULE})."
        + (" Misses: " + "; ".join(cal.reasons) + "." if cal.reasons else "")
        + " Each fitted value's comment gives its fit; every other value is as the file had it."
    )
    return "\n".join(comment_block(header, 0)) + "\n" + text


def write_calibrated(path: Path, text: str, cal: Calibration) -> None:
    """Write the calibrated scenario atomically, after checking the loader reads back the
    fitted values."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with io.atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
        back = load_scenario(tmp)
        for key, value in cal.parameters.items():
            section, name = key.split(".")
            if abs(float(getattr(getattr(back, section), name)) - value) > 1e-6:
                raise UserError(f"{path}: {key} did not read back as {value}")

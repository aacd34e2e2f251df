"""staffsim: a discrete-event simulation of a children's social work service.

The public API for notebooks and scripts lives here; the layers below it are
``scenario`` (validated inputs), ``streams`` (named random numbers), ``model``
(SimPy processes), ``results`` (tables), ``experiment`` (replications and
comparisons), ``report`` (figures) and ``cli`` (the command line).

::

    import staffsim

    base = staffsim.load_scenario("scenarios/england_2025.yaml")
    lower = staffsim.load_scenario(
        "scenarios/england_2025.yaml", name="admin_25", capacity__admin_share=0.25
    )
    results = staffsim.run(base, replications=20)
    results.summary()                      # means and 95% CIs per year and overall
    comparison = staffsim.compare(base, lower, replications=20)
    comparison.comparison                  # paired differences on common random numbers
    appraisal = staffsim.appraise(base, lower, replications=20)
    appraisal.table                        # NPV (Green Book), payback, cost-effectiveness
    staffsim.Results.load("runs/england_2025")   # a saved run, without re-simulating

Everything is imported on first use, so ``import staffsim`` stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Appraisal",
    "ComparisonResults",
    "Results",
    "RunOptions",
    "SweepResults",
    "__version__",
    "appraise",
    "backtest",
    "backtest_figure",
    "calibrate",
    "check_calibration",
    "compare",
    "init_council",
    "load_scenario",
    "run",
    "sweep",
    "variant",
]

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from staffsim.appraisal.appraise import Appraisal
    from staffsim.experiment.backtest import CouncilBacktest
    from staffsim.experiment.calibrate import Calibration
    from staffsim.experiment.options import RunOptions
    from staffsim.experiment.progress import ProgressCallback
    from staffsim.results.results import ComparisonResults, Results, SweepResults
    from staffsim.scenario.schema import Scenario

_LAZY = {
    "Appraisal": "staffsim.appraisal.appraise",
    "RunOptions": "staffsim.experiment.options",
    "Results": "staffsim.results.results",
    "ComparisonResults": "staffsim.results.results",
    "SweepResults": "staffsim.results.results",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'staffsim' has no attribute {name!r}")


def load_scenario(
    path: str | Path, overrides: Mapping[str, Any] | None = None, **keyword_overrides: Any
) -> Scenario:
    """Read and validate a scenario file, with optional changes.

    Changes are dotted key paths in ``overrides`` (``{"caseload.target_per_fte": 18}``) or
    keywords with ``__`` for the dot (``caseload__target_per_fte=18``); keywords win. Give a
    variant its own ``name=`` so that its tables can be told apart. Raises
    ``ScenarioError`` listing every problem, each naming where the value came from: the
    file and line, ``overrides`` or the keyword.
    """
    from staffsim.scenario.loader import load_scenario as _load
    from staffsim.scenario.overrides import as_overrides
    from staffsim.scenario.overrides import keyword_overrides as from_keywords

    return _load(path, [*as_overrides(overrides), *from_keywords(keyword_overrides)])


def _scenario(scenario: Scenario | str | Path, years: float | None) -> Scenario:
    from staffsim.scenario.variants import override_scenario

    loaded = load_scenario(scenario) if isinstance(scenario, str | Path) else scenario
    if years is None:
        return loaded
    return override_scenario(loaded, {"horizon_years": years}, source="years")


def _run_options(
    label: str,
    progress: bool | ProgressCallback | None,
    **settings: Any,
) -> tuple[RunOptions, Callable[[], None]]:
    """The :class:`RunOptions` of an API call, and what to call when the run is over (to
    close a progress display). ``progress=True`` shows a bar on a terminal or in a notebook
    with ipywidgets, and a line per tenth of the replications elsewhere."""
    from staffsim.experiment.options import RunOptions

    options = RunOptions(**settings)  # checked before a bar is drawn
    if progress is True:
        from staffsim.report.progress import progress_display

        display = progress_display(label)
        return options.replace(progress=display), display.close
    return options.replace(progress=progress or None), lambda: None


def run(
    scenario: Scenario | str | Path,
    replications: int = 10,
    *,
    seed: int | None = None,
    years: float | None = None,
    jobs: int | None = None,
    backend: str | None = None,
    scheduler: str | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool | ProgressCallback | None = True,
) -> Results:
    """Run replications of a scenario (a :class:`Scenario` or a file) and tabulate them.

    ``seed`` defaults to the scenario's; ``years`` replaces its horizon; ``jobs`` is the
    number of worker processes (default: every core); ``backend`` is ``"local"`` or
    ``"dask"`` (default: local, or dask when a ``scheduler`` address is given; dask without
    one starts a local cluster). With ``out`` the tables and manifest are saved in that
    folder as well: ``resume=True`` completes an interrupted run there and
    ``overwrite=True`` replaces an earlier run's results. ``progress`` shows a bar
    (``True``), nothing (``False``), or calls ``progress(done, total, elapsed_seconds)``.
    """
    from staffsim.experiment.runner import run_replications

    chosen = _scenario(scenario, years)
    options, close = _run_options(
        chosen.name,
        progress,
        replications=replications,
        seed=seed,
        jobs=jobs,
        backend=backend,
        scheduler=scheduler,
        out_dir=out,
        resume=resume,
        overwrite=overwrite,
    )
    try:
        return run_replications(chosen, options)
    finally:
        close()


def compare(
    base: Scenario | str | Path,
    *options: Scenario | str | Path,
    labels: Sequence[str] | None = None,
    replications: int = 10,
    seed: int | None = None,
    years: float | None = None,
    precision: float | None = None,
    max_replications: int = 200,
    metrics: Sequence[str] | None = None,
    jobs: int | None = None,
    backend: str | None = None,
    scheduler: str | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool | ProgressCallback | None = True,
) -> ComparisonResults:
    """Compare options with a base scenario on common random numbers.

    Every scenario runs the same seed (the base's unless ``seed`` is given) and
    replications. ``.comparison`` holds, per metric, option and period (each year and
    ``all``), the means, the difference option - base with its 95% paired-t interval, and
    ``p_better``, the share of replications in which the option did better. ``precision``
    (e.g. 0.05) adds replications until every headline metric is estimated within that
    fraction of its mean (at most ``max_replications``). Other arguments as for
    :func:`run`.
    """
    from staffsim.experiment.compare import PrecisionRule, compare_scenarios

    chosen = [_scenario(s, years) for s in (base, *options)]
    rule = None if precision is None else PrecisionRule(precision, max_replications)
    run_options, close = _run_options(
        "compare",
        progress,
        replications=replications,
        seed=seed,
        jobs=jobs,
        backend=backend,
        scheduler=scheduler,
        out_dir=out,
        resume=resume,
        overwrite=overwrite,
    )
    try:
        return compare_scenarios(
            chosen[0],
            chosen[1:],
            run_options,
            labels=labels,
            precision=rule,
            metrics=metrics,
        )
    finally:
        close()


def sweep(
    scenario: Scenario | str | Path,
    vary: Mapping[str, Sequence[Any]],
    *,
    replications: int = 10,
    seed: int | None = None,
    years: float | None = None,
    metrics: Sequence[str] | None = None,
    jobs: int | None = None,
    backend: str | None = None,
    scheduler: str | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool | ProgressCallback | None = True,
) -> SweepResults:
    """Run every combination of ``vary`` (dotted key path -> values) on common random
    numbers; ``.table`` summarises each grid point's metrics per year and overall. Other
    arguments as for :func:`run`."""
    from staffsim.experiment.sweep import sweep_scenarios

    chosen = _scenario(scenario, years)
    options, close = _run_options(
        "sweep",
        progress,
        replications=replications,
        seed=seed,
        jobs=jobs,
        backend=backend,
        scheduler=scheduler,
        out_dir=out,
        resume=resume,
        overwrite=overwrite,
    )
    try:
        return sweep_scenarios(chosen, vary, options, metrics=metrics)
    finally:
        close()


def appraise(
    base: Scenario | str | Path | None = None,
    *options: Scenario | str | Path,
    labels: Sequence[str] | None = None,
    replications: int = 10,
    seed: int | None = None,
    years: float | None = None,
    optimism_bias_pct: float | None = None,
    switching_grid: Mapping[str, Sequence[float]] | None = None,
    from_results: str | Path | ComparisonResults | None = None,
    jobs: int | None = None,
    backend: str | None = None,
    scheduler: str | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool | ProgressCallback | None = True,
) -> Appraisal:
    """Appraise options against a base to the Green Book, in real prices of the scenarios'
    ``price_base_year``.

    Compares them on common random numbers (as :func:`compare`), then gives per option the
    NPV of option minus base at the STPR with its 95% CI, payback, cost-effectiveness and
    switching values (``.table``, ``.cashflows``, ``.switching``, ``.outcomes``).
    ``optimism_bias_pct`` uplifts the policies' own costs (default 41, the Green Book
    supplementary guidance's upper bound for operating costs); ``switching_grid`` maps
    feedback effects to strengths re-run for behavioural switching values (default the
    pressure effect at 0, 0.5, 1.5 and 2; ``{}`` for none). With ``from_results`` (a saved
    comparison's folder, or a :class:`ComparisonResults`) nothing is re-run and no
    scenarios are needed; ``out`` saves the files. Other arguments as for :func:`run`.
    """
    from staffsim.appraisal.appraise import OPTIMISM_BIAS_PCT, appraise_comparison
    from staffsim.appraisal.behaviour import appraise as _appraise

    bias = OPTIMISM_BIAS_PCT if optimism_bias_pct is None else optimism_bias_pct
    if from_results is not None:
        from staffsim.results.results import ComparisonResults

        loaded = (
            from_results
            if isinstance(from_results, ComparisonResults)
            else ComparisonResults.load(from_results)
        )
        result = appraise_comparison(loaded, optimism_bias_pct=bias)
        if out is not None:
            result.save(out)
        return result
    if base is None or not options:
        from staffsim.errors import UserError

        raise UserError("appraise needs a base scenario and at least one option, or from_results")
    chosen = [_scenario(s, years) for s in (base, *options)]
    run_options, close = _run_options(
        "appraise",
        progress,
        replications=replications,
        seed=seed,
        jobs=jobs,
        backend=backend,
        scheduler=scheduler,
        out_dir=out,
        resume=resume,
        overwrite=overwrite,
    )
    try:
        return _appraise(
            chosen[0],
            chosen[1:],
            run_options,
            labels=labels,
            optimism_bias_pct=bias,
            switching_grid=switching_grid,
        )
    finally:
        close()


def init_council(
    la: str, year: int, horizon_years: float = 5.0, out: str | Path | None = None
) -> Scenario:
    """The scenario ``staffsim init --la la --year year`` writes: council ``la`` (a name,
    ONS code or DfE code) from 1 October ``year - 1``, in the state of its DfE return for
    ``year - 1``, each value's source in a comment. With ``out`` the commented file is
    written there as well (replacing one that exists)."""
    import tempfile

    from staffsim.results.io import atomic_path
    from staffsim.scenario.init_writer import council_scenario
    from staffsim.scenario.loader import load_scenario as _load

    made = council_scenario(la, year, horizon_years=horizon_years)
    if out is not None:
        with atomic_path(out) as tmp:
            tmp.write_text(made.text, encoding="utf-8")
            return _load(tmp)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{made.name}.yaml"
        path.write_text(made.text, encoding="utf-8")
        return _load(path)


def _years(years: int | str | Sequence[int]) -> tuple[int, ...]:
    from staffsim.experiment.calibrate import parse_years

    if isinstance(years, int | str):
        return parse_years(str(years))
    return tuple(sorted(int(y) for y in years))


def calibrate(
    scenario: Scenario | str | Path,
    la: str,
    years: int | str | Sequence[int],
    *,
    replications: int = 10,
    max_evaluations: int = 40,
    seed: int | None = None,
    jobs: int | None = None,
    backend: str | None = None,
    scheduler: str | None = None,
    out: str | Path | None = None,
) -> Calibration:
    """Fit the scenario's resignation hazard, applicants per campaign, agency availability
    and case arrivals to council ``la``'s published turnover, vacancy and agency rates and
    caseload for ``years`` (``2022``, ``"2021-2022"`` or a list), as ``staffsim calibrate``
    does. ``.scenario`` is the calibrated scenario, ``.fit`` the fit table, ``.verdict``
    ``"fit"`` or ``"unfit"`` with ``.reasons``. With ``out`` (and a scenario file) the
    calibrated file, its values commented with the fit, is written there."""
    from staffsim.experiment.calibrate import calibrate as _calibrate
    from staffsim.experiment.options import RunOptions

    chosen = _scenario(scenario, None)
    options = RunOptions(seed=seed, jobs=jobs, backend=backend, scheduler=scheduler)
    result = _calibrate(
        chosen,
        la,
        _years(years),
        replications=replications,
        max_evaluations=max_evaluations,
        options=options,
    )
    if out is not None:
        if not isinstance(scenario, str | Path):
            from staffsim.errors import UserError

            raise UserError("out= needs the scenario as a file, whose text it keeps")
        from staffsim.experiment.calibrate import calibrated_text, write_calibrated, years_text

        text = Path(scenario).read_text(encoding="utf-8")
        command = f"staffsim calibrate {scenario} --la {la} --years {years_text(result.years)}"
        write_calibrated(Path(out), calibrated_text(text, str(scenario), result, command), result)
    return result


def check_calibration(
    calibration: Calibration,
    replications: int = 20,
    *,
    ahead_years: int = 1,
    jobs: int | None = None,
    backend: str | None = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """The calibrated scenario run afresh on other seeds: the fitted years (``role``
    ``"fit"``) and up to ``ahead_years`` published years after them (``"out of
    sample"``), published against simulated with 95% intervals."""
    from staffsim.experiment.calibrate import check_fit
    from staffsim.experiment.options import RunOptions

    options = RunOptions(jobs=jobs, backend=backend, scheduler=scheduler)
    return check_fit(
        calibration, replications=replications, ahead_years=ahead_years, options=options
    )


def backtest(
    la: str,
    from_year: int,
    years: int,
    *,
    replications: int = 20,
    fit_replications: int = 10,
    max_evaluations: int = 40,
    jobs: int | None = None,
    backend: str | None = None,
    scheduler: str | None = None,
) -> CouncilBacktest:
    """Fit council ``la`` on its published census of ``from_year`` only and forecast the
    ``years`` censuses after it, as ``staffsim backtest --la`` does. ``.rows`` has the
    columns of ``backtest.csv`` (90% prediction intervals, the naive forecast),
    ``.calibration`` the fit and ``.history`` the council's published values."""
    from staffsim.experiment.backtest import backtest_council
    from staffsim.experiment.options import RunOptions

    options = RunOptions(jobs=jobs, backend=backend, scheduler=scheduler)
    return backtest_council(
        la,
        from_year,
        years,
        replications=replications,
        fit_replications=fit_replications,
        max_evaluations=max_evaluations,
        options=options,
    )


def backtest_figure(result: CouncilBacktest) -> Figure:
    """A backtest drawn: a panel per metric, the published history, the forecast's mean
    and 90% interval and the naive forecast (needs the ``plot`` extra)."""
    from staffsim.charts.backtest import council_backtest_figure

    return council_backtest_figure(result.rows, result.history)


def variant(
    scenario: Scenario | str | Path,
    overrides: Mapping[str, Any] | None = None,
    **keyword_overrides: Any,
) -> Scenario:
    """A changed copy of a scenario (a :class:`Scenario`, such as a calibrated one, or a
    file), checked like a file: dotted key paths in ``overrides`` or keywords with ``__``
    for the dot, as for :func:`load_scenario` (``name="more_posts"``,
    ``establishment__case_holding_posts=600``)."""
    from staffsim.scenario.overrides import as_overrides
    from staffsim.scenario.overrides import keyword_overrides as from_keywords
    from staffsim.scenario.variants import override_scenario

    chosen = _scenario(scenario, None)
    return override_scenario(chosen, [*as_overrides(overrides), *from_keywords(keyword_overrides)])

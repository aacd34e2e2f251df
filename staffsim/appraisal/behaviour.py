"""Switching values of behavioural inputs, found by re-running a grid on common random numbers,
and :func:`appraise`, which runs a comparison and appraises it in one call.

A behavioural input is a feedback effect's **strength** ``k``: each point of the effect's
curve keeps its input and has its multiplier ``m`` moved to ``max(0, 1 + k (m - 1))``, so
``k = 1`` is the curve as given, ``k = 0`` switches the effect off and ``k = 2`` doubles its
departure from 1. The base and every option are re-run at each strength of a stated grid,
on the same random numbers as the central run (which is the ``k = 1`` point), and the NPV is
found at each. The switching value is where the NPV changes sign, by linear interpolation
between the two neighbouring grid points that straddle zero; none if no pair does.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from staffsim.appraisal.appraise import (
    GRID_COLUMNS,
    OPTIMISM_BIAS_PCT,
    SWITCHING_COLUMNS,
    Appraisal,
    appraise_comparison,
)
from staffsim.errors import UserError
from staffsim.experiment.compare import PrecisionRule, compare_scenarios
from staffsim.experiment.options import RunOptions
from staffsim.scenario.schema import Effects, Scenario
from staffsim.scenario.variants import override_scenario

__all__ = [
    "DEFAULT_GRID",
    "appraise",
    "behavioural_switching",
    "parse_grid",
    "with_effect_strength",
]

DEFAULT_GRID: dict[str, tuple[float, ...]] = {"pressure_on_resignation": (0.0, 0.5, 1.5, 2.0)}
"""The behavioural grid run unless told otherwise: the pressure effect's strength."""


def _check_effect(name: str) -> None:
    if name not in Effects.model_fields:
        close = difflib.get_close_matches(name, list(Effects.model_fields), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UserError(
            f"switching grid: {name!r} is not a feedback effect (effects.*){hint} "
            f"Known: {', '.join(Effects.model_fields)}"
        )


def parse_grid(text: str) -> tuple[str, tuple[float, ...]]:
    """``"pressure_on_resignation=0,0.5,2"`` -> ``(name, (0.0, 0.5, 2.0))``."""
    name, sep, values = text.partition("=")
    name = name.strip().removeprefix("effects.")
    example = "expected EFFECT=K1,K2,... such as pressure_on_resignation=0,0.5,1.5,2"
    if not sep or not name:
        raise UserError(f"--switching-grid {text!r}: {example}")
    _check_effect(name)
    try:
        strengths = tuple(float(v) for v in values.split(",") if v.strip())
    except ValueError:
        raise UserError(
            f"--switching-grid {text!r}: strengths must be numbers; {example}"
        ) from None
    if not strengths or any(k < 0 or math.isnan(k) or math.isinf(k) for k in strengths):
        raise UserError(f"--switching-grid {text!r}: give strengths of 0 or more; {example}")
    return name, strengths


def with_effect_strength(scenario: Scenario, effect: str, strength: float) -> Scenario:
    """``scenario`` with the effect's departure from 1 scaled by ``strength``."""
    _check_effect(effect)
    current = getattr(scenario.effects, effect)
    points = [[x, max(0.0, 1.0 + strength * (m - 1.0))] for x, m in current.points]
    return override_scenario(scenario, {f"effects.{effect}.points": points})


def _interpolate(values: Sequence[float], npvs: Sequence[float]) -> float:
    """The first zero crossing of the piecewise-linear NPV over sorted grid values."""
    for (k1, n1), (k2, n2) in zip(
        zip(values, npvs, strict=True), zip(values[1:], npvs[1:], strict=True), strict=False
    ):
        if n1 == 0.0:
            return k1
        if (n1 < 0.0) != (n2 < 0.0):
            return k1 + (0.0 - n1) * (k2 - k1) / (n2 - n1)
    return values[-1] if npvs and npvs[-1] == 0.0 else math.nan


def behavioural_switching(
    central: Appraisal,
    base: Scenario,
    options: Sequence[Scenario],
    grid: Mapping[str, Sequence[float]],
    run_options: RunOptions,
    *,
    labels: Sequence[str],
    optimism_bias_pct: float,
) -> Appraisal:
    """Add the behavioural switching values of ``grid`` (effect name -> strengths) to
    ``central``, the appraisal of the run as given (strength 1).

    Each strength re-runs the comparison with ``run_options``' replications, seed, backend
    and progress, in memory (nothing is written)."""
    rerun = run_options.replace(out_dir=None, resume=False, overwrite=False)
    table = central.table.set_index("option")
    grid_rows: list[dict[str, Any]] = []
    switching_rows: list[dict[str, Any]] = []
    for effect, strengths in grid.items():
        points = {1.0: table["npv_mean_gbp"].to_dict()}
        intervals = {1.0: table[["npv_ci_low_gbp", "npv_ci_high_gbp"]].to_dict("index")}
        for k in sorted(set(strengths) - {1.0}):
            run = compare_scenarios(
                with_effect_strength(base, effect, k),
                [with_effect_strength(o, effect, k) for o in options],
                rerun,
                labels=labels,
            )
            result = appraise_comparison(run, optimism_bias_pct=optimism_bias_pct)
            at_k = result.table.set_index("option")
            points[k] = at_k["npv_mean_gbp"].to_dict()
            intervals[k] = at_k[["npv_ci_low_gbp", "npv_ci_high_gbp"]].to_dict("index")
        values = sorted(points)
        name = f"effects.{effect} strength"
        for option in table.index:
            npvs = [points[k][option] for k in values]
            for k in values:
                grid_rows.append(
                    {
                        "option": option,
                        "input": name,
                        "value": k,
                        "npv_mean_gbp": points[k][option],
                        "npv_ci_low_gbp": intervals[k][option]["npv_ci_low_gbp"],
                        "npv_ci_high_gbp": intervals[k][option]["npv_ci_high_gbp"],
                    }
                )
            crossing = _interpolate(values, npvs)
            switching_rows.append(
                {
                    "option": option,
                    "input": name,
                    "kind": "behavioural",
                    "unit": "x the curve's departure from 1 (1 = as given, 0 = off)",
                    "base_value": 1.0,
                    "switching_value": crossing,
                    "change_pct": (crossing - 1.0) * 100.0
                    if not math.isnan(crossing)
                    else math.nan,
                    "method": "re-run on common random numbers at strengths "
                    f"{', '.join(f'{k:g}' for k in values)}; linear interpolation between "
                    "the grid points whose mean NPVs straddle 0",
                    "note": ""
                    if not math.isnan(crossing)
                    else f"the NPV keeps its sign over the grid {values[0]:g}-{values[-1]:g}",
                }
            )
    central.switching = pd.concat(
        [central.switching, pd.DataFrame(switching_rows, columns=list(SWITCHING_COLUMNS))],
        ignore_index=True,
    )
    central.switching_grid = pd.DataFrame(grid_rows, columns=list(GRID_COLUMNS))
    central.settings["behavioural_grid"] = {k: list(v) for k, v in grid.items()}
    return central


def appraise(
    base: Scenario,
    options: Sequence[Scenario],
    run_options: RunOptions | None = None,
    *,
    labels: Sequence[str] | None = None,
    optimism_bias_pct: float = OPTIMISM_BIAS_PCT,
    switching_grid: Mapping[str, Sequence[float]] | None = None,
    precision: PrecisionRule | float | None = None,
) -> Appraisal:
    """Compare ``options`` with ``base`` on common random numbers and appraise them.

    ``switching_grid`` maps effect names to strengths to re-run for behavioural switching
    values (default :data:`DEFAULT_GRID`; ``{}`` for none). With ``run_options.out_dir``
    the comparison and the appraisal's files are saved there.
    """
    run_options = run_options or RunOptions()
    grid = DEFAULT_GRID if switching_grid is None else dict(switching_grid)
    for name in grid:
        _check_effect(name)
    comparison = compare_scenarios(base, options, run_options, labels=labels, precision=precision)
    result = appraise_comparison(comparison, optimism_bias_pct=optimism_bias_pct)
    if grid:
        used = run_options.replace(
            replications=int(comparison.manifest["replications"]),
            seed=int(comparison.manifest["seed"]),
        )
        result = behavioural_switching(
            result,
            base,
            options,
            grid,
            used,
            labels=list(comparison.results),
            optimism_bias_pct=optimism_bias_pct,
        )
    if run_options.out_dir is not None:
        result.save(run_options.out_dir)
    return result

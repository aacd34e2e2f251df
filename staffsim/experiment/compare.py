"""Comparing options with a base scenario on common random numbers.

Every scenario runs the same ``(seed, replication)`` pairs, so replication ``r`` of the base
and of an option see the same arrivals, durations and hazards stream by stream, and the
difference between them is mostly the policy's effect, not luck. Each option is compared
with the base replication by replication:

``metric, option, period, mean_base, mean_option, diff, ci_low, ci_high, p_better,
replications``

where ``diff = mean_option - mean_base``, ``[ci_low, ci_high]`` is the 95% paired-t interval
of the difference, ``p_better`` is the share of replications in which the option did better
in the metric's registered direction (:mod:`staffsim.results.metrics`; ties are not better),
``period`` is each simulated year (its ``time_period``) and ``all`` (the mean over a
replication's snapshots), and ``replications`` the number of pairs.

With ``precision`` the number of replications is chosen by the Hoad-Robinson-Davies rule
(:func:`staffsim.results.stats.hrd_check`) applied to every headline metric's ``all`` value
in every scenario: starting from ``replications``, replications are added until each is
confirmed, and the comparison uses exactly the replications the rule asked for, or the
starting number if that is more (any more that a parallel batch happened to run are left
out, so the number used does not depend on the number of jobs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from staffsim.errors import ParameterError, UserError
from staffsim.experiment.options import RunOptions
from staffsim.experiment.runner import Arm, Experiment, make_arm, output_folder
from staffsim.results import stats, tables
from staffsim.results.manifest import build_manifest, scenario_sha256
from staffsim.results.metrics import KEY_METRICS, METRICS, headline_metrics
from staffsim.results.results import (
    COMPARISON_COLUMNS,
    COMPARISON_CSV,
    MANIFEST_JSON,
    ComparisonResults,
    Results,
    folder_name,
)
from staffsim.scenario.schema import Scenario
from staffsim.scenario.variants import with_base_seed

__all__ = [
    "COMPARISON_COLUMNS",
    "PrecisionRule",
    "compare_scenarios",
    "comparison_failures",
    "comparison_table",
    "unique_labels",
]


COMPARISON_FILES = (COMPARISON_CSV, MANIFEST_JSON)
"""The files a comparison writes in its output folder (beside a folder per scenario)."""


def unique_labels(
    scenarios: Sequence[Scenario], fallbacks: Sequence[str] | None = None
) -> list[str]:
    """Labels for the scenarios' tables: their names, or ``fallbacks`` (file stems) if the
    names repeat; a :class:`UserError` if neither is unique."""
    names = [s.name for s in scenarios]
    if len(set(names)) == len(names):
        return names
    if fallbacks is not None and len(set(fallbacks)) == len(fallbacks):
        return list(fallbacks)
    repeated = sorted({n for n in names if names.count(n) > 1})
    clash = (
        f"scenarios to compare need distinct names, and {', '.join(map(repr, repeated))} "
        "is used more than once; give each a different 'name'"
    )
    raise UserError(
        f"{clash} (or pass labels=[...])",
        command_line=f"{clash} in its file, or give files of different names",
    )


def comparison_table(
    base: Results,
    options: Sequence[Results],
    metrics: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """The tidy comparison of each option with ``base`` (columns :data:`COMPARISON_COLUMNS`).

    Replications are paired by number; one that failed in either scenario is left out of
    that pair's statistics.
    """
    if metrics is None:
        metrics = [m for m in KEY_METRICS if m in base.annual.columns]
    base_values = tables.period_values(base.annual, metrics)
    rows: list[dict[str, Any]] = []
    for option in options:
        merged = base_values.merge(
            tables.period_values(option.annual, metrics),
            on=["replication", "metric", "period"],
            suffixes=("_base", "_option"),
        )
        for (metric, period), group in merged.groupby(["metric", "period"], sort=False):
            b = group["value_base"].to_numpy()
            o = group["value_option"].to_numpy()
            diff = stats.paired_interval(o, b, confidence)
            better = METRICS[str(metric)].is_better
            rows.append(
                {
                    "metric": metric,
                    "option": option.name,
                    "period": period,
                    "mean_base": float(b.mean()),
                    "mean_option": float(o.mean()),
                    "diff": diff.mean,
                    "ci_low": diff.low,
                    "ci_high": diff.high,
                    "p_better": float(np.mean([better(x, y) for x, y in zip(o, b, strict=True)])),
                    "replications": int(b.size),
                }
            )
    table = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
    # Metric first, then option, then period (years, then all), whatever the loop order.
    order = {m: i for i, m in enumerate(metrics)}
    table["_m"] = table["metric"].map(order)
    table = table.sort_values(["_m"], kind="stable", ignore_index=True).drop(columns="_m")
    return table


def _check_metrics(metrics: Sequence[str] | None) -> list[str] | None:
    if metrics is None:
        return None
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise UserError(
            f"cannot compare {', '.join(unknown)}: only registered metrics have a direction "
            f"(known: {', '.join(METRICS)})"
        )
    return list(metrics)


def _precision_state(
    arms: Sequence[Arm], planned: int, precision: float, k_limit: int
) -> tuple[int, dict[str, dict[str, Any]]]:
    """Replications the rule needs over every arm and headline metric, and per-metric
    detail (solution, relative half-width at the last replication)."""
    required = 0
    detail: dict[str, dict[str, Any]] = {}
    for arm in arms:
        values_by_rep = [arm.store.headline[r] for r in range(planned) if r in arm.store.headline]
        detail[arm.label] = {}
        for metric in headline_metrics():
            values = [v[metric] for v in values_by_rep if metric in v]
            if not values:
                continue
            check = stats.hrd_check(values, precision, k_limit)
            widths = stats.relative_half_widths(values)
            # Failed replications leave gaps: count the rule's replications among those run.
            missing = planned - len(values)
            required = max(required, check.required + missing)
            detail[arm.label][metric] = {
                "solution": check.solution,
                "relative_half_width": float(widths[-1]) if widths.size else None,
            }
    return required, detail


@dataclass(frozen=True)
class PrecisionRule:
    """The Hoad-Robinson-Davies stopping rule: every headline metric's 95% CI half-width
    within ``precision`` (a fraction of its mean), confirmed ``k_limit`` replications
    ahead, with at most ``max_replications``."""

    precision: float
    max_replications: int = 200
    k_limit: int = 5

    def __post_init__(self) -> None:
        if not 0 < self.precision < 1:
            raise ParameterError(
                "precision", f"is a fraction of the mean, such as 0.05; got {self.precision}"
            )
        if self.max_replications < 3:
            raise ParameterError(
                "max_replications", f"must be at least 3, got {self.max_replications}"
            )
        if self.k_limit < 1:
            raise ParameterError("k_limit", f"must be at least 1, got {self.k_limit}")


def _check_options(options: Sequence[Scenario]) -> None:
    if not options:
        raise UserError("a comparison needs at least one option besides the base")


def _seeded(scenarios: Sequence[Scenario], seed: int | None) -> list[Scenario]:
    """Every scenario on one seed: ``seed``, or the base's (the first) if None."""
    common = scenarios[0].seed if seed is None else seed
    return [with_base_seed(s, common) for s in scenarios]


def _scenario_labels(scenarios: Sequence[Scenario], labels: Sequence[str] | None) -> list[str]:
    labels = list(labels) if labels is not None else unique_labels(scenarios)
    if len(labels) != len(scenarios) or len(set(labels)) != len(labels):
        raise UserError("give one distinct label per scenario, the base first")
    return labels


def _label_folders(labels: Sequence[str]) -> dict[str, str]:
    """Each label's subfolder of the output folder."""
    folders = {label: folder_name(label) for label in labels}
    if len(set(folders.values())) != len(folders):
        raise UserError(f"scenario labels must differ as folder names: {sorted(folders)}")
    return folders


def _make_arms(
    labels: Sequence[str],
    scenarios: Sequence[Scenario],
    folders: Mapping[str, str],
    options: RunOptions,
) -> list[Arm]:
    return [
        make_arm(label, scenario, options.inside(folders[label]))
        for label, scenario in zip(labels, scenarios, strict=True)
    ]


def _run_to_precision(
    experiment: Experiment, arms: Sequence[Arm], start: int, rule: PrecisionRule
) -> tuple[int, dict[str, Any]]:
    """Add replications until ``rule`` is met or its maximum reached; the replications to
    use and the precision record for the manifest."""
    n = start
    while True:
        required, detail = _precision_state(arms, n, rule.precision, rule.k_limit)
        reached = all(d["solution"] is not None for a in detail.values() for d in a.values())
        if reached or n >= rule.max_replications:
            break
        target = min(max(required, n + experiment.workers), rule.max_replications)
        experiment.run(range(n, target))
        n = target
    # The starting number is a floor the rule adds to, never a number it takes away from.
    used = max(min(required, n), start) if reached else n
    # Report the rule's state over the replications used, not the batch's extras.
    _, detail = _precision_state(arms, used, rule.precision, rule.k_limit)
    info = {
        "precision": rule.precision,
        "k_limit": rule.k_limit,
        "reached": reached,
        "replications_used": used,
        "replications_run": n,
        "max_replications": rule.max_replications,
        "metrics": detail,
    }
    return used, info


def _run_arms(
    arms: Sequence[Arm], options: RunOptions, rule: PrecisionRule | None
) -> tuple[int, dict[str, Any] | None]:
    """Run the arms' replications (to the rule's precision if one is given); the number of
    replications to tabulate and the precision record."""
    start = options.replications if rule is None else max(options.replications, 3)
    with Experiment(arms, options) as experiment:
        experiment.run(range(start))
        if rule is None:
            return start, None
        return _run_to_precision(experiment, arms, start, rule)


def _comparison_manifest(
    arms: Sequence[Arm],
    folders: Mapping[str, str],
    replications: int,
    precision: Mapping[str, Any] | None,
) -> dict[str, Any]:
    labels = [arm.label for arm in arms]
    return build_manifest(
        "comparison",
        seed=arms[0].scenario.seed,
        fields={
            "base": labels[0],
            "options": labels[1:],
            "folders": dict(folders),
            "replications": replications,
            "precision": precision,
            "scenario_sha256": {arm.label: scenario_sha256(arm.resolved) for arm in arms},
        },
    )


def compare_scenarios(
    base: Scenario,
    options: Sequence[Scenario],
    run_options: RunOptions | None = None,
    *,
    labels: Sequence[str] | None = None,
    precision: PrecisionRule | float | None = None,
    metrics: Sequence[str] | None = None,
) -> ComparisonResults:
    """Run ``base`` and each of ``options`` on common random numbers and compare them.

    ``run_options.seed`` defaults to the base scenario's and is used for every scenario.
    ``labels`` name the scenarios in the tables (default: their names). With ``precision``
    (a :class:`PrecisionRule`, or a fraction such as 0.05 for the default rule)
    replications start at ``run_options.replications`` (at least 3) and are added until
    every headline metric's 95% CI half-width is within that fraction of its mean. With an
    output folder each scenario's run tables go to a subfolder named after its label,
    beside ``comparison.csv`` and ``manifest.json``.
    """
    run_options = run_options or RunOptions()
    rule = PrecisionRule(precision) if isinstance(precision, int | float) else precision
    _check_options(options)
    metrics = _check_metrics(metrics)
    scenarios = _seeded([base, *options], run_options.seed)
    labels = _scenario_labels(scenarios, labels)
    folders = _label_folders(labels)
    with output_folder(run_options, COMPARISON_FILES, list(folders.values())):
        arms = _make_arms(labels, scenarios, folders, run_options)
        n, precision_info = _run_arms(arms, run_options, rule)
        results = {arm.label: arm.assemble(range(n)) for arm in arms}
        base_results, option_results = results[labels[0]], [results[x] for x in labels[1:]]
        table = comparison_table(base_results, option_results, metrics)
        manifest = _comparison_manifest(arms, folders, n, precision_info)
        comparison = ComparisonResults(table, results, labels[0], manifest)
        if run_options.out_dir is not None:
            comparison.save(run_options.out_dir)
    return comparison


def comparison_failures(comparison: ComparisonResults) -> Mapping[str, list[dict[str, Any]]]:
    """Failed replications by scenario label (only scenarios with failures)."""
    return {label: r.failures for label, r in comparison.results.items() if r.failures}

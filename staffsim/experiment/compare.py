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
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from staffsim.errors import ParameterError, UserError
from staffsim.experiment.progress import ProgressCallback
from staffsim.experiment.runner import Arm, Experiment, make_arm
from staffsim.results import io, stats, tables
from staffsim.results.manifest import created_now, scenario_sha256, versions
from staffsim.results.metrics import KEY_METRICS, METRICS, headline_metrics
from staffsim.results.results import ComparisonResults, Results, folder_name
from staffsim.scenario.schema import Scenario
from staffsim.scenario.variants import with_base_seed

__all__ = [
    "COMPARISON_COLUMNS",
    "compare_scenarios",
    "comparison_failures",
    "comparison_table",
    "unique_labels",
]

COMPARISON_COLUMNS = (
    "metric",
    "option",
    "period",
    "mean_base",
    "mean_option",
    "diff",
    "ci_low",
    "ci_high",
    "p_better",
    "replications",
)
"""The columns of ``comparison.csv``."""


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


def compare_scenarios(
    base: Scenario,
    options: Sequence[Scenario],
    *,
    labels: Sequence[str] | None = None,
    replications: int = 10,
    seed: int | None = None,
    jobs: int | None = None,
    backend: str | None = "local",
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    out_dir: str | Path | None = None,
    resume: bool = False,
    precision: float | None = None,
    max_replications: int = 200,
    k_limit: int = 5,
    metrics: Sequence[str] | None = None,
) -> ComparisonResults:
    """Run ``base`` and each of ``options`` on common random numbers and compare them.

    ``seed`` defaults to the base scenario's and is used for every scenario. ``labels``
    name the scenarios in the tables (default: their names). With ``precision`` (e.g. 0.05)
    replications start at ``replications`` (at least 3) and are added until every headline
    metric's 95% CI half-width is within that fraction of its mean, up to
    ``max_replications``. With ``out_dir`` each scenario's run tables go to a subfolder
    named after its label, beside ``comparison.csv`` and ``manifest.json``.
    """
    if not options:
        raise UserError("a comparison needs at least one option besides the base")
    if replications < 1:
        raise ParameterError("replications", f"must be at least 1, got {replications}")
    if precision is not None and not 0 < precision < 1:
        raise ParameterError(
            "precision", f"is a fraction of the mean, such as 0.05; got {precision}"
        )
    metrics = _check_metrics(metrics)
    seed = base.seed if seed is None else seed
    scenarios = [with_base_seed(s, seed) for s in (base, *options)]
    labels = list(labels) if labels is not None else unique_labels(scenarios)
    if len(labels) != len(scenarios) or len(set(labels)) != len(labels):
        raise UserError("give one distinct label per scenario, the base first")
    folders = {label: folder_name(label) for label in labels}
    if len(set(folders.values())) != len(folders):
        raise UserError(f"scenario labels must differ as folder names: {sorted(folders)}")
    root = io.ensure_writable_dir(out_dir) if out_dir is not None else None
    arms = [
        make_arm(label, s, root / folders[label] if root else None, resume)
        for label, s in zip(labels, scenarios, strict=True)
    ]
    start = n = replications if precision is None else max(replications, 3)
    precision_info: dict[str, Any] | None = None
    with Experiment(arms, backend, jobs, scheduler, progress) as experiment:
        experiment.run(range(n))
        if precision is not None:
            while True:
                required, detail = _precision_state(arms, n, precision, k_limit)
                reached = all(
                    d["solution"] is not None for a in detail.values() for d in a.values()
                )
                if reached or n >= max_replications:
                    break
                target = min(max(required, n + experiment.workers), max_replications)
                experiment.run(range(n, target))
                n = target
            # --replications is a floor the rule adds to, never a number it takes away from.
            used = max(min(required, n), start) if reached else n
            # Report the rule's state over the replications used, not the batch's extras.
            _, detail = _precision_state(arms, used, precision, k_limit)
            precision_info = {
                "precision": precision,
                "k_limit": k_limit,
                "reached": reached,
                "replications_used": used,
                "replications_run": n,
                "max_replications": max_replications,
                "metrics": detail,
            }
            n = used
    reps = range(n)
    results = {arm.label: arm.assemble(reps) for arm in arms}
    base_res, option_res = results[labels[0]], [results[label] for label in labels[1:]]
    table = comparison_table(base_res, option_res, metrics)
    manifest: dict[str, Any] = {
        "kind": "comparison",
        "base": labels[0],
        "options": labels[1:],
        "folders": folders,
        "seed": seed,
        "replications": n,
        "precision": precision_info,
        "scenario_sha256": {
            arm.label: scenario_sha256(arm.scenario.model_dump(mode="json")) for arm in arms
        },
        "created": created_now(),
        "versions": versions(),
    }
    comparison = ComparisonResults(table, results, labels[0], manifest)
    if root is not None:
        io.write_csv(table, root / "comparison.csv")
        io.write_json(manifest, root / "manifest.json")
        comparison.path = root
    return comparison


def comparison_failures(comparison: ComparisonResults) -> Mapping[str, list[dict[str, Any]]]:
    """Failed replications by scenario label (only scenarios with failures)."""
    return {label: r.failures for label, r in comparison.results.items() if r.failures}

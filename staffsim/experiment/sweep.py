"""Parameter sweeps: a full grid of scenario values, run on common random numbers.

``vary={"caseload.target_per_fte": [16, 18, 20], "costs.retention_supplement_gbp_per_year":
[0, 3000]}`` (on the command line, ``--vary caseload.target_per_fte=16,18,20 --vary ...``) gives
the six scenarios of the grid (every combination, the first key path varying slowest).
Every grid point runs the same ``(seed, replication)`` pairs, so differences between points
are the parameters' effect, not noise that differs from point to point.

The sweep's table is tidy, one row per grid point, metric and period, with the varied key
paths as columns (named by their key paths) followed by ``point, metric, unit, period, mean,
ci_low, ci_high, sd, replications``; the per-replication annual rows of every point come
with it. Monthly series are not tabulated for sweeps (run a point with ``staffsim run`` for
those), which keeps a large grid small.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from staffsim.errors import ParameterError, UserError
from staffsim.experiment.options import RunOptions
from staffsim.experiment.runner import (
    PARTIAL_DIR,
    Arm,
    DirectoryStore,
    Experiment,
    MemoryStore,
    identity,
    output_folder,
)
from staffsim.results import io, tables
from staffsim.results.folders import clear_partial
from staffsim.results.manifest import build_manifest, replication_entry, scenario_sha256
from staffsim.results.results import MANIFEST_JSON, SWEEP_ANNUAL_CSV, SWEEP_CSV, SweepResults
from staffsim.scenario.loader import load_scenario
from staffsim.scenario.overrides import Override, Overrides, as_overrides
from staffsim.scenario.schema import Scenario
from staffsim.scenario.variants import override_scenario, with_base_seed

__all__ = ["SWEEP_FILES", "VARY_SOURCE", "grid", "sweep_scenarios"]

SWEEP_FILES = (SWEEP_CSV, SWEEP_ANNUAL_CSV, MANIFEST_JSON)
"""The files a sweep writes in its output folder."""


VARY_SOURCE = "vary"
"""The source named in a problem with a grid point's value."""


def grid(vary: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the varied values, the first key path varying slowest."""
    paths = list(vary)
    return [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*vary.values())]


def _cell(value: Any) -> Any:
    """A table cell for a varied value: scalars as they are, anything else as JSON text."""
    if isinstance(value, bool | int | float | str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def _point_scenarios(
    base: Scenario | str | Path, points: Sequence[Mapping[str, Any]], overrides: Overrides
) -> list[Scenario]:
    """Each grid point's scenario: ``overrides``, then the point's values, on ``base``."""
    out = []
    for point in points:
        changes = [*as_overrides(overrides), *as_overrides(point, VARY_SOURCE)]
        if isinstance(base, Scenario):
            out.append(override_scenario(base, changes))
        else:
            out.append(load_scenario(base, changes))
    return out


def _check_vary(vary: Mapping[str, Sequence[Any]]) -> None:
    if not vary or any(len(v) == 0 for v in vary.values()):
        raise ParameterError("vary", "must name at least one key path, each with a value")


def _point_labels(count: int) -> list[str]:
    """``point-000``, ``point-001``, ...: each grid point's label and store folder."""
    width = max(3, len(str(count - 1)))
    return [f"point-{i:0{width}d}" for i in range(count)]


def _make_arms(
    labels: Sequence[str], scenarios: Sequence[Scenario], options: RunOptions
) -> list[Arm]:
    """One arm per grid point, its finished replications kept in ``.partial/<label>`` of
    the output folder (or in memory, without their monthly series)."""
    if options.out_dir is None:
        return [
            Arm(label, scenario, MemoryStore(keep_monthly=False))
            for label, scenario in zip(labels, scenarios, strict=True)
        ]
    partial = options.out_dir / PARTIAL_DIR
    if options.resume:
        _check_finished_sweep(options.out_dir, scenarios)
    else:
        clear_partial(partial)
    return [
        Arm(
            label,
            scenario,
            DirectoryStore(
                partial / label, identity(label, scenario), options.resume, options.tell
            ),
        )
        for label, scenario in zip(labels, scenarios, strict=True)
    ]


def _check_finished_sweep(folder: Path, scenarios: Sequence[Scenario]) -> None:
    """Refuse to resume a finished sweep in ``folder`` over other scenarios or a seed."""
    path = folder / MANIFEST_JSON
    if not path.exists():
        return
    try:
        manifest = io.read_json(path)
        kept = [point["scenario_sha256"] for point in manifest["points"]]
    except (OSError, ValueError, KeyError, TypeError):
        return  # damaged: the sweep is simply made again
    if kept != [scenario_sha256(s.model_dump(mode="json")) for s in scenarios]:
        raise UserError(
            f"{folder} holds a sweep over other values, scenario or seed; replace it with "
            "overwrite (--overwrite), or choose another output folder"
        )


def _point_annual(
    arm: Arm, index: int, point: Mapping[str, Any], replications: range, base_name: str
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """A grid point's annual rows, the varied values and ``point`` first, and its failed
    replications."""
    kept = []
    failures = []
    for record in arm.store.records(replications):
        if record.get("status", "ok") == "ok":
            kept.append({"replication": record["replication"], "annual": record["annual"]})
        else:
            failures.append({"point": index, **replication_entry(record)})
    part = tables.annual_table(kept, base_name)
    for j, path in enumerate(point):
        part.insert(j, path, [_cell(point[path])] * len(part))
    part.insert(len(point), "point", index)
    return part, failures


def _point_entry(arm: Arm, index: int, point: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "point": index,
        "values": json.loads(json.dumps(point, default=str)),
        "scenario_sha256": scenario_sha256(arm.resolved),
    }


def _collect(
    arms: Sequence[Arm], points: Sequence[Mapping[str, Any]], reps: range, base_name: str
) -> tuple[pd.DataFrame, list[dict[str, Any]], list[dict[str, Any]]]:
    """Every grid point's annual rows, one below the other; the failed replications; and
    each point's manifest entry."""
    parts, failures, entries = [], [], []
    for i, (arm, point) in enumerate(zip(arms, points, strict=True)):
        part, failed = _point_annual(arm, i, point, reps, base_name)
        parts.append(part)
        failures.extend(failed)
        entries.append(_point_entry(arm, i, point))
    return pd.concat(parts, ignore_index=True), failures, entries


def _sweep_manifest(
    base: Scenario,
    vary: Mapping[str, Sequence[Any]],
    overrides: Sequence[Override],
    points: list[dict[str, Any]],
    replications: int,
    failures: list[dict[str, Any]],
) -> dict[str, Any]:
    return build_manifest(
        "sweep",
        seed=base.seed,
        fields={
            "base": base.name,
            "vary": json.loads(json.dumps(dict(vary), default=str)),
            "overrides": json.loads(json.dumps({o.path: o.value for o in overrides}, default=str)),
            "points": points,
            "replications": replications,
            "failures": failures,
        },
        scenario=base.model_dump(mode="json"),
    )


def sweep_scenarios(
    base: Scenario | str | Path,
    vary: Mapping[str, Sequence[Any]],
    run_options: RunOptions | None = None,
    *,
    overrides: Overrides | None = None,
    metrics: Sequence[str] | None = None,
) -> SweepResults:
    """Run the grid of ``vary`` (key path -> values) over ``base`` on common random numbers.

    ``base`` is a scenario or a scenario file; ``overrides`` apply to every grid point.
    ``run_options.seed`` defaults to the base scenario's. Every grid point is validated
    before anything runs. With an output folder the sweep writes ``sweep.csv``,
    ``sweep_annual.csv`` and ``manifest.json`` there, keeping finished replications in
    ``.partial`` until the end.
    """
    run_options = run_options or RunOptions()
    _check_vary(vary)
    overrides = as_overrides(overrides)
    points = grid(vary)
    base_scenario = _point_scenarios(base, [{}], overrides)[0]
    seed = base_scenario.seed if run_options.seed is None else run_options.seed
    base_scenario = with_base_seed(base_scenario, seed)
    scenarios = [with_base_seed(s, seed) for s in _point_scenarios(base, points, overrides)]
    reps = range(run_options.replications)
    with output_folder(run_options, SWEEP_FILES):
        arms = _make_arms(_point_labels(len(points)), scenarios, run_options)
        with Experiment(arms, run_options) as experiment:
            experiment.run(reps)
        annual, failures, point_entries = _collect(arms, points, reps, base_scenario.name)
        table = SweepResults.summarise(annual, list(vary), metrics)
        manifest = _sweep_manifest(
            base_scenario, vary, overrides, point_entries, len(reps), failures
        )
        result = SweepResults(table, annual, manifest)
        if run_options.out_dir is not None:
            result.save(run_options.out_dir)
            if not failures:
                _discard_stores(arms, run_options.out_dir / PARTIAL_DIR)
    return result


def _discard_stores(arms: Sequence[Arm], partial: Path) -> None:
    """Remove the kept replications once the sweep's tables are saved."""
    for arm in arms:
        arm.store.discard()
    clear_partial(partial)

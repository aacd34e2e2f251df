"""Parameter sweeps: a full grid of scenario values, run on common random numbers.

``vary={"caseload.cap_per_fte": [16, 18, 20], "costs.retention_supplement_gbp_per_year":
[0, 3000]}`` (on the command line, ``--vary caseload.cap_per_fte=16,18,20 --vary ...``) gives
the six scenarios of the grid (every combination, the first key path varying
slowest). Every grid point runs the same ``(seed, replication)`` pairs, so differences
between points are the parameters' effect, not noise that differs from point to point.

The sweep's table is tidy, one row per grid point, metric and period, with the varied key
paths as columns (named by their key paths) followed by ``point, metric, unit, period, mean,
ci_low, ci_high, sd, replications``; the per-replication annual rows of every point come
with it. Monthly series are not tabulated for sweeps (run a point with ``staffsim run`` for
those), which keeps a large grid small.
"""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from staffsim.errors import ParameterError, UserError
from staffsim.experiment.progress import ProgressCallback
from staffsim.experiment.runner import (
    PARTIAL_DIR,
    Arm,
    DirectoryStore,
    Experiment,
    MemoryStore,
)
from staffsim.results import io, tables
from staffsim.results.manifest import created_now, replication_entry, scenario_sha256, versions
from staffsim.results.results import SweepResults
from staffsim.scenario.loader import load_scenario
from staffsim.scenario.overrides import Overrides, as_overrides
from staffsim.scenario.schema import Scenario
from staffsim.scenario.variants import override_scenario, with_base_seed

__all__ = ["VARY_SOURCE", "grid", "sweep_scenarios"]

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


def sweep_scenarios(
    base: Scenario | str | Path,
    vary: Mapping[str, Sequence[Any]],
    *,
    overrides: Overrides | None = None,
    replications: int = 10,
    seed: int | None = None,
    jobs: int | None = None,
    backend: str | None = "local",
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    out_dir: str | Path | None = None,
    resume: bool = False,
    metrics: Sequence[str] | None = None,
) -> SweepResults:
    """Run the grid of ``vary`` (key path -> values) over ``base`` on common random numbers.

    ``base`` is a scenario or a scenario file; ``overrides`` apply to every grid point.
    ``seed`` defaults to the base scenario's. Every grid point is validated before anything
    runs. With ``out_dir`` the sweep writes ``sweep.csv``, ``sweep_annual.csv`` and
    ``manifest.json`` there, keeping finished replications in ``.partial`` until the end.
    """
    if not vary or any(len(v) == 0 for v in vary.values()):
        raise ParameterError("vary", "must name at least one key path, each with a value")
    if replications < 1:
        raise ParameterError("replications", f"must be at least 1, got {replications}")
    overrides = as_overrides(overrides)
    points = grid(vary)
    base_scenario = _point_scenarios(base, [{}], overrides)[0]
    seed = base_scenario.seed if seed is None else seed
    scenarios = [with_base_seed(s, seed) for s in _point_scenarios(base, points, overrides)]
    width = max(3, len(str(len(points) - 1)))
    labels = [f"point-{i:0{width}d}" for i in range(len(points))]

    root = io.ensure_writable_dir(out_dir) if out_dir is not None else None
    if root is None and resume:
        raise UserError("resuming needs the output folder of the interrupted sweep")
    partial = root / PARTIAL_DIR if root is not None else None
    if partial is not None and partial.exists() and not resume:
        shutil.rmtree(partial)
    arms = []
    for label, scenario in zip(labels, scenarios, strict=True):
        if partial is None:
            store = MemoryStore(keep_monthly=False)
        else:
            identity = {
                "scenario": label,
                "scenario_sha256": scenario_sha256(scenario.model_dump(mode="json")),
                "seed": scenario.seed,
            }
            store = DirectoryStore(partial / label, identity, resume)
        arms.append(Arm(label, scenario, store))

    reps = range(replications)
    with Experiment(arms, backend, jobs, scheduler, progress) as experiment:
        experiment.run(reps)

    varied = list(vary)
    annual_parts: list[pd.DataFrame] = []
    failures: list[dict[str, Any]] = []
    point_info: list[dict[str, Any]] = []
    for i, (arm, point) in enumerate(zip(arms, points, strict=True)):
        kept = []
        for record in arm.store.records(reps):
            if record.get("status", "ok") == "ok":
                kept.append({"replication": record["replication"], "annual": record["annual"]})
            else:
                failures.append({"point": i, **replication_entry(record)})
        part = tables.annual_table(kept, base_scenario.name)
        for j, path in enumerate(varied):
            part.insert(j, path, [_cell(point[path])] * len(part))
        part.insert(len(varied), "point", i)
        annual_parts.append(part)
        point_info.append(
            {
                "point": i,
                "values": json.loads(json.dumps(point, default=str)),
                "scenario_sha256": scenario_sha256(arm.scenario.model_dump(mode="json")),
            }
        )
    annual = pd.concat(annual_parts, ignore_index=True)
    table = SweepResults.summarise(annual, varied, metrics)
    manifest = {
        "kind": "sweep",
        "base": base_scenario.name,
        "vary": json.loads(json.dumps(dict(vary), default=str)),
        "overrides": json.loads(json.dumps({o.path: o.value for o in overrides}, default=str)),
        "points": point_info,
        "seed": seed,
        "replications": replications,
        "failures": failures,
        "created": created_now(),
        "versions": versions(),
        "scenario": with_base_seed(base_scenario, seed).model_dump(mode="json"),
    }
    result = SweepResults(table, annual, manifest)
    if root is not None:
        result.save(root)
        if not failures:
            for arm in arms:
                arm.store.discard()
            shutil.rmtree(partial, ignore_errors=True)  # type: ignore[arg-type]
    return result

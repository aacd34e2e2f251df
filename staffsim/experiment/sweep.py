"""Parameter sweeps: a full grid of scenario values, run on common random numbers.

``--vary caseload.cap_per_fte=16,18,20 --vary costs.retention_supplement_gbp_per_year=0,3000``
gives the six scenarios of the grid (every combination, the first key path varying
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
import yaml

from staffsim.errors import UserError
from staffsim.experiment.progress import ProgressCallback
from staffsim.experiment.runner import (
    PARTIAL_DIR,
    Arm,
    DirectoryStore,
    Experiment,
    MemoryStore,
    apply_overrides,
    with_seed,
)
from staffsim.results import io, tables
from staffsim.results.manifest import created_now, replication_entry, scenario_sha256, versions
from staffsim.results.results import SweepResults
from staffsim.scenario.loader import load_scenario
from staffsim.scenario.paths import split_path
from staffsim.scenario.schema import Scenario

__all__ = ["grid", "parse_vary", "sweep_scenarios"]


def parse_vary(text: str) -> tuple[str, list[Any]]:
    """``"key.path=v1,v2,..."`` -> ``(key path, [v1, v2, ...])``.

    The values are read as a YAML flow sequence, so numbers, ``true``/``false``, dates and
    quoted strings mean what they mean in a scenario file, and a value holding a comma can
    be written in brackets or quotes. Raises :class:`UserError` for anything else.
    """
    path, sep, values = text.partition("=")
    path = path.strip()
    example = "expected KEY.PATH=V1,V2,... such as caseload.cap_per_fte=16,18,20"
    if not sep or not path or not values.strip():
        raise UserError(f"--vary {text!r}: {example}")
    try:
        split_path(path)
    except ValueError as exc:
        raise UserError(f"--vary {text!r}: {exc}") from None
    try:
        parsed = yaml.safe_load(f"[{values}]")
    except yaml.YAMLError:
        raise UserError(f"--vary {text!r}: cannot read the values; {example}") from None
    if not isinstance(parsed, list) or not parsed or any(v is None for v in parsed):
        raise UserError(f"--vary {text!r}: an empty value; {example}")
    if len({json.dumps(v, sort_keys=True, default=str) for v in parsed}) != len(parsed):
        raise UserError(f"--vary {text!r}: a value is repeated")
    return path, parsed


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
    base: Scenario | str | Path, points: Sequence[Mapping[str, Any]], overrides: Mapping
) -> list[Scenario]:
    if isinstance(base, Scenario):
        return [apply_overrides(base, {**overrides, **point}) for point in points]
    return [load_scenario(base, {**overrides, **point}) for point in points]


def sweep_scenarios(
    base: Scenario | str | Path,
    vary: Mapping[str, Sequence[Any]],
    *,
    overrides: Mapping[str, Any] | None = None,
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
        raise UserError("a sweep needs at least one key path with at least one value")
    if replications < 1:
        raise UserError(f"--replications must be at least 1, got {replications}")
    overrides = dict(overrides or {})
    points = grid(vary)
    base_scenario = _point_scenarios(base, [{}], overrides)[0]
    seed = base_scenario.seed if seed is None else seed
    scenarios = [with_seed(s, seed) for s in _point_scenarios(base, points, overrides)]
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
            store: MemoryStore | DirectoryStore = MemoryStore(keep_monthly=False)
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
        "overrides": json.loads(json.dumps(overrides, default=str)),
        "points": point_info,
        "seed": seed,
        "replications": replications,
        "failures": failures,
        "created": created_now(),
        "versions": versions(),
        "scenario": with_seed(base_scenario, seed).model_dump(mode="json"),
    }
    result = SweepResults(table, annual, manifest)
    if root is not None:
        result.save(root)
        if not failures:
            for arm in arms:
                arm.store.discard()
            shutil.rmtree(partial, ignore_errors=True)  # type: ignore[arg-type]
    return result

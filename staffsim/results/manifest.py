"""``manifest.json``: what a set of result tables was made from, by what, and how each
replication went.

A manifest holds the resolved scenario (every value, defaults included), the SHA-256 of its
canonical JSON (so two runs of the same inputs can be recognised without comparing files),
the seed, the versions of staffsim and of the libraries that shape the numbers, the time it
was made, and one entry per replication: ``replication, wall_seconds, events,
cases_arrived, status, error, traceback``. A replication that raised is listed with
``status: "failed"`` and its error, so a batch never silently loses a run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from collections.abc import Iterable, Mapping
from importlib import metadata
from typing import Any

__all__ = [
    "LIBRARIES",
    "MANIFEST_KINDS",
    "MANIFEST_VERSION",
    "build_manifest",
    "failed_replications",
    "replication_entry",
    "run_manifest",
    "scenario_sha256",
    "versions",
]

MANIFEST_VERSION = 1
"""The layout of ``manifest.json``."""

LIBRARIES = ("simpy", "numpy", "pandas", "pydantic", "pyyaml", "scipy")
"""The libraries whose versions a manifest records."""


def scenario_sha256(resolved: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a resolved scenario (sorted keys, no spaces)."""
    text = json.dumps(resolved, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def versions() -> dict[str, str | None]:
    """Versions of Python, staffsim and :data:`LIBRARIES` (``None`` if one is not installed)."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in ("staffsim", *LIBRARIES):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def replication_entry(record: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest entry of one replication's record."""
    return {
        "replication": int(record["replication"]),
        "wall_seconds": record.get("wall_seconds"),
        "events": record.get("events"),
        "cases_arrived": record.get("cases_arrived"),
        "status": record.get("status", "ok"),
        "error": record.get("error"),
        "traceback": record.get("traceback"),
    }


MANIFEST_KINDS = ("run", "comparison", "sweep")
"""What a manifest describes: one scenario's run, a comparison of scenarios, or a sweep."""


def build_manifest(
    kind: str,
    *,
    seed: int,
    fields: Mapping[str, Any],
    scenario: Mapping[str, Any] | None = None,
    created: dt.datetime | None = None,
) -> dict[str, Any]:
    """The one way a ``manifest.json`` is made, for a run, a comparison or a sweep.

    Every manifest opens with ``manifest_version, kind, seed, created, versions``, then
    ``fields`` in the order given, then (if given) the resolved ``scenario``, kept last
    because it is long.
    """
    if kind not in MANIFEST_KINDS:
        raise ValueError(f"unknown manifest kind {kind!r}")
    created = created or dt.datetime.now(dt.timezone.utc)
    manifest: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        "kind": kind,
        "seed": int(seed),
        "created": created.isoformat(timespec="seconds"),
        "versions": versions(),
    }
    manifest.update(fields)
    if scenario is not None:
        manifest["scenario"] = dict(scenario)
    return manifest


def run_manifest(
    *,
    scenario_name: str,
    resolved: Mapping[str, Any],
    seed: int,
    replications: Iterable[Mapping[str, Any]],
    extra: Mapping[str, Any] | None = None,
    created: dt.datetime | None = None,
) -> dict[str, Any]:
    """The manifest of one scenario's run.

    ``resolved`` is ``scenario.model_dump(mode="json")``; ``replications`` are entries from
    :func:`replication_entry`, listed in replication order whatever order they came in.
    """
    entries = sorted((dict(e) for e in replications), key=lambda e: e["replication"])
    fields = {
        "scenario_name": scenario_name,
        "scenario_sha256": scenario_sha256(resolved),
        **(extra or {}),
        "replications": entries,
    }
    return build_manifest("run", seed=seed, fields=fields, scenario=resolved, created=created)


def failed_replications(manifest: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The entries of replications that did not finish."""
    return [e for e in manifest.get("replications", []) if e.get("status") != "ok"]

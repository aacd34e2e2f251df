"""The task a worker process runs: one replication, its error caught.

Kept apart from the runner so that a worker process imports only the model (SimPy, NumPy,
pydantic) and not the tables and statistics (pandas, SciPy) the parent needs: a spawned
worker starts in a fraction of the time.
"""

from __future__ import annotations

import time
import traceback

from staffsim.model.run import run_one
from staffsim.registry import RunRecord
from staffsim.scenario.schema import Scenario

__all__ = ["TaskRecord", "failed_record", "run_task"]


class TaskRecord(RunRecord):
    """A replication's :class:`~staffsim.registry.RunRecord` with how it ended."""

    status: str
    """``ok``, or ``failed`` for a replication that raised (then it has no rows)."""
    error: str | None
    """The exception's type and message, for a failed replication."""
    traceback: str | None
    """The exception's traceback, for a failed replication."""


def run_task(scenario: Scenario, replication: int) -> TaskRecord:
    """Run one replication and return its record, with ``status``, ``error`` and
    ``traceback`` added; an exception becomes a failed record instead of propagating, so
    one bad replication never stops the others."""
    started = time.perf_counter()
    try:
        record = run_one(scenario, replication)
    except Exception as exc:
        return failed_record(
            replication,
            scenario.seed,
            f"{type(exc).__name__}: {exc}",
            traceback.format_exc(),
            time.perf_counter() - started,
        )
    return TaskRecord(**record, status="ok", error=None, traceback=None)


def failed_record(
    replication: int, seed: int, error: str, trace: str | None, wall_seconds: float | None
) -> TaskRecord:
    """The record of a replication that did not finish: no rows, its error and traceback."""
    return {
        "replication": replication,
        "seed": seed,
        "monthly": [],
        "annual": [],
        "events": None,
        "cases_arrived": None,
        "wall_seconds": wall_seconds,
        "status": "failed",
        "error": error,
        "traceback": trace,
    }

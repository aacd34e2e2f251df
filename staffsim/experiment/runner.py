"""Running replications without losing work: tasks, partial results and assembly.

A replication is the task :func:`staffsim.experiment.tasks.run_task`: ``run_one`` with its
error caught, so a replication that raises comes back as a record with ``status:
"failed"``, its error and traceback, and the others go on.

Finished replications are filed at once in a *store*. With an output folder the store is
``.partial/`` inside it, one small JSON file per replication, each written atomically; an
interrupted run therefore keeps everything it finished, and ``resume=True`` runs only the
replications that are missing or failed (after checking the kept ones were made from the
same scenario and seed). JSON keeps every float exactly and ints as ints, so a resumed run
gives the same tables as an uninterrupted one, byte for byte. When every replication has
finished the tables are assembled in replication order, written, and ``.partial/`` is
removed; if some failed it stays, so that ``resume`` can retry them.

The parent process never holds more than a window of replications' records: they go to the
store as they arrive and the tables are assembled one replication at a time.
"""

from __future__ import annotations

import json
import shutil
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from staffsim.errors import ParameterError, UserError
from staffsim.experiment.backends import (
    Backend,
    TaskError,
    check_backend,
    default_jobs,
    open_backend,
)
from staffsim.experiment.progress import ProgressCallback
from staffsim.experiment.tasks import failed_record, run_task
from staffsim.results import io
from staffsim.results.manifest import scenario_sha256
from staffsim.results.results import Results
from staffsim.scenario.schema import Scenario
from staffsim.scenario.variants import with_base_seed

__all__ = [
    "PARTIAL_DIR",
    "Arm",
    "DirectoryStore",
    "Experiment",
    "MemoryStore",
    "run_replications",
]

PARTIAL_DIR = ".partial"
"""The folder, inside an output folder, that holds finished replications until assembly."""


# ------------------------------------------------------------------------- stores
class Store(ABC):
    """Where one scenario's finished replications wait for assembly."""

    def __init__(self) -> None:
        self.finished: set[int] = set()
        self.headline: dict[int, dict[str, float]] = {}

    def _note(self, record: Mapping[str, Any]) -> None:
        rep = int(record["replication"])
        if record.get("status", "ok") == "ok":
            self.finished.add(rep)
            self.headline[rep] = _means(record["annual"])
        else:
            self.finished.discard(rep)
            self.headline.pop(rep, None)

    @abstractmethod
    def add(self, record: dict[str, Any]) -> None:
        """File a finished replication's record."""

    @abstractmethod
    def records(self, replications: Iterable[int]) -> Iterator[dict[str, Any]]:
        """The stored records of ``replications``, in the order given (missing ones
        skipped)."""

    def discard(self) -> None:  # noqa: B027 - optional: the base store keeps nothing
        """Forget the stored records (after a complete assembly)."""


def _means(annual: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Each numeric annual column's mean over a replication's snapshots (the ``all``
    period), kept per replication for the precision rule."""
    if not annual:
        return {}
    out = {}
    for key, value in annual[0].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[key] = sum(float(row[key]) for row in annual) / len(annual)
    return out


class MemoryStore(Store):
    """Records kept in memory (a run with no output folder)."""

    def __init__(self, keep_monthly: bool = True) -> None:
        super().__init__()
        self._records: dict[int, dict[str, Any]] = {}
        self._keep_monthly = keep_monthly

    def add(self, record: dict[str, Any]) -> None:
        if not self._keep_monthly:
            record = {**record, "monthly": []}
        self._records[int(record["replication"])] = record
        self._note(record)

    def records(self, replications: Iterable[int]) -> Iterator[dict[str, Any]]:
        for rep in replications:
            if rep in self._records:
                yield self._records[rep]

    def discard(self) -> None:
        self._records.clear()


class DirectoryStore(Store):
    """Records as one JSON file per replication in ``folder`` (an output's ``.partial``).

    ``identity`` (scenario hash, seed) is written beside them; with ``resume`` the folder's
    records are kept if the identity matches, and a :class:`UserError` says so if not.
    Without ``resume`` any earlier records are removed.
    """

    IDENTITY = "run.json"

    def __init__(self, folder: Path, identity: Mapping[str, Any], resume: bool) -> None:
        super().__init__()
        self.folder = Path(folder)
        if self.folder.exists():
            if resume:
                self._check_identity(identity)
            else:
                shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        io.write_json(dict(identity), self.folder / self.IDENTITY)
        for path in sorted(self.folder.glob("replication-*.json")):
            self._note(json.loads(path.read_text(encoding="utf-8")))

    def _check_identity(self, identity: Mapping[str, Any]) -> None:
        kept_path = self.folder / self.IDENTITY
        kept = io.read_json(kept_path) if kept_path.exists() else None
        if kept != dict(identity):
            raise UserError(
                f"{self.folder} holds replications of a different scenario or seed; "
                "run without --resume to start afresh, or choose another --out"
            )

    def _path(self, replication: int) -> Path:
        return self.folder / f"replication-{replication:06d}.json"

    def add(self, record: dict[str, Any]) -> None:
        path = self._path(int(record["replication"]))
        with io.atomic_path(path) as tmp:
            tmp.write_text(json.dumps(record, separators=(",", ":")), encoding="utf-8")
        self._note(record)

    def records(self, replications: Iterable[int]) -> Iterator[dict[str, Any]]:
        for rep in replications:
            path = self._path(rep)
            if path.exists():
                yield json.loads(path.read_text(encoding="utf-8"))

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


# --------------------------------------------------------------------- experiment
@dataclass
class Arm:
    """One scenario of an experiment: its label, its (seeded) scenario, where its finished
    replications are kept and, optionally, the folder its tables go to."""

    label: str
    scenario: Scenario
    store: Store
    out_dir: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def resolved(self) -> dict[str, Any]:
        return self.scenario.model_dump(mode="json")

    def assemble(self, replications: Sequence[int]) -> Results:
        """The arm's tables over ``replications`` (written to ``out_dir`` if set)."""
        results = Results.from_records(
            self.store.records(replications),
            name=self.label,
            resolved=self.resolved,
            seed=self.scenario.seed,
            out_dir=self.out_dir,
            manifest_extra=self.extra,
        )
        if not results.failures:
            self.store.discard()
        return results


def make_arm(
    label: str,
    scenario: Scenario,
    out_dir: str | Path | None,
    resume: bool,
) -> Arm:
    """An :class:`Arm` whose store is ``out_dir/.partial`` when there is an output folder,
    else memory."""
    if out_dir is None:
        if resume:
            raise UserError("resuming needs the output folder of the interrupted run")
        return Arm(label, scenario, MemoryStore())
    folder = io.ensure_writable_dir(out_dir)
    identity = {
        "scenario": label,
        "scenario_sha256": scenario_sha256(scenario.model_dump(mode="json")),
        "seed": scenario.seed,
    }
    return Arm(label, scenario, DirectoryStore(folder / PARTIAL_DIR, identity, resume), folder)


class Experiment:
    """Runs replications of several arms on one backend, opened when first needed.

    Tasks are ordered replication first, so that an interrupted experiment has finished
    the same early replications of every arm. ``progress`` hears ``(done, total,
    elapsed)`` after each replication; ``total`` covers every replication asked for so far.
    """

    def __init__(
        self,
        arms: Sequence[Arm],
        backend: str | None = "local",
        jobs: int | None = None,
        scheduler: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.arms = list(arms)
        self._spec = (backend, jobs, scheduler)
        self._backend: Backend | None = None
        self.progress = progress
        self._started = time.perf_counter()
        self._planned: set[tuple[int, int]] = set()
        self._done = 0  # planned replications finished (or failed) so far
        check_backend(backend, jobs, scheduler)

    @property
    def workers(self) -> int:
        """Workers of the backend (its planned size if not yet opened)."""
        if self._backend is not None:
            return self._backend.workers
        return self._spec[1] or default_jobs()

    def _report(self) -> None:
        if self.progress is not None:
            elapsed = time.perf_counter() - self._started
            self.progress(self._done, len(self._planned), elapsed)

    def run(self, replications: Iterable[int]) -> None:
        """Run every arm's ``replications`` that its store does not hold finished."""
        reps = list(replications)
        new = {(a, rep) for rep in reps for a in range(len(self.arms))} - self._planned
        self._planned |= new
        tasks = [
            (a, rep)
            for rep in reps
            for a, arm in enumerate(self.arms)
            if rep not in arm.store.finished
        ]
        pending = set(tasks)
        self._done += sum(1 for pair in new if pair not in pending)  # kept from before
        self._report()
        if not tasks:
            return
        if self._backend is None:
            self._backend = open_backend(*self._spec)
        args = [(self.arms[a].scenario, rep) for a, rep in tasks]
        for position, result in self._backend.imap_unordered(run_task, args):
            a, rep = tasks[position]
            if isinstance(result, TaskError):
                arm = self.arms[a]
                result = failed_record(rep, arm.scenario.seed, result.error, None, None)
            self.arms[a].store.add(result)
            self._done += 1
            self._report()

    def close(self) -> None:
        """Release the backend's workers."""
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    def __enter__(self) -> Experiment:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ----------------------------------------------------------------------------- run
def run_replications(
    scenario: Scenario,
    replications: int = 10,
    seed: int | None = None,
    jobs: int | None = None,
    backend: str | None = "local",
    progress: ProgressCallback | None = None,
    out_dir: str | Path | None = None,
    resume: bool = False,
    scheduler: str | None = None,
    label: str | None = None,
) -> Results:
    """Run replications ``0 .. replications - 1`` of ``scenario`` and tabulate them.

    ``seed`` (default: the scenario's) is the base seed of every replication's random
    streams. With ``out_dir`` finished replications are kept in ``out_dir/.partial`` as they
    come and the tables and manifest are written there at the end; ``resume`` completes an
    interrupted run in the same folder. Failed replications are listed in
    ``Results.failures`` and the manifest; the tables hold the others.
    """
    if replications < 1:
        raise ParameterError("replications", f"must be at least 1, got {replications}")
    scenario = with_base_seed(scenario, seed)
    arm = make_arm(label or scenario.name, scenario, out_dir, resume)
    reps = range(replications)
    with Experiment([arm], backend, jobs, scheduler, progress) as experiment:
        experiment.run(reps)
    return arm.assemble(reps)

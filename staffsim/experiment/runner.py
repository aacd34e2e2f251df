"""Running replications without losing work: tasks, partial results and assembly.

A replication is the task :func:`staffsim.experiment.tasks.run_task`: ``run_one`` with its
error caught, so a replication that raises comes back as a record with ``status:
"failed"``, its error and traceback, and the others go on.

An output folder is claimed and checked before anything runs (:func:`output_folder`, see
:mod:`staffsim.results.folders`): one run at a time, and an earlier run there is resumed,
overwritten or refused. Finished replications are filed at once in a *store*. With an output
folder the store is ``.partial/`` inside it, one small file per replication, written
atomically with the SHA-256 of its record; an interrupted run therefore keeps everything it
finished, and ``resume`` verifies each kept file and runs only the replications that are
missing, failed or damaged (after checking the kept ones were made from the same scenario
and seed). JSON keeps every float exactly and ints as ints, so a resumed run gives the same
tables as an uninterrupted one, byte for byte. When every replication has finished the
tables are assembled in replication order, written, and ``.partial/`` is removed; if some
failed it stays, so that ``resume`` can retry them.

The parent process never holds more than a window of replications' records, nor a list of
the replications asked for: tasks are made one at a time as the backend takes them, records
go to the store as they arrive and the tables are assembled one replication at a time.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from staffsim.errors import OutputError, StaffsimError, UserError
from staffsim.experiment.backends import Backend, TaskError, default_jobs, open_backend
from staffsim.experiment.options import RunOptions
from staffsim.experiment.tasks import failed_record, run_task
from staffsim.results import io
from staffsim.results.folders import (
    PARTIAL_DIR,
    RUN_FILES,
    claimed,
    clear_partial,
    drop_empty_partial,
    prepare,
    remove_temporaries,
)
from staffsim.results.manifest import scenario_sha256
from staffsim.results.results import MANIFEST_JSON, Results
from staffsim.scenario.schema import Scenario
from staffsim.scenario.variants import with_base_seed

__all__ = [
    "PARTIAL_DIR",
    "Arm",
    "DirectoryStore",
    "Experiment",
    "MemoryStore",
    "identity",
    "make_arm",
    "output_folder",
    "run_replications",
]


# ---------------------------------------------------------------------- scenarios


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


class DamagedReplication(Exception):
    """A kept replication file that cannot be trusted; the message says why."""


REPLICATION_FORMAT = 2
"""The layout of a kept replication file: a header line, then the record's JSON."""


class DirectoryStore(Store):
    """Records as one file per replication in ``folder`` (an output's ``.partial``).

    Each file is two lines: a header (``format``, the SHA-256 of the second line, and the
    SHA-256 of the run's identity) and the record's JSON, written atomically. ``identity``
    (scenario label and hash, seed) is also written to ``run.json``. With ``resume`` the
    kept files are verified one by one: a file whose checksum fails, or that cannot be
    read, is reported through ``tell`` and its replication run again; a file from another
    scenario or seed is a :class:`UserError`. Without ``resume`` earlier files are removed.
    """

    IDENTITY = "run.json"

    def __init__(
        self,
        folder: Path,
        identity: Mapping[str, Any],
        resume: bool,
        tell: Callable[[str], None] = lambda message: None,
    ) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.identity = dict(identity)
        self._identity_sha256 = _sha256(json.dumps(self.identity, sort_keys=True))
        if self.folder.exists():
            if resume:
                self._check_identity(tell)
            else:
                clear_partial(self.folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise io.write_fault(exc, self.folder) from None
        remove_temporaries(self.folder)
        io.write_json(self.identity, self.folder / self.IDENTITY)
        if resume:
            self._verify_kept(tell)

    def _check_identity(self, tell: Callable[[str], None]) -> None:
        kept_path = self.folder / self.IDENTITY
        if not kept_path.exists():
            return
        try:
            kept = io.read_json(kept_path)
        except (OSError, ValueError):
            tell(
                f"{kept_path} is damaged; each kept replication is checked against this run "
                "on its own"
            )
            return
        if kept != self.identity:
            raise UserError(
                f"{self.folder} holds replications of a different scenario or seed; "
                "start afresh with overwrite (--overwrite), or choose another output folder"
            )

    def _verify_kept(self, tell: Callable[[str], None]) -> None:
        damaged: list[str] = []
        for path in sorted(self.folder.glob("replication-*.json")):
            try:
                record = self._read(path)
            except DamagedReplication as exc:
                damaged.append(f"{path.name} ({exc})")
                continue
            self._note(record)
        if damaged:
            tell(
                f"{len(damaged)} kept replication file{'s' if len(damaged) != 1 else ''} in "
                f"{self.folder} could not be trusted and will be run again: " + "; ".join(damaged)
            )

    def _path(self, replication: int) -> Path:
        return self.folder / f"replication-{replication:06d}.json"

    def add(self, record: dict[str, Any]) -> None:
        body = json.dumps(record, separators=(",", ":"))
        header = {
            "format": REPLICATION_FORMAT,
            "sha256": _sha256(body),
            "identity_sha256": self._identity_sha256,
        }
        path = self._path(int(record["replication"]))
        with io.atomic_path(path) as tmp:
            tmp.write_text(json.dumps(header) + "\n" + body, encoding="utf-8")
        self._note(record)

    def _read(self, path: Path) -> dict[str, Any]:
        """The record in ``path``, verified; :class:`DamagedReplication` if it cannot be
        trusted, :class:`UserError` if it belongs to another run."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DamagedReplication(f"unreadable: {exc}") from None
        first, newline, body = text.partition("\n")
        try:
            header = json.loads(first)
        except ValueError:
            header = None
        if not newline or not isinstance(header, dict) or "sha256" not in header:
            raise DamagedReplication("no checksum header" if text else "empty")
        if _sha256(body) != header["sha256"]:
            raise DamagedReplication("truncated or altered: its checksum does not match")
        if header.get("identity_sha256") != self._identity_sha256:
            raise UserError(
                f"{path} is a replication of a different scenario or seed; start afresh "
                "with overwrite (--overwrite), or choose another output folder"
            )
        record = json.loads(body)
        if record.get("replication") != int(path.stem.split("-")[1]):
            raise DamagedReplication("its replication number does not match its name")
        return record

    def records(self, replications: Iterable[int]) -> Iterator[dict[str, Any]]:
        for rep in replications:
            path = self._path(rep)
            if not path.exists():
                continue
            try:
                yield self._read(path)
            except DamagedReplication as exc:
                raise StaffsimError(
                    f"{path} was damaged after it was written ({exc}); run again with "
                    "resume (--resume) to redo it"
                ) from None

    def discard(self) -> None:
        clear_partial(self.folder)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


def identity(label: str, scenario: Scenario) -> dict[str, Any]:
    """What a kept replication must have been made from to be used in this run."""
    return {
        "scenario": label,
        "scenario_sha256": scenario_sha256(scenario.model_dump(mode="json")),
        "seed": scenario.seed,
    }


def _check_finished_run(folder: Path, identity: Mapping[str, Any]) -> None:
    """Refuse to resume a finished run in ``folder`` made from another scenario or seed."""
    path = folder / MANIFEST_JSON
    if not path.exists():
        return
    try:
        manifest = io.read_json(path)
    except (OSError, ValueError):
        return  # damaged: the run is simply made again
    kept = (manifest.get("scenario_sha256"), manifest.get("seed"))
    if kept != (identity["scenario_sha256"], identity["seed"]):
        raise UserError(
            f"{folder} holds the results of a different scenario or seed; replace them with "
            "overwrite (--overwrite), or choose another output folder"
        )


def make_arm(label: str, scenario: Scenario, options: RunOptions) -> Arm:
    """An :class:`Arm` whose store is ``options.out_dir/.partial`` when there is an output
    folder (claimed and prepared by :func:`output_folder`), else memory."""
    if options.out_dir is None:
        return Arm(label, scenario, MemoryStore())
    folder = options.out_dir
    kept_as = identity(label, scenario)
    if options.resume:
        _check_finished_run(folder, kept_as)
    store = DirectoryStore(folder / PARTIAL_DIR, kept_as, options.resume, options.tell)
    return Arm(label, scenario, store, folder)


@contextlib.contextmanager
def output_folder(
    options: RunOptions, writes: Sequence[str], run_folders: Sequence[str] = ()
) -> Iterator[Path | None]:
    """Claim and prepare ``options.out_dir`` (and its subfolders ``run_folders``, each a
    scenario's run) for the block; yield the folder, or None without one.

    An earlier run there is resumed, overwritten or refused as ``options`` say (see
    :mod:`staffsim.results.folders`). A write that fails inside the block (a full disk)
    ends the run with an :class:`OutputError` that says the finished replications are kept.
    """
    if options.out_dir is None:
        yield None
        return
    root = options.out_dir
    subfolders = [root / name for name in run_folders]
    made = [folder for folder in (root, *subfolders) if not folder.exists()]
    try:
        with claimed([root, *subfolders], options.tell):
            prepare(root, writes, options.resume, options.overwrite)
            for sub in subfolders:
                prepare(sub, RUN_FILES, options.resume, options.overwrite)
            try:
                yield root
            except OutputError as exc:
                raise OutputError(
                    f"{exc}. The replications finished so far are kept in {root}; once it "
                    "can be written, run the same command with --resume to complete the run"
                ) from None
            finally:
                for folder in (*subfolders, root):
                    drop_empty_partial(folder)
    finally:
        for folder in reversed(made):  # a run that kept nothing leaves no empty folder
            with contextlib.suppress(OSError):
                folder.rmdir()


class Experiment:
    """Runs replications of several arms on one backend, opened when first needed.

    Tasks are ordered replication first, so that an interrupted experiment has finished
    the same early replications of every arm. ``options.progress`` hears ``(done, total,
    elapsed)`` after each replication; ``total`` covers every replication asked for so far.
    Tasks are made one at a time as the backend takes them, so a run of many replications
    never holds a list of them all.
    """

    def __init__(self, arms: Sequence[Arm], options: RunOptions) -> None:
        self.arms = list(arms)
        self.options = options
        self._backend: Backend | None = None
        self._started = time.perf_counter()
        self._planned_upto = 0  # replications 0 .. _planned_upto - 1 of every arm are planned
        self._done = 0  # planned replications finished (or failed) so far

    @property
    def workers(self) -> int:
        """Workers of the backend (its planned size if not yet opened)."""
        if self._backend is not None:
            return self._backend.workers
        return self.options.jobs or default_jobs()

    def _report(self) -> None:
        if self.options.progress is not None:
            elapsed = time.perf_counter() - self._started
            total = self._planned_upto * len(self.arms)
            self.options.progress(self._done, total, elapsed)

    def _kept(self, replications: range) -> int:
        """How many of ``replications`` the stores already hold finished."""
        return sum(sum(1 for rep in arm.store.finished if rep in replications) for arm in self.arms)

    def run(self, replications: range) -> None:
        """Run every arm's ``replications`` that its store does not hold finished.

        ``replications`` continue the ones planned so far (``range(0, n)``, then
        ``range(n, m)``...).
        """
        new = range(max(replications.start, self._planned_upto), replications.stop)
        if len(new) > 0:
            self._planned_upto = new.stop
            self._done += self._kept(new)
        self._report()
        in_flight: dict[int, tuple[int, int]] = {}  # task position -> (arm index, replication)

        def tasks() -> Iterator[tuple[Scenario, int]]:
            position = 0
            for rep in replications:
                for a, arm in enumerate(self.arms):
                    if rep not in arm.store.finished:
                        in_flight[position] = (a, rep)
                        position += 1
                        yield arm.scenario, rep

        pending = tasks()
        first = next(pending, None)
        if first is None:  # every replication is kept from before: no workers needed
            return
        if self._backend is None:
            self._backend = open_backend(self.options)
        for position, result in self._backend.imap_unordered(
            run_task, itertools.chain([first], pending)
        ):
            a, rep = in_flight.pop(position)
            arm = self.arms[a]
            if isinstance(result, TaskError):
                result = failed_record(rep, arm.scenario.seed, result.error, None, None)
            arm.store.add(result)
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
    scenario: Scenario, options: RunOptions | None = None, *, label: str | None = None
) -> Results:
    """Run replications ``0 .. options.replications - 1`` of ``scenario`` and tabulate them.

    ``options.seed`` (default: the scenario's) is the base seed of every replication's
    random streams. With ``options.out_dir`` finished replications are kept in
    ``out_dir/.partial`` as they come and the tables and manifest are written there at the
    end; ``options.resume`` completes an interrupted run in the same folder. Failed
    replications are listed in ``Results.failures`` and the manifest; the tables hold the
    others.
    """
    options = options or RunOptions()
    scenario = with_base_seed(scenario, options.seed)
    reps = range(options.replications)
    with output_folder(options, RUN_FILES):
        arm = make_arm(label or scenario.name, scenario, options)
        with Experiment([arm], options) as experiment:
            experiment.run(reps)
        return arm.assemble(reps)

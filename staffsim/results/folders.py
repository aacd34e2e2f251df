"""Output folders: claimed by one run at a time, and never emptied of what staffsim did not
write.

**Claims.** A run claims its output folder before it simulates by creating
``.staffsim.lock`` in it, atomically (a hard link of a finished file, which fails if the
name exists), holding the process id, host and start time. A second run while the claim is
live is refused with :class:`~staffsim.errors.FolderBusyError` naming the holder. A claim
left by a process that no longer exists on this host is stale: it is taken over (moved
aside, checked to be the one that was read, then replaced) and the run says so. A claim
from another host cannot be checked and is treated as live. The claim is released when the
run ends, however it ends.

**Earlier runs.** A folder holding a staffsim ``manifest.json`` or a ``.partial`` folder
holds an earlier run (finished or interrupted). A new run there must either ``resume`` it
or ``overwrite`` it; otherwise it is refused, so a re-run never loses results. Overwriting
removes only the files staffsim writes (:data:`OWNED_FILES`, the kept replications in
``.partial``, and the same in the scenario subfolders a comparison's manifest lists), never
anything else. A folder holding no staffsim run is used as it is; if it holds a file of a
name the run would write, the run is refused rather than replace a file staffsim did not
write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import socket
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from staffsim.errors import FolderBusyError, UserError
from staffsim.results import io
from staffsim.results.results import (
    COMPARISON_CSV,
    MANIFEST_JSON,
    RUN_FILES,
    SWEEP_ANNUAL_CSV,
    SWEEP_CSV,
)

__all__ = [
    "LOCK_NAME",
    "OWNED_FILES",
    "PARTIAL_DIR",
    "RUN_FILES",
    "Claim",
    "claim",
    "claimed",
    "clear_earlier_run",
    "clear_partial",
    "drop_empty_partial",
    "earlier_run",
    "foreign_files",
    "prepare",
    "remove_temporaries",
]

LOCK_NAME = ".staffsim.lock"
"""The claim file in a claimed output folder."""

PARTIAL_DIR = ".partial"
"""The folder, inside an output folder, that holds finished replications until assembly."""

MANIFEST = MANIFEST_JSON

OWNED_FILES = (
    *RUN_FILES,
    COMPARISON_CSV,
    "comparison_feedback.csv",
    SWEEP_CSV,
    SWEEP_ANNUAL_CSV,
    "explain.csv",
    "explain.png",
    "tipping.csv",
    "tipping.png",
)
"""Every file staffsim writes in an output folder; only these are ever removed."""

NESTED_RUNS = ("explain", "feedback_off")
"""Subfolders where staffsim puts the runs behind ``--explain`` and ``--feedback-off-too``."""


# ------------------------------------------------------------------------------ claims
def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, and belongs to someone else
        return True
    except OSError:  # pragma: no cover - a platform that cannot tell: assume live
        return True
    return True


def _read_claim(path: Path) -> dict[str, Any] | None:
    """The claim in ``path``, None if there is none; an unreadable claim is an empty dict."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _holder(data: dict[str, Any]) -> str:
    if not data:
        return "a process that left an unreadable claim"
    since = f", since {data['started']}" if data.get("started") else ""
    return f"process {data.get('pid')} on {data.get('host')}{since}"


def _stale(data: dict[str, Any]) -> bool:
    """Whether a claim was left by a process that has ended (on this host)."""
    pid = data.get("pid")
    if data.get("host") != socket.gethostname() or not isinstance(pid, int):
        return False
    return not _alive(pid)


@dataclass
class Claim:
    """A held claim on ``folder``; :meth:`release` gives it up."""

    folder: Path
    token: str

    @property
    def path(self) -> Path:
        return self.folder / LOCK_NAME

    def release(self) -> None:
        """Remove the claim file, if it is still this claim's."""
        data = _read_claim(self.path)
        if data and data.get("token") == self.token:
            self.path.unlink(missing_ok=True)


def _try_create(path: Path, content: str) -> bool:
    """Create ``path`` holding ``content`` atomically; False if it exists."""
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    try:
        tmp.write_text(content, encoding="utf-8")
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:
            # A file system without hard links: exclusive creation is atomic too (a reader
            # may briefly see an empty claim, which it treats as live).
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
            except FileExistsError:
                return False
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(content)
        return True
    except OSError as exc:
        raise io.write_fault(exc, path) from None
    finally:
        tmp.unlink(missing_ok=True)


def _take_over(path: Path, seen: dict[str, Any]) -> bool:
    """Move the stale claim ``seen`` out of the way; False if another run got there
    first (then the caller looks again)."""
    aside = path.parent / f".{path.name}.{secrets.token_hex(6)}.stale"
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return False
    moved = _read_claim(aside)
    if moved != seen:
        # Between reading and moving, another run replaced the stale claim with its own
        # live one: put it back.
        with contextlib.suppress(OSError):
            os.link(aside, path)
        aside.unlink(missing_ok=True)
        return False
    aside.unlink(missing_ok=True)
    return True


def claim(folder: Path, tell: Callable[[str], None]) -> Claim:
    """Claim ``folder`` (which must exist) for this process.

    Raises :class:`FolderBusyError` naming the holder if another live run holds it; takes
    over a stale claim and says so through ``tell``.
    """
    path = folder / LOCK_NAME
    token = secrets.token_hex(8)
    content = json.dumps(
        {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "token": token,
        }
    )
    for _ in range(20):
        if _try_create(path, content):
            return Claim(folder, token)
        seen = _read_claim(path)
        if seen is None:  # released in the meantime
            continue
        if not _stale(seen):
            raise FolderBusyError(
                f"{folder} is in use by another staffsim run ({_holder(seen)}); wait for it "
                f"to finish or choose another output folder. If no such run is going, "
                f"remove {path}"
            )
        if _take_over(path, seen):
            tell(
                f"took over {folder} from an earlier run that ended without releasing it "
                f"({_holder(seen)}, no longer running)"
            )
    raise FolderBusyError(f"{folder} is claimed and released by other runs again and again")


@contextlib.contextmanager
def claimed(folders: Iterable[Path], tell: Callable[[str], None]) -> Iterator[None]:
    """Hold claims on ``folders`` (each created if needed) for the block's duration."""
    held: list[Claim] = []
    try:
        for folder in folders:
            held.append(claim(io.ensure_writable_dir(folder), tell))
        yield
    finally:
        for c in reversed(held):
            c.release()


# -------------------------------------------------------------------------- earlier runs
def _manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's staffsim manifest; ``{}`` if it is there but damaged; None if none."""
    path = folder / MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if isinstance(data, dict) and ({"manifest_version", "kind", "scenario_name"} & set(data)):
        return data
    return None  # someone else's manifest.json


def _subfolders(folder: Path, manifest: dict[str, Any] | None) -> list[Path]:
    names = list(NESTED_RUNS)
    if manifest and isinstance(manifest.get("folders"), dict):
        names += [str(n) for n in manifest["folders"].values()]
    found = []
    for name in dict.fromkeys(names):
        sub = folder / name
        # A name from a manifest is a label made safe; refuse anything that would leave.
        if sub.parent == folder and sub.is_dir() and not sub.is_symlink():
            found.append(sub)
    return found


def earlier_run(folder: Path) -> str | None:
    """A description of the staffsim run ``folder`` holds (None if it holds none)."""
    manifest = _manifest(folder)
    if manifest == {}:
        return f"an earlier staffsim run whose {MANIFEST} is damaged"
    if manifest is not None:
        kind = manifest.get("kind", "run")
        return f"the results of an earlier staffsim {kind}"
    if (folder / PARTIAL_DIR).is_dir():
        return "an interrupted staffsim run"
    return None


def foreign_files(folder: Path, names: Iterable[str]) -> list[str]:
    """Those of ``names`` that exist in ``folder`` although no staffsim run is there."""
    if earlier_run(folder) is not None:
        return []
    return [name for name in names if (folder / name).exists()]


def remove_temporaries(folder: Path) -> None:
    """Remove temporary files a killed run left in ``folder`` (staffsim's own names only)."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if io.is_temporary(path.name) and path.is_file():
            path.unlink(missing_ok=True)


def clear_partial(partial: Path) -> None:
    """Remove the kept replications in ``partial`` (and the folder, if nothing else is in
    it)."""
    if not partial.is_dir():
        return
    for path in partial.iterdir():
        if path.is_dir() and not path.is_symlink():
            clear_partial(path)  # a sweep keeps one folder per grid point
        elif (
            path.name.startswith("replication-")
            or path.name == "run.json"
            or io.is_temporary(path.name)
        ):
            path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # not empty: it holds something not ours
        partial.rmdir()


def drop_empty_partial(folder: Path) -> None:
    """Remove ``folder/.partial`` if it keeps no replication (a run that stopped before
    finishing one leaves nothing to resume, so it leaves no earlier run behind)."""
    partial = folder / PARTIAL_DIR
    if partial.is_dir() and not any(partial.rglob("replication-*.json")):
        clear_partial(partial)


def clear_earlier_run(folder: Path, depth: int = 0) -> None:
    """Remove the files of the staffsim run in ``folder``: :data:`OWNED_FILES`, the kept
    replications, and the same in its scenario subfolders. Nothing else is touched."""
    manifest = _manifest(folder)
    for sub in _subfolders(folder, manifest):
        if depth < 3 and earlier_run(sub) is not None:
            clear_earlier_run(sub, depth + 1)
            with contextlib.suppress(OSError):
                sub.rmdir()
    clear_partial(folder / PARTIAL_DIR)
    remove_temporaries(folder)
    for name in OWNED_FILES:
        (folder / name).unlink(missing_ok=True)


def prepare(folder: Path, writes: Iterable[str], resume: bool, overwrite: bool) -> None:
    """Make ``folder`` ready for a run that writes ``writes`` there.

    An earlier run is kept (``resume``), removed (``overwrite``), or the run refused with a
    :class:`UserError`; a file the run would replace that staffsim did not write is
    refused either way. Temporary files a killed run left behind are removed.
    """
    found = earlier_run(folder)
    if found is None:
        clash = foreign_files(folder, writes)
        if clash:
            raise UserError(
                f"{folder} holds {', '.join(clash)}, which staffsim did not write and would "
                "replace; move them or choose another output folder"
            )
    elif overwrite:
        clear_earlier_run(folder)
    elif not resume:
        raise UserError(
            f"{folder} holds {found}; complete it with resume (--resume), replace it with "
            "overwrite (--overwrite), or choose another output folder"
        )
    remove_temporaries(folder)

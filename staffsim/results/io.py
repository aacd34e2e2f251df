"""Writing result files atomically and reproducibly.

Every file is written to a temporary file in the destination folder and moved into place with
``os.replace``, which is atomic on one file system: a reader (or a crash) sees either the old
file or the new one, never half a file. The temporary file lives in the same folder because a
rename across file systems is a copy, not an atomic replace.

CSV text is reproducible: columns and rows come in a fixed order and floats are printed with
15 significant digits (``%.15g``), every decimal digit a double holds, which drops the binary
tails (``28.650000000000002`` -> ``28.65``) so that identical data give byte-identical files.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from staffsim.errors import OutputError, UserError

__all__ = [
    "FLOAT_FORMAT",
    "TableWriter",
    "atomic_path",
    "ensure_writable_dir",
    "is_temporary",
    "read_json",
    "write_csv",
    "write_fault",
    "write_json",
    "write_parquet",
]

FLOAT_FORMAT = "%.15g"
"""How floats are printed in CSV files."""


_TEMPORARY = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")


def is_temporary(name: str) -> bool:
    """Whether ``name`` is one of the temporary files :func:`atomic_path` makes (one left
    behind by a process that was killed mid-write may be removed)."""
    return _TEMPORARY.match(name) is not None


def write_fault(exc: OSError, path: str | os.PathLike[str]) -> OutputError:
    """The :class:`OutputError` to raise for ``exc``, met while writing ``path``."""
    if exc.errno == errno.ENOSPC:
        reason = "no space left on device"
    elif exc.errno == errno.EDQUOT:
        reason = "disk quota exceeded"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        reason = "permission denied"
    elif exc.errno == errno.EROFS:
        reason = "read-only file system"
    else:
        reason = exc.strerror or str(exc) or type(exc).__name__
    return OutputError(f"cannot write {path}: {reason}")


def _temp_beside(target: Path) -> Path:
    """A new empty temporary file in ``target``'s folder (so the final rename is atomic).

    Created with ``open(..., "x")`` rather than ``mkstemp`` so that it gets the ordinary
    permissions of a new file (the user's umask), not mkstemp's owner-only ones.
    """
    while True:
        tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
        try:
            with open(tmp, "x"):
                return tmp
        except FileExistsError:  # pragma: no cover - a 48-bit name collision
            continue
        except OSError as exc:
            raise write_fault(exc, target) from None


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success move it onto ``path``.

    If the block raises, the temporary file is removed and ``path`` is left as it was; an
    :class:`OSError` (a full disk, a folder that cannot be written) becomes an
    :class:`OutputError` naming ``path``.
    """
    target = Path(path)
    tmp = _temp_beside(target)
    try:
        yield tmp
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise write_fault(exc, target) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _csv_options() -> dict[str, Any]:
    return {"index": False, "float_format": FLOAT_FORMAT, "lineterminator": "\n"}


def write_csv(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` to ``path`` as CSV, atomically, in the reproducible format."""
    target = Path(path)
    with atomic_path(target) as tmp:
        df.to_csv(tmp, encoding="utf-8", **_csv_options())
    return target


def write_parquet(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` to ``path`` as Parquet, atomically."""
    target = Path(path)
    with atomic_path(target) as tmp:
        df.to_parquet(tmp, index=False)
    return target


def write_json(data: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``data`` as indented JSON (keys in the given order), atomically."""
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


def read_json(path: str | os.PathLike[str]) -> Any:
    """Read a JSON file written by :func:`write_json`."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


class TableWriter:
    """Write one table, chunk by chunk, to a CSV file and a Parquet file at once.

    Used where a table is too big to hold whole (the monthly series of many replications):
    each chunk is appended as it comes and both files appear atomically on :meth:`close`.
    Every chunk must have the same columns and dtypes as the first.
    """

    def __init__(
        self, csv_path: str | os.PathLike[str], parquet_path: str | os.PathLike[str]
    ) -> None:
        self._targets = (Path(csv_path), Path(parquet_path))
        self._temps = tuple(_temp_beside(t) for t in self._targets)
        self._csv: IO[str] | None = None
        self._parquet: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None

    def write(self, chunk: pd.DataFrame) -> None:
        """Append ``chunk`` to both files (an :class:`OutputError` if they cannot be
        written, with both discarded)."""
        try:
            self._write(chunk)
        except OSError as exc:
            self.abort()
            raise write_fault(exc, self._targets[0].parent) from None

    def _write(self, chunk: pd.DataFrame) -> None:
        if self._csv is None:
            self._csv = open(self._temps[0], "w", encoding="utf-8", newline="")  # noqa: SIM115
            chunk.to_csv(self._csv, header=True, **_csv_options())
            table = pa.Table.from_pandas(chunk, preserve_index=False)
            self._schema = table.schema
            self._parquet = pq.ParquetWriter(self._temps[1], self._schema)
        else:
            chunk.to_csv(self._csv, header=False, **_csv_options())
            table = pa.Table.from_pandas(chunk, schema=self._schema, preserve_index=False)
        assert self._parquet is not None
        self._parquet.write_table(table)

    def _close_files(self) -> None:
        if self._csv is not None:
            self._csv.close()
        if self._parquet is not None:
            self._parquet.close()

    def close(self, empty: pd.DataFrame | None = None) -> None:
        """Finish both files and move them into place.

        ``empty`` gives the columns to write if no chunk came (an empty table, not no file).
        """
        if self._csv is None:
            if empty is None:
                self.abort()
                raise ValueError("no chunk was written and no empty table was given")
            self.write(empty)
        try:
            self._close_files()
            for tmp, target in zip(self._temps, self._targets, strict=True):
                os.replace(tmp, target)
        except OSError as exc:
            self.abort()
            raise write_fault(exc, self._targets[0].parent) from None

    def abort(self) -> None:
        """Discard both files, leaving any existing ones untouched."""
        with contextlib.suppress(OSError):  # closing a file on a full disk may fail too
            self._close_files()
        self._csv = None
        self._parquet = None
        for tmp in self._temps:
            tmp.unlink(missing_ok=True)

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def ensure_writable_dir(path: str | os.PathLike[str]) -> Path:
    """Create the folder ``path`` if needed and check files can be written in it.

    So that a run fails before it simulates rather than after: a path that is, or lies
    under, a file is bad input (:class:`UserError`, exit status 2); a folder that cannot be
    made or written (permissions, a full or read-only disk) is an :class:`OutputError`
    (exit status 1).
    """
    folder = Path(path)
    try:
        if folder.exists() and not folder.is_dir():
            raise UserError(f"cannot write results to {folder}: it is a file, not a folder")
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except (NotADirectoryError, FileExistsError) as exc:
        reason = exc.strerror or str(exc)
        raise UserError(f"cannot write results to {folder}: {reason}") from None
    except OSError as exc:
        fault = write_fault(exc, folder)
        raise OutputError(str(fault).replace("cannot write", "cannot write results to")) from None
    return folder

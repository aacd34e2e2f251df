"""Result objects: the tables of a run, a comparison or a sweep, saved and loaded as files.

A :class:`Results` is one scenario's replications: ``.annual`` (wide, DfE names),
``.monthly`` (tidy), ``.manifest`` and ``.summary()``. Saved, it is a folder::

    annual.csv        one row per replication and 30 September snapshot
    summary.csv       means and 95% CIs of the key metrics per year and over all years
    monthly.csv       tidy monthly series (also as monthly.parquet)
    monthly.parquet
    manifest.json     resolved scenario, its SHA-256, seed, versions, replications

and :meth:`Results.load` reads the folder back without simulating anything. The monthly
table of a saved run is read from ``monthly.parquet`` only when first asked for, so a run of
many replications is never held in memory whole unless someone wants it.

A :class:`ComparisonResults` adds the ``comparison`` table (``comparison.csv``) with one
saved :class:`Results` per scenario in a subfolder; a :class:`SweepResults` is the summary of
a parameter grid (``sweep.csv``) and its annual rows (``sweep_annual.csv``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from staffsim.errors import DamagedResultsError
from staffsim.results import io, stats, tables
from staffsim.results.manifest import failed_replications, replication_entry, run_manifest
from staffsim.results.metrics import KEY_METRICS, METRICS, headline_metrics

__all__ = [
    "COMPARISON_COLUMNS",
    "ComparisonResults",
    "Results",
    "SweepResults",
    "folder_name",
]

ANNUAL_CSV = "annual.csv"
MONTHLY_CSV = "monthly.csv"
MONTHLY_PARQUET = "monthly.parquet"
MANIFEST_JSON = "manifest.json"
SUMMARY_CSV = "summary.csv"
SUMMARY_COLUMNS = ("metric", "period", "mean", "ci_low", "ci_high", "unit")
"""The columns of ``summary.csv``."""
COMPARISON_CSV = "comparison.csv"
SWEEP_CSV = "sweep.csv"
SWEEP_ANNUAL_CSV = "sweep_annual.csv"
RUN_FILES = (ANNUAL_CSV, SUMMARY_CSV, MONTHLY_CSV, MONTHLY_PARQUET, MANIFEST_JSON)
"""Every file a run writes in its folder."""
_LOADED_FILES = (ANNUAL_CSV, MONTHLY_CSV, MONTHLY_PARQUET, MANIFEST_JSON)
"""The files :meth:`Results.load` reads (``summary.csv`` is recomputed from the annual
table, so a run saved before it existed still loads)."""


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

SWEEP_COLUMNS = ("point", "metric", "unit", "period", "mean", "ci_low", "ci_high", "sd")
"""Columns every ``sweep.csv`` has (after the varied key paths)."""


# ------------------------------------------------------------------ checked reading
def _damaged(path: Path, problem: str) -> DamagedResultsError:
    return DamagedResultsError(f"cannot load results from {path.parent}: {path.name} {problem}")


def _require_files(folder: Path, names: Sequence[str]) -> None:
    if not folder.is_dir():
        raise DamagedResultsError(f"cannot load results from {folder}: no such folder")
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise DamagedResultsError(
            f"cannot load results from {folder}: {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing"
        )


def _read_manifest(folder: Path, keys: Sequence[str]) -> dict[str, Any]:
    """The folder's manifest, checked to be a JSON object holding ``keys``."""
    path = folder / MANIFEST_JSON
    try:
        manifest = io.read_json(path)
    except OSError as exc:
        raise _damaged(path, f"cannot be read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise _damaged(path, f"is not valid JSON (damaged or truncated): {exc}") from None
    if not isinstance(manifest, dict):
        raise _damaged(path, "is not a staffsim manifest (not a JSON object)")
    missing = [key for key in keys if key not in manifest]
    if missing:
        raise _damaged(path, f"lacks {', '.join(missing)}: not a manifest of this kind")
    return manifest


def _read_csv(path: Path, columns: Sequence[str], **options: Any) -> pd.DataFrame:
    """A CSV file staffsim wrote, checked to be whole and to hold ``columns``."""
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, 2)
            if size == 0:
                raise _damaged(path, "is empty")
            fh.seek(size - 1)
            if fh.read(1) != b"\n":
                raise _damaged(path, "is truncated: its last line is incomplete")
        table = pd.read_csv(path, **options)
    except DamagedResultsError:
        raise
    except OSError as exc:
        raise _damaged(path, f"cannot be read: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:  # pandas' parser errors are ValueErrors
        raise _damaged(path, f"is not a readable CSV table: {exc}") from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise _damaged(path, f"lacks the documented column(s) {', '.join(missing)}")
    return table


def _check_parquet(path: Path, columns: Sequence[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
    except (OSError, pa.ArrowException) as exc:
        raise _damaged(path, f"is not a readable Parquet file: {exc}") from None
    if list(names) != list(columns):
        raise _damaged(path, f"has columns {names}, not the documented {list(columns)}")


def _check_monthly_csv(path: Path) -> None:
    try:
        with open(path, encoding="utf-8") as fh:
            header = fh.readline().rstrip("\n").split(",")
    except (OSError, UnicodeDecodeError) as exc:
        raise _damaged(path, f"cannot be read: {exc}") from None
    if header != list(tables.MONTHLY_TIDY_COLUMNS):
        raise _damaged(
            path, f"does not start with the documented header {tables.MONTHLY_TIDY_COLUMNS}"
        )


def folder_name(label: str) -> str:
    """A safe folder name for a scenario label (letters, digits, ``._-``)."""
    name = re.sub(r"[^\w.-]+", "_", label, flags=re.ASCII).strip("._")
    return name or "scenario"


def _summary(
    annual: pd.DataFrame, metrics: Sequence[str] | None, confidence: float, keys: Sequence[str]
) -> pd.DataFrame:
    if metrics is None:
        # The key metrics the model reports (a model without costs has no total_cost_gbp).
        metrics = [m for m in KEY_METRICS if m in annual.columns]
    values = tables.period_values(annual, metrics, keys)
    group = [k for k in keys if k != "replication"]
    out = stats.summary(values, [*group, "metric", "period"], confidence)
    out.insert(len(group) + 1, "unit", out["metric"].map(lambda m: _unit(m)))
    return out


def _unit(metric: str) -> str:
    known = METRICS.get(metric)
    return known.unit if known else ""


class Results:
    """The tables of one scenario's replications.

    Attributes:
        name: the scenario's label in the tables (the ``scenario`` column).
        annual: wide annual table (see :mod:`staffsim.results.tables`).
        manifest: the run's manifest (see :mod:`staffsim.results.manifest`).
        path: the folder the results are saved in, if any.
    """

    def __init__(
        self,
        name: str,
        annual: pd.DataFrame,
        manifest: Mapping[str, Any],
        monthly: pd.DataFrame | None = None,
        path: str | Path | None = None,
    ) -> None:
        self.name = name
        self.annual = annual
        self.manifest = dict(manifest)
        self._monthly = monthly
        self.path = Path(path) if path is not None else None

    # ------------------------------------------------------------------ tables
    @property
    def monthly(self) -> pd.DataFrame:
        """Tidy monthly table: ``scenario, replication, month, period_start, period_end,
        days, metric, value`` (read from the saved Parquet file on first use)."""
        if self._monthly is None:
            if self.path is None:
                self._monthly = tables.empty_monthly_tidy()
            else:
                self._monthly = pd.read_parquet(self.path / MONTHLY_PARQUET)
        return self._monthly

    def monthly_wide(self) -> pd.DataFrame:
        """The monthly table with one column per metric."""
        return tables.monthly_wide(self.monthly)

    @property
    def seed(self) -> int:
        """The seed every replication was run with."""
        return int(self.manifest["seed"])

    @property
    def scenario(self) -> dict[str, Any]:
        """The resolved scenario (every value, as JSON data)."""
        return self.manifest["scenario"]

    @property
    def replications(self) -> list[int]:
        """The replications that finished, in order."""
        return [
            e["replication"] for e in self.manifest.get("replications", []) if e["status"] == "ok"
        ]

    @property
    def failures(self) -> list[dict[str, Any]]:
        """Manifest entries of the replications that raised (empty if none did)."""
        return failed_replications(self.manifest)

    def summary(
        self, metrics: Sequence[str] | None = None, confidence: float = 0.95
    ) -> pd.DataFrame:
        """Mean and t confidence interval over replications of each metric, per simulated
        year and over all years (``period == "all"``).

        ``metrics`` defaults to the key metrics (:data:`staffsim.results.metrics.KEY_METRICS`)
        the model reports. Columns: ``scenario, metric, unit, period, mean, ci_low, ci_high,
        sd, replications``.
        """
        return _summary(self.annual, metrics, confidence, tables.KEY_COLUMNS)

    def summary_table(self) -> pd.DataFrame:
        """The summary saved as ``summary.csv``: ``metric, period, mean, ci_low, ci_high,
        unit`` for the key metrics, each census year and ``all``."""
        return self.summary()[list(SUMMARY_COLUMNS)]

    # ----------------------------------------------------------- build and files
    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        name: str,
        resolved: Mapping[str, Any],
        seed: int,
        out_dir: str | Path | None = None,
        manifest_extra: Mapping[str, Any] | None = None,
    ) -> Results:
        """Tabulate replication records (``run_one``'s, plus ``status``/``error``).

        ``records`` must come in replication order. With ``out_dir`` the tables are written
        there as they are built, one replication at a time, so only the annual rows are ever
        held whole; without it everything stays in memory.
        """
        entries: list[dict[str, Any]] = []
        annual_records: list[dict[str, Any]] = []
        frames: list[pd.DataFrame] = []
        writer = None
        if out_dir is not None:
            folder = Path(out_dir)
            writer = io.TableWriter(folder / MONTHLY_CSV, folder / MONTHLY_PARQUET)
        try:
            for rec in records:
                entries.append(replication_entry(rec))
                if rec.get("status", "ok") != "ok":
                    continue
                annual_records.append({"replication": rec["replication"], "annual": rec["annual"]})
                chunk = tables.monthly_tidy(rec, name)
                if writer is not None:
                    writer.write(chunk)
                else:
                    frames.append(chunk)
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
        annual = tables.annual_table(annual_records, name)
        manifest = run_manifest(
            scenario_name=name,
            resolved=resolved,
            seed=seed,
            replications=entries,
            extra=manifest_extra,
        )
        if writer is not None:
            writer.close(empty=tables.empty_monthly_tidy())
            folder = Path(out_dir)  # type: ignore[arg-type]
            io.write_csv(annual, folder / ANNUAL_CSV)
            results = cls(name, annual, manifest, path=folder)
            io.write_csv(results.summary_table(), folder / SUMMARY_CSV)
            io.write_json(manifest, folder / MANIFEST_JSON)
            return results
        monthly = pd.concat(frames, ignore_index=True) if frames else tables.empty_monthly_tidy()
        return cls(name, annual, manifest, monthly=monthly)

    def save(self, directory: str | Path) -> Path:
        """Write the tables and manifest to ``directory`` (created if needed), atomically."""
        folder = io.ensure_writable_dir(directory)
        io.write_csv(self.annual, folder / ANNUAL_CSV)
        io.write_csv(self.summary_table(), folder / SUMMARY_CSV)
        monthly = self.monthly
        io.write_csv(monthly, folder / MONTHLY_CSV)
        io.write_parquet(monthly, folder / MONTHLY_PARQUET)
        io.write_json(self.manifest, folder / MANIFEST_JSON)
        self.path = folder
        return folder

    @classmethod
    def load(cls, directory: str | Path) -> Results:
        """Read results saved by :meth:`save` (or by ``staffsim run``) without simulating.

        The folder is checked first: every file present and readable, the manifest whole,
        the tables whole with their documented columns, and the annual table holding the
        replications the manifest lists. A :class:`DamagedResultsError` names what is
        wrong.
        """
        folder = Path(directory)
        _require_files(folder, _LOADED_FILES)
        manifest = _read_manifest(folder, ("scenario_name", "seed", "replications", "scenario"))
        required = [*tables.KEY_COLUMNS, "time_period", *headline_metrics()]
        annual = _read_csv(folder / ANNUAL_CSV, required)
        _check_monthly_csv(folder / MONTHLY_CSV)
        _check_parquet(folder / MONTHLY_PARQUET, tables.MONTHLY_TIDY_COLUMNS)
        results = cls(manifest["scenario_name"], annual, manifest, path=folder)
        listed = set(results.replications)
        found = set(annual["replication"])
        if len(annual) and found != listed:
            raise _damaged(
                folder / ANNUAL_CSV,
                f"holds replications {sorted(found)[:10]} but the manifest lists "
                f"{sorted(listed)[:10]}: the files are from different runs or damaged",
            )
        return results

    def __repr__(self) -> str:
        failed = len(self.failures)
        note = f", {failed} failed" if failed else ""
        return (
            f"<Results {self.name!r}: {len(self.replications)} replications{note}, "
            f"seed {self.manifest.get('seed')}>"
        )


class ComparisonResults:
    """Options against a base scenario, on common random numbers.

    Attributes:
        comparison: the tidy comparison table (see :mod:`staffsim.experiment.compare`).
        results: each scenario's :class:`Results`, by label, base first.
        base: the base scenario's label.
        manifest: the comparison's own manifest (labels, folders, seed, replications,
            precision).
    """

    def __init__(
        self,
        comparison: pd.DataFrame,
        results: Mapping[str, Results],
        base: str,
        manifest: Mapping[str, Any],
        path: str | Path | None = None,
    ) -> None:
        self.comparison = comparison
        self.results = dict(results)
        self.base = base
        self.manifest = dict(manifest)
        self.path = Path(path) if path is not None else None

    @property
    def options(self) -> list[str]:
        """The options' labels, in the order given."""
        return [label for label in self.results if label != self.base]

    @property
    def annual(self) -> pd.DataFrame:
        """Every scenario's annual table, one below the other."""
        return pd.concat([r.annual for r in self.results.values()], ignore_index=True)

    def summary(
        self, metrics: Sequence[str] | None = None, confidence: float = 0.95
    ) -> pd.DataFrame:
        """Each scenario's summary (see :meth:`Results.summary`), one below the other."""
        return pd.concat(
            [r.summary(metrics, confidence) for r in self.results.values()], ignore_index=True
        )

    def __getitem__(self, label: str) -> Results:
        return self.results[label]

    def __iter__(self) -> Iterator[str]:
        return iter(self.results)

    def save(self, directory: str | Path) -> Path:
        """Write ``comparison.csv``, ``manifest.json`` and each scenario's run folder."""
        folder = io.ensure_writable_dir(directory)
        folders = self.manifest.setdefault(
            "folders", {label: folder_name(label) for label in self.results}
        )
        for label, res in self.results.items():
            if res.path is None or res.path.resolve() != (folder / folders[label]).resolve():
                res.save(folder / folders[label])
        io.write_csv(self.comparison, folder / COMPARISON_CSV)
        io.write_json(self.manifest, folder / MANIFEST_JSON)
        self.path = folder
        return folder

    @classmethod
    def load(cls, directory: str | Path) -> ComparisonResults:
        """Read a comparison saved by :meth:`save` (or by ``staffsim compare``)."""
        folder = Path(directory)
        _require_files(folder, (MANIFEST_JSON, COMPARISON_CSV))
        manifest = _read_manifest(folder, ("base", "folders"))
        comparison = _read_csv(folder / COMPARISON_CSV, COMPARISON_COLUMNS, dtype={"period": str})
        folders = manifest["folders"]
        if not isinstance(folders, dict) or any(folder_name(str(f)) != f for f in folders.values()):
            raise _damaged(
                folder / MANIFEST_JSON, "lists scenario folders that are not plain names"
            )
        results = {label: Results.load(folder / sub) for label, sub in folders.items()}
        return cls(comparison, results, manifest["base"], manifest, path=folder)

    def __repr__(self) -> str:
        return (
            f"<ComparisonResults base {self.base!r}, options {self.options}, "
            f"{self.manifest.get('replications')} replications>"
        )


class SweepResults:
    """A parameter grid run on common random numbers.

    Attributes:
        table: tidy summary, one row per grid point, metric and period: the varied key paths
            as columns, then ``point, metric, unit, period, mean, ci_low, ci_high, sd,
            replications``.
        annual: every grid point's annual rows, the varied key paths and ``point`` first.
        manifest: the sweep's manifest (base scenario, grid, seed, replications).
    """

    def __init__(
        self,
        table: pd.DataFrame,
        annual: pd.DataFrame,
        manifest: Mapping[str, Any],
        path: str | Path | None = None,
    ) -> None:
        self.table = table
        self.annual = annual
        self.manifest = dict(manifest)
        self.path = Path(path) if path is not None else None

    @property
    def varied(self) -> list[str]:
        """The varied key paths, in the order given."""
        return list(self.manifest["vary"])

    @property
    def failures(self) -> list[dict[str, Any]]:
        """Failed replications, each with its grid point."""
        return list(self.manifest.get("failures", []))

    @staticmethod
    def summarise(
        annual: pd.DataFrame,
        varied: Sequence[str],
        metrics: Sequence[str] | None = None,
        confidence: float = 0.95,
    ) -> pd.DataFrame:
        """The summary table of a sweep's annual rows, grid point by grid point."""
        table = _summary(annual, metrics, confidence, [*varied, "point", "replication"])
        return table.sort_values("point", kind="stable", ignore_index=True)

    def save(self, directory: str | Path) -> Path:
        """Write ``sweep.csv``, ``sweep_annual.csv`` and ``manifest.json``."""
        folder = io.ensure_writable_dir(directory)
        io.write_csv(self.annual, folder / SWEEP_ANNUAL_CSV)
        io.write_csv(self.table, folder / SWEEP_CSV)
        io.write_json(self.manifest, folder / MANIFEST_JSON)
        self.path = folder
        return folder

    @classmethod
    def load(cls, directory: str | Path) -> SweepResults:
        """Read a sweep saved by :meth:`save` (or by ``staffsim sweep``)."""
        folder = Path(directory)
        _require_files(folder, (MANIFEST_JSON, SWEEP_CSV, SWEEP_ANNUAL_CSV))
        manifest = _read_manifest(folder, ("vary", "points", "seed"))
        varied = list(manifest["vary"])
        table = _read_csv(folder / SWEEP_CSV, [*varied, *SWEEP_COLUMNS], dtype={"period": str})
        annual = _read_csv(folder / SWEEP_ANNUAL_CSV, [*varied, "point", *tables.KEY_COLUMNS])
        return cls(table, annual, manifest, path=folder)

    def __repr__(self) -> str:
        points = self.manifest.get("points", "?")
        return f"<SweepResults over {self.varied}: {points} points>"

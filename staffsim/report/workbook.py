"""One Excel workbook of a run, a comparison or an appraisal, for finance colleagues.

One sheet per table: the summary with its confidence intervals, the comparison, the
appraisal, the cash flows and costs by financial year, the switching values, the outcomes
that are not monetised, the assumptions from the scenario files (every resolved value with
its unit), and the run's provenance on a sheet of its own. Each sheet has its units in the
header (``npv_mean_gbp [GBP]``), a frozen header row, number formats by unit and column
widths fitted to the text; it reads back with ``pandas.read_excel``. Written with openpyxl
(the ``excel`` extra), atomically.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from staffsim.errors import UserError
from staffsim.results import io
from staffsim.results.results import COMPARISON_CSV, MANIFEST_JSON, ComparisonResults, Results

__all__ = [
    "Sheet",
    "assumptions_table",
    "sheets_for_folder",
    "write_folder_workbook",
    "write_workbook",
]

GBP_FORMAT = "#,##0.00"
NUMBER_FORMAT = "#,##0.00##"
WHOLE_FORMAT = "0"
FACTOR_FORMAT = "0.000000"


@dataclass
class Sheet:
    """A table to write: ``units`` maps a column to its unit, shown in the header."""

    name: str
    frame: pd.DataFrame
    units: dict[str, str] = field(default_factory=dict)


def _unit_of(column: str) -> str:
    """A unit read from a column's name where it says one (``_gbp``, ``_pct``...)."""
    if column.endswith("_gbp") or column.startswith(("policy_one_off_gbp", "policy_running_gbp")):
        return "GBP"
    if column.endswith("_pct"):
        return "%"
    if column.endswith("_share"):
        return "fraction"
    if column == "days":
        return "days"
    return ""


def _format(column: str, unit: str, values: pd.Series) -> str | None:
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return None
    if unit == "GBP":
        return GBP_FORMAT
    if column == "discount_factor":
        return FACTOR_FORMAT
    if pd.api.types.is_integer_dtype(values):
        return WHOLE_FORMAT
    return NUMBER_FORMAT


def _header(column: str, unit: str) -> str:
    return f"{column} [{unit}]" if unit else column


def _safe_title(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31]


def write_workbook(path: str | Path, sheets: Sequence[Sheet]) -> Path:
    """Write ``sheets`` to the workbook ``path`` (atomically); raises :class:`UserError` if
    openpyxl (the ``excel`` extra) is not installed."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise UserError("writing .xlsx needs openpyxl: pip install 'staffsim[excel]'") from None
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise UserError(f"--xlsx {target}: give a file name ending in .xlsx")
    if not target.parent.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(_safe_title(sheet.name))
        frame = sheet.frame
        columns = [str(c) for c in frame.columns]
        units = {c: sheet.units.get(c, _unit_of(c)) for c in columns}
        ws.append([_header(c, units[c]) for c in columns])
        for cell in ws[1]:
            cell.font = bold
        for row in frame.itertuples(index=False, name=None):
            ws.append([_cell(v) for v in row])
        for j, column in enumerate(columns, start=1):
            fmt = _format(column, units[column], frame[column])
            letter = get_column_letter(j)
            if fmt is not None:
                for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = fmt
            width = max(
                [len(_header(column, units[column]))]
                + [len(str(v)) for v in frame[column].head(200)]
            )
            ws.column_dimensions[letter].width = min(max(10, width + 2), 60)
        ws.freeze_panes = "A2"
    with io.atomic_path(target) as tmp:
        book.save(tmp)
    return target


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN: an empty cell
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, list | tuple | dict):
        return json.dumps(value)
    return value


# ------------------------------------------------------------------ assumptions
def _schema_units() -> dict[str, str]:
    from staffsim.scenario.schema import Scenario

    units: dict[str, str] = {}

    def walk(model: Any, prefix: str) -> None:
        for name, f in model.model_fields.items():
            extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
            if "unit" in extra:
                units[f"{prefix}{name}"] = str(extra["unit"])
            annotation = f.annotation
            if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                walk(annotation, f"{prefix}{name}.")

    walk(Scenario, "")
    return units


def _flatten(data: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(data, Mapping) and not ("dist" in data or "points" in data):
        for key, value in data.items():
            yield from _flatten(value, f"{prefix}{key}.")
    elif isinstance(data, list | tuple) and data and isinstance(data[0], Mapping):
        for i, value in enumerate(data):
            yield from _flatten(value, f"{prefix}{i}.")
    else:
        yield prefix.rstrip("."), data


def assumptions_table(scenarios: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Every resolved value of each scenario, one row per key path: ``key_path, unit`` and a
    column per scenario (distributions, effects and lists as JSON text)."""
    units = _schema_units()
    columns: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for label, resolved in scenarios.items():
        values = dict(_flatten(resolved))
        columns[label] = values
        order += [k for k in values if k not in order]
    rows = []
    for key in order:
        row: dict[str, Any] = {"key_path": key, "unit": units.get(key, "")}
        for label, values in columns.items():
            value = values.get(key)
            row[label] = json.dumps(value) if isinstance(value, Mapping | list | tuple) else value
        rows.append(row)
    frame = pd.DataFrame(rows)
    # One column may mix numbers and text (different scenarios): keep it as text.
    for label in columns:
        kinds = {type(v) for v in frame[label].dropna()}
        if len(kinds) > 1 or kinds & {bool}:
            frame[label] = frame[label].map(lambda v: "" if v is None else str(v))
    return frame


def _provenance(
    manifest: Mapping[str, Any], folder: Path, extra: Mapping[str, Any]
) -> pd.DataFrame:
    rows: list[tuple[str, Any]] = [("results folder", str(folder.resolve()))]
    for key in ("kind", "scenario_name", "base", "options", "seed", "replications", "created"):
        if key in manifest:
            rows.append((key, manifest[key]))
    for key, value in (manifest.get("versions") or {}).items():
        rows.append((f"version: {key}", value))
    sha = manifest.get("scenario_sha256")
    if isinstance(sha, Mapping):
        rows += [(f"scenario SHA-256: {k}", v) for k, v in sha.items()]
    elif sha:
        rows.append(("scenario SHA-256", sha))
    rows += list(_flatten(dict(extra)))
    return pd.DataFrame({"item": [k for k, _ in rows], "value": [_text(v) for _, v in rows]})


def _text(value: Any) -> str:
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def _costs_means(costs: pd.DataFrame) -> pd.DataFrame:
    """Costs by year, means over replications."""
    keys = ["scenario", "year_type", "year", "period_start", "period_end", "days", "part_year"]
    values = [c for c in costs.columns if c not in (*keys, "replication")]
    return costs.groupby(keys, sort=False)[values].mean().reset_index()


def sheets_for_folder(folder: str | Path) -> list[Sheet]:
    """The sheets of a saved run, comparison or appraisal folder."""
    from staffsim.appraisal import appraise as ap
    from staffsim.appraisal.costs import costs_by_year

    root = Path(folder)
    if not (root / MANIFEST_JSON).exists():
        raise UserError(
            f"{root} holds no {MANIFEST_JSON}: give a folder written by staffsim run, "
            "compare or appraise"
        )
    manifest = io.read_json(root / MANIFEST_JSON)
    sheets: list[Sheet] = []
    if (root / COMPARISON_CSV).exists():
        comparison = ComparisonResults.load(root)
        results = comparison.results
        sheets.append(Sheet("Summary", comparison.summary()))
        sheets.append(Sheet("Comparison", comparison.comparison))
    else:
        run = Results.load(root)
        results = {run.name: run}
        sheets.append(Sheet("Summary", run.summary()))
    appraisal_extra: dict[str, Any] = {}
    if (root / ap.APPRAISAL_CSV).exists():
        appraisal = ap.Appraisal.load(root)
        sheets += [
            Sheet("Appraisal", appraisal.table),
            Sheet("Cash flows", appraisal.cashflows),
            Sheet("Switching values", appraisal.switching),
            Sheet("Switching grid", appraisal.switching_grid),
            Sheet("Outcomes not monetised", appraisal.outcomes),
            Sheet("Costs by year", _costs_means(appraisal.costs)),
        ]
        appraisal_extra = {"appraisal": appraisal.settings}
    else:
        costs = pd.concat([costs_by_year(r) for r in results.values()], ignore_index=True)
        policy = [c for c in costs.columns if c.startswith("policy_")]
        costs[policy] = costs[policy].fillna(0.0)
        sheets.append(Sheet("Costs by year", _costs_means(costs)))
    sheets.append(
        Sheet("Assumptions", assumptions_table({k: r.scenario for k, r in results.items()}))
    )
    sheets.append(Sheet("Provenance", _provenance(manifest, root, appraisal_extra)))
    return sheets


def write_folder_workbook(folder: str | Path, path: str | Path) -> Path:
    """Write the workbook of a saved results folder to ``path``."""
    return write_workbook(path, sheets_for_folder(folder))

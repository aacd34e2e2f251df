"""What the commands show a person: progress on standard error, tables and notes on standard
output, all of it within :data:`MAX_WIDTH` columns.

Tables are drawn by rich. A table too wide for the page is cut into blocks of columns, each
block repeating the row labels (the metric and its unit), so that years never wrap onto the
next line mid-row. Numbers are rounded for reading; the files hold full precision. Money is
shown in GBP million (``GBP m``), as a business case quotes it.
"""

from __future__ import annotations

import argparse
import io
import math
import shutil
import sys
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd

from staffsim.experiment.progress import ProgressCallback
from staffsim.report.progress import progress_display

__all__ = [
    "MAX_WIDTH",
    "blocks",
    "comparison_text",
    "display_unit",
    "explain_text",
    "feedback_text",
    "format_cell",
    "format_number",
    "page_width",
    "progress",
    "registered_unit",
    "say",
    "summary_text",
    "sweep_text",
    "table_text",
    "tipping_text",
]

MAX_WIDTH = 100
"""No line the commands print on standard output is wider than this."""

_COLUMN_GAP = 2  # spaces between two columns of a table

MONEY_UNITS = {"GBP": ("GBP m", 1e-6)}
"""Units shown scaled in tables: the unit as shown and the factor applied to values."""


# ------------------------------------------------------------------------------- progress
@contextmanager
def progress(args: argparse.Namespace, label: str) -> Iterator[ProgressCallback | None]:
    """The progress display for a command, on standard error (standard output stays for the
    tables): a bar on a terminal, a line per tenth of the replications otherwise; none with
    ``--quiet``."""
    if getattr(args, "quiet", False):
        yield None
        return
    display = progress_display(label, sys.stderr)
    try:
        yield display
    finally:
        display.close()


# -------------------------------------------------------------------------------- numbers
def format_number(value: float | None) -> str:
    """A number rounded for reading (full precision is in the files)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size < 0.005:
        return "0.00"  # not "-0.00" for a difference that rounds to nothing
    return f"{value:.2f}"


def format_cell(mean: float, low: float, high: float) -> str:
    """``mean [low, high]``."""
    if isinstance(low, float) and math.isnan(low):
        return format_number(mean)
    return f"{format_number(mean)} [{format_number(low)}, {format_number(high)}]"


def display_unit(unit: str) -> tuple[str, float]:
    """The unit as a table shows it and the factor its values are multiplied by."""
    return MONEY_UNITS.get(unit, (unit, 1.0))


# --------------------------------------------------------------------------------- layout
def page_width() -> int:
    """The width to print to: :data:`MAX_WIDTH`, or a narrower terminal's width."""
    if sys.stdout.isatty():
        return max(40, min(MAX_WIDTH, shutil.get_terminal_size((MAX_WIDTH, 24)).columns))
    return MAX_WIDTH


def say(text: str, width: int | None = None) -> None:
    """Print a note on standard output, each paragraph wrapped to the page (a path too long
    for a line is broken, not allowed to overflow)."""
    print(_wrap(text, width or page_width()))


def _width(cells: Sequence[str]) -> int:
    return max((len(line) for cell in cells for line in cell.split("\n")), default=0)


def blocks(
    widths: Mapping[str, int], fixed: Sequence[str], wrapped: Sequence[str], limit: int
) -> list[list[str]]:
    """The ``wrapped`` columns cut, in order, into blocks that fit ``limit`` columns beside
    the ``fixed`` ones (at least one wrapped column a block)."""
    used = sum(widths[c] for c in fixed) + _COLUMN_GAP * max(0, len(fixed) - 1)
    out: list[list[str]] = []
    current: list[str] = []
    size = used
    for column in wrapped:
        extra = widths[column] + (_COLUMN_GAP if fixed or current else 0)
        if current and size + extra > limit:
            out.append(current)
            current, size = [], used
            extra = widths[column] + (_COLUMN_GAP if fixed else 0)
        current.append(column)
        size += extra
    if current:
        out.append(current)
    return out


def _render(table: Any, limit: int) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    Console(
        file=buffer,
        width=limit,
        color_system=None,
        highlight=False,
        markup=False,
        emoji=False,
    ).print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def table_text(
    columns: Mapping[str, Sequence[str]],
    fixed: Sequence[str],
    *,
    left: Sequence[str] = (),
    width: int | None = None,
) -> str:
    """A table (``columns``: header -> cells, all as text) within ``width`` columns (default
    the page): the ``fixed`` columns on the left of every block, the others cut into blocks
    that fit. Columns named in ``left`` (and the fixed ones) are left-aligned, the rest
    right-aligned; blocks are separated by a blank line."""
    # rich is imported when a table is drawn, so that validate and schema start without it.
    from rich.table import Table

    limit = width or page_width()
    names = list(columns)
    widths = {name: max(len(name), _width(columns[name])) for name in names}
    wrapped = [name for name in names if name not in fixed]
    parts = blocks(widths, fixed, wrapped, limit) if wrapped else [[]]
    rows = len(next(iter(columns.values()), []))
    texts = []
    for part in parts:
        shown = [*fixed, *part]
        table = Table(box=None, pad_edge=False, padding=(0, _COLUMN_GAP // 2), show_edge=False)
        for name in shown:
            aligned_left = name in fixed or name in left
            table.add_column(
                name, justify="left" if aligned_left else "right", overflow="fold", no_wrap=False
            )
        for i in range(rows):
            table.add_row(*(columns[name][i] for name in shown))
        texts.append(_render(table, limit))
    return "\n\n".join(texts)


# ------------------------------------------------------------------------ the commands' tables
def _scaled_cell(mean: float, low: float, high: float, unit: str) -> str:
    """A mean and its interval in the unit a table shows (money in GBP million, to the
    nearest GBP 10,000)."""
    _, factor = display_unit(unit)
    if factor == 1.0:
        return format_cell(mean, low, high)

    def money(value: float) -> str:
        return "-" if math.isnan(value) else f"{value * factor:,.2f}".replace("-0.00", "0.00")

    if math.isnan(low):
        return money(mean)
    return f"{money(mean)} [{money(low)}, {money(high)}]"


def _scaled_number(value: float, unit: str) -> str:
    return _scaled_cell(value, math.nan, math.nan, unit)


def summary_text(summary: pd.DataFrame, width: int | None = None) -> str:
    """A run's summary (``Results.summary()``): one row per metric with its unit, one column
    per census year and ``all``, each cell the mean and its 95% confidence interval."""
    if summary.empty:
        return "(no 30 September snapshot inside the horizon: nothing to summarise)"
    metrics = list(dict.fromkeys(summary["metric"]))
    periods = list(dict.fromkeys(summary["period"]))
    cells = {
        (row.metric, row.period): _scaled_cell(row.mean, row.ci_low, row.ci_high, row.unit)
        for row in summary.itertuples(index=False)
    }
    units = dict(zip(summary["metric"], summary["unit"], strict=True))
    columns: dict[str, list[str]] = {
        "metric": metrics,
        "unit": [display_unit(units[m])[0] for m in metrics],
    }
    for period in periods:
        columns[str(period)] = [cells.get((m, period), "-") for m in metrics]
    return table_text(columns, ["metric", "unit"], width=width)


def _p_better(p: float) -> str:
    return "-" if math.isnan(p) else f"{p:.2f}"


def comparison_text(comparison: pd.DataFrame, base: str, width: int | None = None) -> str:
    """Each option against the base: per metric (with its unit) the means over all years,
    the difference option - base with its 95% CI over all years, ``p_better``, then the
    difference in each year."""
    limit = width or page_width()
    texts = []
    for option, table in comparison.groupby("option", sort=False):
        n = int(table["replications"].max()) if not table.empty else 0
        metrics = list(dict.fromkeys(table["metric"]))
        years = [p for p in dict.fromkeys(table["period"]) if p != "all"]
        rows = {(r.metric, r.period): r for r in table.itertuples(index=False)}
        units = {m: registered_unit(m) for m in metrics}
        columns: dict[str, list[str]] = {
            "metric": metrics,
            "unit": [display_unit(units[m])[0] for m in metrics],
            "base": [],
            "option": [],
            "all years": [],
            "p_better": [],
        }
        for year in years:
            columns[str(year)] = []
        for m in metrics:
            overall = rows.get((m, "all"))
            if overall is None:
                for key in ("base", "option", "all years", "p_better"):
                    columns[key].append("-")
            else:
                columns["base"].append(_scaled_number(overall.mean_base, units[m]))
                columns["option"].append(_scaled_number(overall.mean_option, units[m]))
                columns["all years"].append(
                    _scaled_cell(overall.diff, overall.ci_low, overall.ci_high, units[m])
                )
                columns["p_better"].append(_p_better(overall.p_better))
            for year in years:
                r = rows.get((m, year))
                columns[str(year)].append(
                    "-" if r is None else _scaled_cell(r.diff, r.ci_low, r.ci_high, units[m])
                )
        heading = _wrap(
            f"{option} against {base} ({n} paired replications). base, option: means over "
            "all years; all years and each year: option - base with its 95% CI; p_better: "
            "the share of replications in which the option did better (a tie is not better)",
            limit,
        )
        texts.append(heading + "\n" + table_text(columns, ["metric", "unit"], width=limit))
    return "\n\n".join(texts)


def feedback_text(table: pd.DataFrame, width: int | None = None) -> str:
    """The over-all-years rows of a feedback comparison, one table per option: the
    difference with the loops and without them, and the loops' share of it."""
    limit = width or page_width()
    rows = table[table["period"] == "all"]
    texts = []
    for option, part in rows.groupby("option", sort=False):
        units = [registered_unit(m) for m in part["metric"]]
        columns = {
            "metric": list(part["metric"]),
            "unit": [display_unit(u)[0] for u in units],
            "with loops": [
                _scaled_cell(m, lo, hi, u)
                for m, lo, hi, u in zip(
                    part["diff_with_feedback"],
                    part["ci_low_with_feedback"],
                    part["ci_high_with_feedback"],
                    units,
                    strict=True,
                )
            ],
            "without loops": [
                _scaled_cell(m, lo, hi, u)
                for m, lo, hi, u in zip(
                    part["diff_no_feedback"],
                    part["ci_low_no_feedback"],
                    part["ci_high_no_feedback"],
                    units,
                    strict=True,
                )
            ],
            "loops' share": [_share(v) for v in part["feedback_share"]],
        }
        texts.append(
            _wrap(f"{option}:", limit) + "\n" + table_text(columns, ["metric", "unit"], width=limit)
        )
    return "\n\n".join(texts)


def explain_text(table: pd.DataFrame, width: int | None = None) -> str:
    """The loop diagnostics over all years, one table per metric."""
    limit = width or page_width()
    rows = table[table["period"] == "all"]
    texts = []
    for metric, part in rows.groupby("metric", sort=False):
        columns = {
            "loop": list(part["loop"]),
            "with loops": [format_number(v) for v in part["with_loops"]],
            "without it": [format_number(v) for v in part["without_loop"]],
            "accounts for": [
                format_cell(m, lo, hi)
                for m, lo, hi in zip(
                    part["contribution"], part["ci_low"], part["ci_high"], strict=True
                )
            ],
            "share": [_share(v) for v in part["share_of_all_loops"]],
        }
        texts.append(_wrap(str(metric), limit) + "\n" + table_text(columns, ["loop"], width=limit))
    return "\n\n".join(texts)


def sweep_text(table: pd.DataFrame, varied: Sequence[str], width: int | None = None) -> str:
    """Each grid point's mean over all years, with its 95% interval: one row per point, one
    column per metric (its unit in the heading)."""
    overall = table[table["period"] == "all"]
    if overall.empty:
        return "(no 30 September snapshot inside the horizon: nothing to summarise)"
    points = list(dict.fromkeys(overall["point"]))
    metrics = list(dict.fromkeys(overall["metric"]))
    rows = {(r["point"], r["metric"]): r for r in overall.to_dict("records")}
    first = {p: rows[(p, metrics[0])] for p in points}
    columns: dict[str, list[str]] = {path: [str(first[p][path]) for p in points] for path in varied}
    for m in metrics:
        unit = str(rows[(points[0], m)]["unit"])
        shown = display_unit(unit)[0]
        header = f"{m} ({shown})" if shown else m
        columns[header] = [
            _scaled_cell(r["mean"], r["ci_low"], r["ci_high"], unit)
            for r in (rows[(p, m)] for p in points)
        ]
    return table_text(columns, list(varied), width=width)


def tipping_text(table: pd.DataFrame, width: int | None = None) -> str:
    """A tipping sweep: per lever value, the outcome at the start and at the end, the change
    with its 95% CI, and the verdict."""
    columns = {
        "value": [str(v) for v in table["value"]],
        "start": [f"{v:.2f}" for v in table["start"]],
        "final": [f"{v:.2f}" for v in table["final_mean"]],
        "change [95% CI]": [
            f"{m:.2f} [{lo:.2f}, {hi:.2f}]"
            for m, lo, hi in zip(
                table["change_mean"], table["change_ci_low"], table["change_ci_high"], strict=True
            )
        ],
        "verdict": [str(v) for v in table["verdict"]],
    }
    return table_text(columns, ["value"], left=["verdict"], width=width)


def _share(value: float) -> str:
    return "" if value != value else f"{value:.0%}"


def registered_unit(metric: str) -> str:
    """The unit of a registered metric (empty for others)."""
    from staffsim.results.metrics import METRICS

    known = METRICS.get(metric)
    return known.unit if known else ""


def _wrap(text: str, limit: int) -> str:
    return "\n".join(
        textwrap.fill(p, limit, break_on_hyphens=False) if p else "" for p in text.split("\n")
    )

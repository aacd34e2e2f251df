"""The council notebook is stored without outputs, with a tagged parameters cell, and runs
top to bottom at a small size."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from notebookkit import execute

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "your_council.ipynb"

PARAMETER_NAMES = {
    "COUNCIL",
    "YEAR",
    "FIT_REPLICATIONS",
    "MAX_EVALUATIONS",
    "CHECK_REPLICATIONS",
    "BACKTEST_FROM",
    "BACKTEST_YEARS",
    "REPLICATIONS",
    "YEARS",
    "JOBS",
}

# Rutland is one of the smallest councils (about ten case-holding posts), with returns for
# 2018-2023 (the years used here), so that every step runs in seconds.
SMALL = """\
COUNCIL = "Rutland"
YEAR = 2022
FIT_REPLICATIONS = 3
MAX_EVALUATIONS = 3
CHECK_REPLICATIONS = 3
BACKTEST_FROM = 2019
BACKTEST_YEARS = 1
REPLICATIONS = 3
YEARS = 1
JOBS = 1
"""


def _parameters_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]


def _text(cell: nbformat.NotebookNode) -> str:
    """Everything a cell showed: streams, and the plain text of its results."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def test_notebook_is_stored_without_outputs():
    """Outputs and execution counts are stripped, so the file changes only with its code."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


def test_parameters_cell_is_tagged_and_holds_simple_assignments():
    """One code cell is tagged ``parameters`` (for papermill and the like), and it holds only
    ``NAME = value`` lines, one for each parameter."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    tagged = _parameters_cells(nb)
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    lines = [line for line in tagged[0].source.splitlines() if line.strip()]
    names = {line.split("=", 1)[0].strip() for line in lines}
    assert all(" = " in line for line in lines), lines
    assert names == PARAMETER_NAMES
    assert len(lines) == len(PARAMETER_NAMES)


@pytest.mark.slow
def test_notebook_runs_top_to_bottom_for_a_small_council():
    """Every cell runs without error in a fresh python3 kernel, from the notebook's folder,
    with the parameters cell replaced by a small council and few replications; the fit, the
    check, the backtest and the comparison show their tables."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    _parameters_cells(nb)[0].source = SMALL
    execute(nb, NOTEBOOK.parent)
    cells = {c.get("id"): c for c in nb.cells}
    for cell_id in ("fit", "check", "backtest", "scores"):
        shown = _text(cells[cell_id])
        for metric in ("turnover_rate_fte", "vacancy_rate_fte", "agency_rate_fte", "caseload_fte"):
            assert metric in shown, (cell_id, metric)
    assert "rutland_2022" in _text(cells["build"])
    assert "Verdict: " in _text(cells["verdict"])
    assert "out of sample" in _text(cells["check"])
    comparison = _text(cells["comparison"])
    assert "more_posts" in comparison and "agency_cap" in comparison
    assert "total_cost_gbp" in comparison
    for cell_id in ("backtest-figure", "chart"):
        images = [
            o
            for o in cells[cell_id].outputs
            if o.output_type == "display_data" and "image/png" in o.get("data", {})
        ]
        assert images, cell_id

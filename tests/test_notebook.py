"""The example notebook runs top to bottom, and is kept without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from notebookkit import execute

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "compare_scenarios.ipynb"


def test_notebook_is_stored_without_outputs():
    """Outputs and execution counts are stripped, so the file changes only with its code."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.mark.slow
def test_notebook_runs_top_to_bottom():
    """Every cell runs without error in a fresh python3 kernel, from the notebook's folder."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    execute(nb, NOTEBOOK.parent)

"""Running a notebook as the tests do: a fresh python3 kernel, from the notebook's folder."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient


def execute(nb: nbformat.NotebookNode, folder: Path, timeout: int = 300) -> None:
    """Run every cell of ``nb`` in place; fail the test with the cell's error if one
    raises, and if any output is an error."""
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    try:
        client.execute()
    except Exception as exc:  # the cell's error, shown as the failure
        pytest.fail(f"the notebook failed: {exc}")
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors

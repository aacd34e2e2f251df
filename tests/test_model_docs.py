"""docs/model.md stays in step with the model.

* The effects table in docs/model.md is exactly what :func:`effects_table_markdown` generates
  from the scenario schema now (regenerate with ``python scripts/make_model_docs.py``).
* The table lists every effect, with its input, unit, output, points, ranges and source.
* The causal loop diagram draws every node, labels arrows with every effect, marks every
  loop, and each loop's R or B agrees with the signs of its arrows.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from staffsim.scenario.schema import Effects, Scenario
from tools.loop_diagram import (
    CIRCUITS,
    EDGES,
    EFFECTS_TABLE_END,
    EFFECTS_TABLE_START,
    NODES,
    effects_table,
    effects_table_markdown,
    loop_polarity,
    with_effects_table,
)

DOC = Path(__file__).resolve().parents[1] / "docs" / "model.md"

EXPECTED_NODES = {
    "vacancies",
    "caseload and pressure",
    "leavers (attrition)",
    "agency use",
    "changes of social worker",
    "practice quality",
    "serious incidents",
    "inspection rating",
    "reputation",
    "recruitment (applicants)",
    "supervision",
    "admin share (bureaucracy)",
    "just culture",
}
"""The quantities the diagram must show (labels with line breaks read as spaces)."""


def test_effects_table_in_the_docs_is_current() -> None:
    """The table between the effects-table markers in docs/model.md is the one generated from
    the schema now; if this fails, run: python scripts/make_model_docs.py"""
    text = DOC.read_text(encoding="utf-8")
    assert EFFECTS_TABLE_START in text and EFFECTS_TABLE_END in text
    assert with_effects_table(text) == text, "run: python scripts/make_model_docs.py"


def test_effects_table_lists_every_effect_with_its_curve_and_source() -> None:
    """One row per effect of the schema, in its order, each with an input, a unit, an output,
    a source, and ranges that are the extremes of its points."""
    rows = effects_table()
    assert [row["name"] for row in rows] == list(Effects.model_fields)
    for row in rows:
        assert row["input"] and row["input_unit"] and row["output"] and row["source"]
        xs = [x for x, _ in row["points"]]
        ys = [y for _, y in row["points"]]
        assert row["input_range"] == (min(xs), max(xs))
        assert row["multiplier_range"] == (min(ys), max(ys))
        assert row["enabled"] is True


def test_effects_table_follows_the_scenario_given() -> None:
    """Given a scenario, the table shows that scenario's curves and which are switched off."""
    base = Scenario()
    changed = base.effects.model_copy(
        update={
            "tenure_on_resignation": base.effects.tenure_on_resignation.model_copy(
                update={"points": ((0.0, 2.0), (5.0, 1.0))}
            ),
            "defensive_on_admin": base.effects.defensive_on_admin.off(),
        }
    )
    rows = {r["name"]: r for r in effects_table(base.model_copy(update={"effects": changed}))}
    assert rows["tenure_on_resignation"]["multiplier_range"] == (1.0, 2.0)
    assert rows["defensive_on_admin"]["enabled"] is False
    markdown = effects_table_markdown(base.model_copy(update={"effects": changed}))
    assert "`defensive_on_admin` (off)" in markdown
    assert "[0, 2], [5, 1]" in markdown


def test_with_effects_table_needs_the_markers() -> None:
    """A document without the markers is refused rather than silently left alone."""
    with pytest.raises(ValueError, match="effects-table"):
        with_effects_table("# no table here\n")


def test_every_effect_labels_an_arrow_of_the_diagram() -> None:
    """Every effect of the schema names at least one arrow, and every name on an arrow is an
    effect of the schema."""
    drawn = {name for edge in EDGES for name in edge.effects}
    assert drawn == set(Effects.model_fields)
    assert all(edge.source in NODES and edge.target in NODES for edge in EDGES)


@pytest.mark.parametrize("loop", CIRCUITS, ids=lambda loop: loop.name)
def test_each_loop_has_the_polarity_it_claims(loop) -> None:
    """Following the loop's arrows, an even number of - links makes it reinforcing (R), an
    odd number balancing (B), as its name says."""
    assert loop.name[0] == loop.kind
    assert loop_polarity(loop) == loop.kind


def test_loops_are_numbered_in_order() -> None:
    """Reinforcing loops are R1, R2, ... and balancing loops B1, B2, ..., without gaps."""
    for kind in "RB":
        names = [loop.name for loop in CIRCUITS if loop.kind == kind]
        assert names == [f"{kind}{i}" for i in range(1, len(names) + 1)]


def test_causal_loop_diagram_returns_axes_with_every_node_effect_and_loop() -> None:
    """The diagram is drawn on the axes given and returned; its text shows every expected
    node, every effect name and every loop marker."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tools.loop_diagram import causal_loop_diagram

    fig, ax = plt.subplots(figsize=(16, 15))
    try:
        assert causal_loop_diagram(ax) is ax
        texts = [t.get_text() for t in ax.texts]
        labels = {t.replace("\n", " ") for t in texts}
        assert labels >= EXPECTED_NODES
        words = "\n".join(texts)
        for name in Effects.model_fields:
            assert name in words
        for loop in CIRCUITS:
            assert f"\u21bb {loop.name}" in texts
    finally:
        plt.close(fig)


def test_causal_loop_diagram_makes_its_own_figure() -> None:
    """Called without axes, the diagram makes a figure of its own."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tools.loop_diagram import causal_loop_diagram

    ax = causal_loop_diagram()
    try:
        assert ax.figure is not None and ax.texts
    finally:
        plt.close(ax.figure)


@pytest.mark.slow
def test_matplotlib_is_imported_only_when_drawing() -> None:
    """Importing the module and building the table do not import matplotlib (an optional
    dependency)."""
    code = (
        "import sys; import tools.loop_diagram as m; m.effects_table_markdown(); "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=DOC.parents[1]
    )
    assert out.stdout.strip() == "False"

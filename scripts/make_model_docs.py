"""Regenerate the generated parts of docs/model.md.

Writes the causal loop diagram to docs/figures/causal_loops.png and the table of every
effect (from the scenario schema) into docs/model.md between the markers
``<!-- effects-table:start -->`` and ``<!-- effects-table:end -->``. Run it after changing
an effect, its default curve or its source:

    python scripts/make_model_docs.py
"""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "model.md"
FIGURE = ROOT / "docs" / "figures" / "causal_loops.png"


def write_figure(path: Path, dpi: int = 110) -> None:
    """Draw the causal loop diagram to ``path`` (PNG) without a display."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no window, works on a server
    import matplotlib.pyplot as plt

    from tools.loop_diagram import causal_loop_diagram

    figure = causal_loop_diagram().get_figure(root=True)
    assert figure is not None  # the diagram draws on axes of a figure of its own
    path.parent.mkdir(parents=True, exist_ok=True)
    # no software version in the file, so that regenerating an unchanged figure is a no-op
    figure.savefig(path, dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)


def write_table(path: Path) -> bool:
    """Refresh the effects table in the Markdown file at ``path``; True if it changed."""
    from tools.loop_diagram import with_effects_table

    text = path.read_text(encoding="utf-8")
    new = with_effects_table(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str] | None = None) -> int:
    """Regenerate the figure and the table; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doc", type=Path, default=DOC, help="Markdown file with the markers")
    parser.add_argument("--figure", type=Path, default=FIGURE, help="PNG file to write")
    args = parser.parse_args(argv)
    write_figure(args.figure)
    changed = write_table(args.doc)
    print(f"wrote {args.figure}")
    print(f"{'updated' if changed else 'unchanged'}: effects table in {args.doc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

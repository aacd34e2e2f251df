"""docs/scenario-reference.md is generated from the schema and kept in step with it."""

from __future__ import annotations

from pathlib import Path

from staffsim.scenario.reference import reference_markdown, write_reference
from staffsim.scenario.schema import Scenario

DOC = Path(__file__).parent.parent / "docs" / "scenario-reference.md"


def test_the_committed_reference_is_what_the_generator_writes_now():
    """If this fails, the schema changed: regenerate with
    ``python -m staffsim.scenario.reference > docs/scenario-reference.md``."""
    assert DOC.read_text(encoding="utf-8") == reference_markdown()


def section_keys(model, prefix=""):
    """Dotted paths of every field reached through sections (not lists or mappings);
    distributions and effects count as one field each."""
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
            if "dist" in annotation.model_fields or "points" in annotation.model_fields:
                # A distribution or an effect: documented once, in its own section.
                yield f"{prefix}{name}"
            else:
                yield from section_keys(annotation, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}"


def test_every_key_path_of_the_schema_is_documented():
    """Each field of each section appears, as a code span, in the reference."""
    text = reference_markdown()
    missing = [path for path in section_keys(Scenario) if f"`{path}`" not in text]
    assert missing == []


def test_units_ranges_and_defaults_are_in_the_table_row():
    """The row of caseload.target_per_fte gives its unit, default and range."""
    row = next(
        line
        for line in reference_markdown().splitlines()
        if line.startswith("| `caseload.target_per_fte`")
    )
    assert "| cases/FTE |" in row
    assert "| `22.0` |" in row
    assert "| > 0, <= 200 |" in row


def test_distributions_and_effects_are_explained_once():
    """One section for each, listing every distribution kind and every effect."""
    text = reference_markdown()
    assert text.count("## Distributions") == 1
    assert text.count("## Effect curves") == 1
    for kind in ("fixed", "exponential", "lognormal", "gamma", "uniform"):
        assert f"| `{kind}` |" in text
    for name in Scenario.model_fields["effects"].annotation.model_fields:
        assert f"| `effects.{name}` |" in text


def test_write_reference_writes_the_same_text(tmp_path):
    """write_reference(path) writes exactly reference_markdown()."""
    target = tmp_path / "ref.md"
    write_reference(target)
    assert target.read_text(encoding="utf-8") == reference_markdown()

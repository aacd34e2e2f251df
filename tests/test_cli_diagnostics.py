"""The loop diagnostics, the feedback-off comparison and the tipping-point command."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from staffsim.cli.main import main
from staffsim.experiment.explain import LOOPS, switch_off
from staffsim.experiment.options import RunOptions
from staffsim.experiment.tipping import find_tipping_point
from staffsim.scenario.loader import load_scenario
from staffsim.scenario.schema import Effects

ROOT = Path(__file__).resolve().parents[1]
SMALL = str(ROOT / "tests" / "data" / "run_small.yaml")


def test_every_effect_belongs_to_exactly_one_loop() -> None:
    """The diagnostics switch off every effect once and only once."""
    listed = [effect for effects in LOOPS.values() for effect in effects]
    assert sorted(listed) == sorted(Effects.model_fields)


def test_switch_off_touches_only_the_named_effects() -> None:
    """Switching a loop off disables its effects and leaves the others as they were."""
    scenario = load_scenario(SMALL)
    off = switch_off(scenario, LOOPS["culture and blame"])
    for name in Effects.model_fields:
        expected = name not in LOOPS["culture and blame"]
        assert getattr(off.effects, name).enabled is expected, name
    with pytest.raises(ValueError, match="unknown effects"):
        switch_off(scenario, ["no_such_effect"])


@pytest.mark.slow
def test_run_explain_writes_a_contribution_per_loop_and_metric(tmp_path, capsys) -> None:
    """``run --explain`` reports every loop for vacancy, agency and turnover rates, and the
    all-loops row equals the full run minus the run with every effect off."""
    out = tmp_path / "run"
    code = main(
        [
            "run",
            SMALL,
            "--replications",
            "3",
            "--jobs",
            "1",
            "--out",
            str(out),
            "--explain",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "accounts for" in printed
    assert all(len(line) <= 100 for line in printed.splitlines())
    table = pd.read_csv(out / "explain.csv")
    assert set(table.loop) == {*LOOPS, "all loops together"}
    assert set(table.metric) == {"vacancy_rate_fte", "agency_rate_fte", "turnover_rate_fte"}
    everything = table[(table.loop == "all loops together") & (table.period == "all")]
    assert (everything.share_of_all_loops == 1.0).all()
    full = pd.read_csv(out / "annual.csv")
    mean_vacancy = full.groupby("replication").vacancy_rate_fte.mean().mean()
    row = everything[everything.metric == "vacancy_rate_fte"].iloc[0]
    assert row.with_loops == pytest.approx(mean_vacancy)


@pytest.mark.slow
def test_no_feedback_option_switches_every_effect_off(tmp_path) -> None:
    """``--no-feedback`` runs the scenario with every effect's multiplier at 1."""
    out = tmp_path / "plain"
    assert (
        main(
            [
                "run",
                SMALL,
                "--replications",
                "2",
                "--jobs",
                "1",
                "--quiet",
                "--no-feedback",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    import json

    manifest = json.loads((out / "manifest.json").read_text())
    effects = manifest["scenario"]["effects"]
    assert all(not effect["enabled"] for effect in effects.values())


@pytest.mark.slow
def test_compare_feedback_off_too_reports_both_differences(tmp_path, capsys) -> None:
    """``compare --feedback-off-too`` writes the differences with and without the loops and
    the loops' share of each."""
    option = tmp_path / "option.yaml"
    option.write_text(f"extends: {SMALL}\nname: lower_cap\ncaseload:\n  target_per_fte: 12\n")
    out = tmp_path / "cmp"
    code = main(
        [
            "compare",
            SMALL,
            str(option),
            "--replications",
            "3",
            "--jobs",
            "1",
            "--out",
            str(out),
            "--feedback-off-too",
        ]
    )
    assert code == 0
    table = pd.read_csv(out / "comparison_feedback.csv")
    assert {"diff_with_feedback", "diff_no_feedback", "feedback_share"} <= set(table.columns)
    main_table = pd.read_csv(out / "comparison.csv")
    merged = main_table.merge(table, on=["metric", "option", "period"])
    assert (merged["diff"] == merged.diff_with_feedback).all()
    printed = capsys.readouterr().out
    assert "loops' share" in printed
    assert all(len(line) <= 100 for line in printed.splitlines())


@pytest.mark.slow
def test_tipping_command_writes_table_and_chart(tmp_path, capsys) -> None:
    """``staffsim tipping`` sweeps the lever and names a verdict for every value."""
    out = tmp_path / "tip"
    code = main(
        [
            "tipping",
            SMALL,
            "--lever",
            "capacity.admin_share=0.2,0.5",
            "--replications",
            "3",
            "--jobs",
            "1",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    table = pd.read_csv(out / "tipping.csv")
    assert list(table.value) == [0.2, 0.5]
    assert set(table.verdict) <= {"recovers", "holds", "declines"}
    assert (out / "tipping.png").exists()
    printed = capsys.readouterr().out
    assert "tipping point" in printed.lower()
    assert all(len(line) <= 100 for line in printed.splitlines())


def test_tipping_needs_two_values(tmp_path, capsys) -> None:
    """One value is not a sweep: a clear error and exit 2."""
    code = main(["tipping", SMALL, "--lever", "capacity.admin_share=0.3", "--out", str(tmp_path)])
    assert code == 2
    assert "at least two values" in capsys.readouterr().err


@pytest.mark.slow
def test_england_holds_below_the_admin_share_tipping_point_and_declines_above() -> None:
    """Below the tipping point in the typical council's admin share the service holds or
    recovers over five years; above it, the vacancy rate rises (the direction on each side
    of the tipping point the shipped sweep finds between 0.40 and 0.45)."""
    result = find_tipping_point(
        ROOT / "scenarios" / "england_2025.yaml",
        "capacity.admin_share",
        [0.3, 0.5],
        run_options=RunOptions(replications=6, jobs=1),
    )
    below, above = result.table.itertuples()
    assert below.verdict in ("holds", "recovers")
    assert above.verdict == "declines"
    assert above.change_mean > below.change_mean
    assert result.exists and 0.3 < result.tipping_points[0] < 0.5

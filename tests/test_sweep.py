"""``staffsim sweep``: the grid, common random numbers across it, the tidy table."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from staffsim import SweepResults, sweep
from staffsim.cli.main import main
from staffsim.cli.parsing import parse_vary
from staffsim.errors import UserError
from staffsim.experiment.sweep import grid

SMALL = Path(__file__).parent / "data" / "run_small.yaml"
WORKFORCE = ("vacancy_rate_fte", "agency_rate_fte", "turnover_rate_fte", "caseload_fte")


def test_parse_vary_reads_yaml_values():
    """Values are YAML scalars; brackets and quotes keep commas inside one value."""
    assert parse_vary("caseload.target_per_fte=16,18.5,20") == (
        "caseload.target_per_fte",
        [16, 18.5, 20],
    )
    assert parse_vary("agency.cover_vacancies=true,false")[1] == [True, False]
    assert parse_vary('name="a, b",c')[1] == ["a, b", "c"]
    assert parse_vary("x.points=[1, 2],[3, 4]")[1] == [[1, 2], [3, 4]]


@pytest.mark.parametrize(
    "text",
    [
        "caseload.target_per_fte",
        "caseload.target_per_fte=",
        "=1,2",
        "caseload..cap=1",
        "a=1,,2",
        "a=1,1",
    ],
)
def test_parse_vary_refuses_malformed_text(text):
    """Malformed --vary text is a user error that shows the expected form."""
    with pytest.raises(UserError) as err:
        parse_vary(text)
    assert err.value.exit_code == 2


def test_grid_is_every_combination_first_key_slowest():
    assert grid({"a": [1, 2], "b": ["x", "y", "z"]}) == [
        {"a": a, "b": b} for a in (1, 2) for b in ("x", "y", "z")
    ]


def test_sweep_writes_a_tidy_table_over_the_full_grid(tmp_path, capsys):
    """Two --vary options give the 2 x 2 grid; sweep.csv has the varied key paths as
    columns and one row per grid point, metric and period."""
    out = tmp_path / "sweep"
    status = main(
        [
            "sweep",
            str(SMALL),
            "--vary",
            "costs.recruitment_gbp_per_campaign=1000,9000",
            "--vary",
            "caseload.target_per_fte=14,18",
            "--replications",
            "3",
            "--jobs",
            "1",
            "--out",
            str(out),
        ]
    )
    assert status == 0
    printed = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 100 for line in printed)
    assert sum(line.startswith("costs.recruitment_gbp_per_campaign") for line in printed) > 1
    table = pd.read_csv(out / "sweep.csv", dtype={"period": str})
    assert list(table.columns[:3]) == [
        "costs.recruitment_gbp_per_campaign",
        "caseload.target_per_fte",
        "point",
    ]
    assert {"metric", "period", "mean", "ci_low", "ci_high", "replications"} <= set(table.columns)
    points = table[["costs.recruitment_gbp_per_campaign", "caseload.target_per_fte"]]
    assert sorted(set(map(tuple, points.to_numpy().tolist()))) == [
        (1000, 14),
        (1000, 18),
        (9000, 14),
        (9000, 18),
    ]
    assert set(table["period"]) == {"2025", "2026", "all"}
    assert (table["replications"] == 3).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["replications"] == 3 and len(manifest["points"]) == 4
    assert not (out / ".partial").exists()
    loaded = SweepResults.load(out)
    assert loaded.varied == ["costs.recruitment_gbp_per_campaign", "caseload.target_per_fte"]


def test_grid_points_share_their_random_numbers(tmp_path):
    """On common random numbers, a parameter the dynamics never read (a campaign's price)
    leaves every workforce metric of every replication exactly as it was, and moves the
    cost the way the price moves."""
    result = sweep(
        SMALL,
        {"costs.recruitment_gbp_per_campaign": [1000, 9000]},
        replications=3,
        jobs=1,
        progress=False,
    )
    annual = result.annual
    cheap = annual[annual["point"] == 0].reset_index(drop=True)
    dear = annual[annual["point"] == 1].reset_index(drop=True)
    for metric in WORKFORCE:
        pd.testing.assert_series_equal(cheap[metric], dear[metric], check_names=False)
    assert (dear["total_cost_gbp"] >= cheap["total_cost_gbp"]).all()
    assert (dear["recruitment_gbp"] > cheap["recruitment_gbp"]).any()


@pytest.mark.parametrize(
    ("vary", "message"),
    [
        ("caseload.target_per_fte", "KEY.PATH=V1,V2"),
        ("caseload.target_per_ft=16,18", "target_per_fte"),
        ("caseload.target_per_fte=-5,18", "caseload.target_per_fte"),
    ],
)
def test_bad_vary_exits_2_without_traceback(tmp_path, capsys, vary, message):
    """A malformed or invalid --vary is reported before anything runs."""
    status = main(["sweep", str(SMALL), "--vary", vary, "--out", str(tmp_path / "s")])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "s" / "sweep.csv").exists()

"""Backtests: eligible councils, the stratified sample, and the command's files."""

from __future__ import annotations

import pandas as pd
import pytest

from staffsim.cli.main import main
from staffsim.data import councils as council_data
from staffsim.experiment.backtest import eligible_councils, stratified_sample
from staffsim.results.backtest import BACKTEST_COLUMNS, BACKTEST_METRICS

SMALL = ["--replications", "3", "--fit-replications", "3", "--max-evaluations", "3"]


def test_eligible_councils_have_the_returns_the_backtest_needs():
    codes = eligible_councils(2021)
    assert len(codes) > 140
    for code in codes[:10]:
        council_data.find_council(code, 2020)  # the start state's return exists
    assert len(set(codes)) == len(codes)


def test_stratified_sample_is_proportional_fixed_and_covers_every_region():
    codes = eligible_councils(2021)
    sample = stratified_sample(codes, 30, 2021, seed=0)
    assert len(sample) == 30
    assert sample == stratified_sample(codes, 30, 2021, seed=0)
    assert sample != stratified_sample(codes, 30, 2021, seed=1)
    table = council_data.council_table(year=2021).set_index("code")
    regions_all = table.loc[codes, "region"].value_counts()
    regions_sample = table.loc[sample, "region"].value_counts()
    assert set(regions_sample.index) == set(regions_all.index)
    # largest remainders: each region within one council of its proportional share
    share = regions_all / regions_all.sum() * 30
    assert ((regions_sample - share).abs() < 1.0 + 1e-9).all()


@pytest.mark.slow
def test_backtest_command_writes_the_table_charts_and_scores(tmp_path, capsys):
    out = tmp_path / "bt"
    args = ["backtest", "--la", "Rutland", "--from", "2022", "--years", "2", "--out", str(out)]
    assert main([*args, *SMALL, "--jobs", "1"]) == 0
    printed = capsys.readouterr().out
    assert "in 90% PI" in printed and "MAE naive" in printed
    table = pd.read_csv(out / "backtest.csv")
    assert tuple(table.columns) == BACKTEST_COLUMNS
    assert list(table.time_period) == [2023] * 4 + [2024] * 4
    assert list(table.metric) == list(BACKTEST_METRICS) * 2
    # the naive forecast is the last value published at or before 2022
    published = council_data.published_series(
        council_data.find_council("Rutland", 2022), range(2017, 2023), BACKTEST_METRICS
    ).dropna(subset=["published"])
    for metric in BACKTEST_METRICS:
        last = published[published.metric == metric].sort_values("time_period").published
        assert (table[table.metric == metric].naive == last.iloc[-1]).all()
    assert (table.pi_low <= table.simulated_mean + 1e-9).all()
    assert (table.simulated_mean <= table.pi_high + 1e-9).all()
    assert (out / "charts").is_dir() and any((out / "charts").glob("*.png"))
    scores = pd.read_csv(out / "scores.csv")
    assert list(scores.metric) == list(BACKTEST_METRICS)
    councils = pd.read_csv(out / "councils.csv")
    assert councils.verdict.iloc[0] in {"fit", "unfit"}
    # an earlier backtest is refused, resumed (nothing rerun), or replaced
    assert main([*args, *SMALL]) == 2
    assert "--resume" in capsys.readouterr().err
    assert main([*args, *SMALL, "--resume"]) == 0
    assert "keeping 1 councils" in capsys.readouterr().err
    assert pd.read_csv(out / "backtest.csv").equals(table)


def test_backtest_refuses_years_outside_the_data(tmp_path, capsys):
    status = main(["backtest", "--la", "Rutland", "--from", "2017", "--years", "1",
                   "--out", str(tmp_path / "x")])  # fmt: skip
    assert status == 2
    err = capsys.readouterr().err
    assert "--from 2018 to 2025" in err and "Traceback" not in err


@pytest.mark.slow
def test_backtest_gives_the_same_numbers_locally_and_on_dask(tmp_path):
    """The fit's evaluations and the forecast run on whichever backend; same seeds, same
    numbers."""
    tables = {}
    for name, flags in {
        "local": ["--jobs", "2"],
        "dask": ["--backend", "dask", "--jobs", "2"],
    }.items():
        out = tmp_path / name
        args = ["backtest", "--la", "Rutland", "--from", "2022", "--years", "1", "--out", str(out)]
        assert main([*args, *SMALL, *flags, "--quiet"]) == 0
        tables[name] = pd.read_csv(out / "backtest.csv")
    pd.testing.assert_frame_equal(tables["local"], tables["dask"])


def test_a_joint_return_is_kept_under_a_file_name_without_a_slash():
    from staffsim.cli.backtest import file_stem

    joint = council_data.find_council("Richmond upon Thames", 2021).code
    assert " / " in joint
    assert "/" not in file_stem(joint) and file_stem(joint) == joint.replace(" / ", "_")

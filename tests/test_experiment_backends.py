"""Backends: the same seed gives the same tables, serially, in a process pool or on Dask,
whatever order replications finish in."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from staffsim.cli.main import main
from staffsim.errors import UserError
from staffsim.experiment import backends, runner
from staffsim.experiment.options import RunOptions
from staffsim.experiment.runner import run_replications
from staffsim.scenario.loader import load_scenario

SMALL = Path(__file__).parent / "data" / "run_small.yaml"


@pytest.fixture
def option(write_yaml):
    """An option on the small scenario: four more funded case-holding posts."""
    return write_yaml(
        "more_posts.yaml",
        f"""\
        extends: {SMALL}
        name: more_posts
        establishment: {{case_holding_posts: 24}}
        """,
    )


@pytest.mark.slow
def test_comparison_is_identical_serially_with_two_jobs_and_on_dask(tmp_path, option):
    """The same comparison run serially, in a 2-process pool and on a Dask LocalCluster
    writes byte-identical comparison.csv files (and identical run tables)."""
    common = [str(SMALL), str(option), "--replications", "4", "--quiet"]
    runs = {
        "serial": ["--jobs", "1"],
        "pool": ["--jobs", "2"],
        "dask": ["--backend", "dask", "--jobs", "2"],
    }
    for name, extra in runs.items():
        assert main(["compare", *common, *extra, "--out", str(tmp_path / name)]) == 0, name
    reference = (tmp_path / "serial" / "comparison.csv").read_bytes()
    assert reference.count(b"\n") > 10
    for name in ("pool", "dask"):
        assert (tmp_path / name / "comparison.csv").read_bytes() == reference, name
        for scenario in ("run_small", "more_posts"):
            for table in ("annual.csv", "monthly.csv"):
                a = (tmp_path / "serial" / scenario / table).read_bytes()
                assert (tmp_path / name / scenario / table).read_bytes() == a, (name, table)


class ReversedBackend(backends.Backend):
    """Runs every task, then hands the results over last first."""

    name = "reversed"

    def imap_unordered(self, fn, tasks):
        done = [(i, fn(*args)) for i, args in enumerate(tasks)]
        yield from reversed(done)


def test_tables_do_not_depend_on_completion_order(monkeypatch):
    """Replications that finish last-first give the same tables as in order."""
    scenario = load_scenario(SMALL)
    in_order = run_replications(scenario, RunOptions(replications=4, jobs=1))
    monkeypatch.setattr(runner, "open_backend", lambda *a: ReversedBackend())
    reversed_ = run_replications(scenario, RunOptions(replications=4, jobs=1))
    pd.testing.assert_frame_equal(in_order.annual, reversed_.annual)
    pd.testing.assert_frame_equal(in_order.monthly, reversed_.monthly)
    assert [r["replication"] for r in reversed_.manifest["replications"]] == [0, 1, 2, 3]


def test_missing_dask_is_a_clear_user_error(monkeypatch):
    """Without Dask installed the dask backend says how to install it."""
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(UserError, match=r'pip install "staffsim\[dask\]"'):
        backends.open_backend(RunOptions(backend="dask", jobs=1))


def test_backend_choices_are_checked_before_running():
    """Unknown backends, a scheduler without Dask and zero jobs are refused at once."""
    for name, jobs, scheduler, message in [
        ("cloud", None, None, "unknown backend"),
        ("local", None, "tcp://x:1", "dask backend"),
        ("local", 0, None, "at least 1"),
    ]:
        with pytest.raises(UserError, match=message):
            RunOptions(backend=name, jobs=jobs, scheduler=scheduler)
    assert isinstance(backends.open_backend(RunOptions(jobs=1)), backends.SerialBackend)


@pytest.mark.slow
def test_runs_on_an_existing_dask_scheduler(tmp_path):
    """With --scheduler the run goes to that cluster and gives the serial run's tables."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        common = ["run", str(SMALL), "--replications", "2", "--quiet"]
        assert main([*common, "--scheduler", address, "--out", str(tmp_path / "dask")]) == 0
    assert main([*common, "--jobs", "1", "--out", str(tmp_path / "serial")]) == 0
    for table in ("annual.csv", "monthly.csv"):
        serial = (tmp_path / "serial" / table).read_bytes()
        assert (tmp_path / "dask" / table).read_bytes() == serial, table

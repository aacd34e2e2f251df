"""No lost work: an interrupted run keeps what it finished, ``--resume`` completes it with
the same tables as an uninterrupted run, and a replication that raises is recorded while the
others go on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import staffsim
from staffsim.cli.main import main
from staffsim.experiment import tasks

SMALL = Path(__file__).parent / "data" / "run_small.yaml"
TABLES = ("annual.csv", "monthly.csv")


def assert_same_run(a: Path, b: Path) -> None:
    for name in TABLES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    pd.testing.assert_frame_equal(
        pd.read_parquet(a / "monthly.parquet"), pd.read_parquet(b / "monthly.parquet")
    )


def partials(out: Path) -> list[Path]:
    return sorted((out / ".partial").glob("replication-*.json"))


@pytest.mark.slow
def test_killed_run_resumes_to_the_same_tables(tmp_path):
    """A run killed (SIGKILL) after some replications finished keeps them; ``--resume``
    runs only the rest and writes the tables an uninterrupted run writes."""
    args = ["run", str(SMALL), "--replications", "6", "--years", "8", "--jobs", "1", "--quiet"]
    killed = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "staffsim", *args, "--out", str(killed)],
        start_new_session=True,  # its own process group, so the kill reaches only it
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while len(partials(killed)) < 2 and proc.poll() is None:
            assert time.monotonic() < deadline, "the run never finished two replications"
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    kept = len(partials(killed))
    assert 2 <= kept < 6, f"the run was not stopped midway ({kept} replications kept)"
    assert not (killed / "annual.csv").exists()

    assert main([*args, "--out", str(killed), "--resume"]) == 0
    assert main([*args, "--out", str(tmp_path / "whole")]) == 0
    assert_same_run(killed, tmp_path / "whole")
    assert not (killed / ".partial").exists(), "kept replications are cleared once assembled"
    manifest = json.loads((killed / "manifest.json").read_text())
    assert [r["replication"] for r in manifest["replications"]] == list(range(6))


@pytest.mark.slow
def test_interrupted_comparison_resumes_to_the_same_comparison(tmp_path, write_yaml):
    """A comparison interrupted (Ctrl-C) after three replications resumes to the same
    comparison.csv and run tables as an uninterrupted one."""
    option = write_yaml(
        "cap.yaml", f"extends: {SMALL}\nname: cap_18\ncaseload: {{target_per_fte: 18}}\n"
    )
    base = staffsim.load_scenario(SMALL)
    opt = staffsim.load_scenario(option)

    def interrupt_at_three(done, total, elapsed):
        if done == 3:
            raise KeyboardInterrupt

    out = tmp_path / "interrupted"
    with pytest.raises(KeyboardInterrupt):
        staffsim.compare(base, opt, replications=4, jobs=1, out=out, progress=interrupt_at_three)
    assert not (out / "comparison.csv").exists()
    assert len(partials(out / "run_small")) + len(partials(out / "cap_18")) == 3

    staffsim.compare(base, opt, replications=4, jobs=1, out=out, resume=True, progress=False)
    staffsim.compare(base, opt, replications=4, jobs=1, out=tmp_path / "whole", progress=False)
    whole = tmp_path / "whole"
    assert (out / "comparison.csv").read_bytes() == (whole / "comparison.csv").read_bytes()
    for label in ("run_small", "cap_18"):
        assert_same_run(out / label, whole / label)


@pytest.mark.slow
def test_failed_replication_is_recorded_and_the_others_go_on(tmp_path, monkeypatch, capsys):
    """A replication that raises is listed in the manifest with its error and traceback,
    the others are saved, the exit status is non-zero and stderr names it; ``--resume``
    then retries only it."""
    real_run_one = tasks.run_one

    def flaky(scenario, replication, *args, **kwargs):
        if replication == 1:
            raise RuntimeError("the model broke")
        return real_run_one(scenario, replication, *args, **kwargs)

    monkeypatch.setattr(tasks, "run_one", flaky)
    out = tmp_path / "out"
    args = ["run", str(SMALL), "--replications", "3", "--jobs", "1", "--quiet", "--out", str(out)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "replication 1 failed: RuntimeError: the model broke" in err
    assert "Traceback" not in err, "the traceback goes to the manifest, not the screen"
    manifest = json.loads((out / "manifest.json").read_text())
    status = {r["replication"]: r for r in manifest["replications"]}
    assert status[1]["status"] == "failed"
    assert status[1]["error"] == "RuntimeError: the model broke"
    assert "raise RuntimeError" in status[1]["traceback"]
    assert status[0]["status"] == status[2]["status"] == "ok"
    assert sorted(set(pd.read_csv(out / "annual.csv")["replication"])) == [0, 2]
    assert len(partials(out)) == 3, "finished and failed replications are kept for --resume"

    monkeypatch.setattr(tasks, "run_one", real_run_one)
    assert main([*args, "--resume"]) == 0
    assert main([*args[:-1], str(tmp_path / "whole")]) == 0
    assert_same_run(out, tmp_path / "whole")


def test_resume_refuses_replications_of_another_seed(tmp_path, capsys):
    """Kept replications made with another seed are not mixed in: exit status 2."""
    out = tmp_path / "out"
    staffsim.run(SMALL, 2, jobs=1, out=out, progress=lambda *a: None)
    (out / ".partial").mkdir()
    (out / ".partial" / "run.json").write_text(json.dumps({"seed": -1}))
    args = ["run", str(SMALL), "--replications", "2", "--jobs", "1", "--out", str(out)]
    assert main([*args, "--resume"]) == 2
    assert "different scenario or seed" in capsys.readouterr().err

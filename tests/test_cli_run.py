"""``staffsim run``: the summary, the files, their reproducibility, and bad input."""

from __future__ import annotations

import hashlib
import io as textio
import json
from pathlib import Path

import pandas as pd
import pytest

from staffsim import Results
from staffsim.charts.data import FAN_METRICS
from staffsim.cli.main import main
from staffsim.experiment.progress import TextProgressBar

SMALL = Path(__file__).parent / "data" / "run_small.yaml"
FILES = ("annual.csv", "monthly.csv", "monthly.parquet", "manifest.json")


def run(out: Path, *extra: str) -> int:
    return main(
        ["run", str(SMALL), "--replications", "3", "--jobs", "1", "--out", str(out), *extra]
    )


def test_same_scenario_and_seed_give_byte_identical_tables(tmp_path):
    """Two runs with the same seed write identical annual and monthly tables."""
    assert run(tmp_path / "a", "--quiet") == 0
    assert run(tmp_path / "b", "--quiet") == 0
    for name in ("annual.csv", "monthly.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "a" / "monthly.parquet"),
        pd.read_parquet(tmp_path / "b" / "monthly.parquet"),
    )
    assert run(tmp_path / "c", "--quiet", "--seed", "99") == 0
    assert (tmp_path / "c" / "annual.csv").read_bytes() != (
        tmp_path / "a" / "annual.csv"
    ).read_bytes()


def test_manifest_records_inputs_versions_and_each_replication(tmp_path):
    """manifest.json: resolved scenario and its SHA-256, seed, versions, replications."""
    out = tmp_path / "out"
    assert run(out, "--quiet", "--seed", "7", "--set", "caseload.cap_per_fte=17") == 0
    manifest = json.loads((out / "manifest.json").read_text())
    scenario = manifest["scenario"]
    assert scenario["caseload"]["cap_per_fte"] == 17
    assert scenario["seed"] == manifest["seed"] == 7
    canonical = json.dumps(scenario, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert manifest["scenario_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    for lib in ("python", "staffsim", "simpy", "numpy", "pandas", "pydantic", "pyyaml", "scipy"):
        assert manifest["versions"][lib], lib
    assert manifest["created"]
    reps = manifest["replications"]
    assert [r["replication"] for r in reps] == [0, 1, 2]
    for r in reps:
        assert r["status"] == "ok" and r["error"] is None and r["traceback"] is None
        assert r["events"] > 0 and r["cases_arrived"] > 0 and r["wall_seconds"] > 0


def test_output_folder_may_hold_other_files(tmp_path):
    """Existing files in --out are left alone; only the run's files and no temporaries
    are added."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert run(out, "--quiet") == 0
    assert (out / "notes.txt").read_text() == "keep me"
    charts = [f"fan_{m}.{ext}" for m in FAN_METRICS for ext in ("png", "svg")]
    assert sorted(p.name for p in out.iterdir()) == sorted([*FILES, *charts, "notes.txt"])


def test_summary_shows_each_year_and_all(tmp_path, capsys):
    """The printed summary has a row per key metric and a column per year and 'all'."""
    assert run(tmp_path / "out", "--years", "2") == 0
    text = capsys.readouterr().out
    header = next(line for line in text.splitlines() if "all" in line.split())
    assert header.split() == ["2025", "2026", "all"]
    for metric in ("vacancy_rate_fte", "agency_rate_fte", "turnover_rate_fte", "caseload_fte"):
        assert metric in text
    assert "95%" in text


def test_default_output_folder_is_runs_scenario_name(tmp_path, monkeypatch):
    """Without --out the files go to runs/<scenario name> under the working folder."""
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(SMALL), "--replications", "2", "--jobs", "1", "--quiet"]) == 0
    assert all((tmp_path / "runs" / "run_small" / name).exists() for name in FILES)


def test_saved_run_loads_without_simulating(tmp_path):
    """Results.load reads the saved tables; they match the files."""
    out = tmp_path / "out"
    assert run(out, "--quiet") == 0
    loaded = Results.load(out)
    assert loaded.name == "run_small" and loaded.replications == [0, 1, 2]
    pd.testing.assert_frame_equal(loaded.annual, pd.read_csv(out / "annual.csv"))
    pd.testing.assert_frame_equal(loaded.monthly, pd.read_parquet(out / "monthly.parquet"))
    summary = loaded.summary()
    assert (summary["ci_low"] <= summary["mean"]).all()
    assert (summary["mean"] <= summary["ci_high"]).all()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--no-such-option"], "unrecognized arguments"),
        (["--replications", "0"], "must be at least 1"),
        (["--jobs", "many"], "must be a whole number"),
        (["--backend", "cloud"], "invalid choice"),
        (["--set", "caseload.cap_per_ftee=18"], "cap_per_fte"),
        (["--set", "no_equals_sign"], "key.path=value"),
        (["--years", "-1"], "positive"),
        (["--backend", "local", "--scheduler", "tcp://localhost:1"], "dask backend"),
    ],
)
def test_bad_options_exit_2_with_a_message_and_no_traceback(tmp_path, capsys, argv, message):
    """Each mistake is named on stderr, with exit status 2 and no traceback."""
    status = main(["run", str(SMALL), "--out", str(tmp_path / "out"), *argv])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    assert "Traceback" not in err


def test_unwritable_out_and_missing_file_exit_2(tmp_path, capsys):
    """An --out that is a file, or a scenario that does not exist, is bad input."""
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    assert main(["run", str(SMALL), "--out", str(blocker)]) == 2
    assert "cannot write results" in capsys.readouterr().err
    assert main(["run", str(tmp_path / "missing.yaml")]) == 2
    err = capsys.readouterr().err
    assert "missing.yaml" in err and "Traceback" not in err


def test_text_progress_bar_shows_elapsed_and_remaining():
    """The bar counts replications and estimates the time left from the pace so far."""
    stream = textio.StringIO()
    bar = TextProgressBar(stream, label="base", min_interval=0)
    bar(0, 4, 0.0)
    bar(2, 4, 10.0)
    assert "2/4" in stream.getvalue() and "elapsed 0:10" in stream.getvalue()
    assert stream.getvalue().endswith("remaining 0:10")
    bar(4, 4, 20.0)
    bar.close()
    assert stream.getvalue().endswith("4/4  elapsed 0:20  remaining 0:00\n")

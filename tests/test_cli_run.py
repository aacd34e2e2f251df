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
from staffsim.report.progress import ProgressLines, progress_display

SMALL = Path(__file__).parent / "data" / "run_small.yaml"
FILES = ("annual.csv", "summary.csv", "monthly.csv", "monthly.parquet", "manifest.json")


def run(out: Path, *extra: str) -> int:
    return main(
        ["run", str(SMALL), "--replications", "3", "--jobs", "1", "--out", str(out), *extra]
    )


@pytest.mark.slow
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


@pytest.mark.slow
def test_manifest_records_inputs_versions_and_each_replication(tmp_path):
    """manifest.json: resolved scenario and its SHA-256, seed, versions, replications."""
    out = tmp_path / "out"
    assert run(out, "--quiet", "--seed", "7", "--set", "caseload.target_per_fte=17") == 0
    manifest = json.loads((out / "manifest.json").read_text())
    scenario = manifest["scenario"]
    assert scenario["caseload"]["target_per_fte"] == 17
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_summary_shows_each_year_and_all(tmp_path, capsys):
    """The printed summary has a row per key metric and a column per year and 'all'."""
    assert run(tmp_path / "out", "--years", "2") == 0
    text = capsys.readouterr().out
    header = next(line for line in text.splitlines() if "all" in line.split())
    assert header.split() == ["metric", "unit", "2025", "2026", "all"]
    rows = {line.split()[0]: line.split()[1] for line in text.splitlines() if "[" in line}
    assert rows["vacancy_rate_fte"] == "%" and rows["caseload_fte"] == "cases/FTE"
    assert rows["total_cost_gbp"] == "GBP"  # "GBP m": money in GBP million
    assert "95%" in text
    assert all(len(line) <= 100 for line in text.splitlines())


@pytest.mark.slow
def test_summary_csv_holds_the_printed_summary(tmp_path):
    """summary.csv beside annual.csv: metric, period, mean, ci_low, ci_high, unit, one row
    per key metric and period, the means those of annual.csv."""
    out = tmp_path / "out"
    assert run(out, "--quiet", "--years", "2") == 0
    summary = pd.read_csv(out / "summary.csv", dtype={"period": str})
    assert list(summary.columns) == ["metric", "period", "mean", "ci_low", "ci_high", "unit"]
    annual = pd.read_csv(out / "annual.csv")
    row = summary[(summary.metric == "vacancy_rate_fte") & (summary.period == "2026")].iloc[0]
    assert row["mean"] == pytest.approx(
        annual.loc[annual.time_period == 2026, "vacancy_rate_fte"].mean(), rel=1e-12
    )
    assert row["unit"] == "%"
    assert set(summary.period) == {"2025", "2026", "all"}
    assert (summary.ci_low <= summary["mean"]).all() and (summary["mean"] <= summary.ci_high).all()
    assert set(summary[summary.metric == "total_cost_gbp"].unit) == {"GBP"}


@pytest.mark.slow
def test_default_output_folder_is_runs_scenario_name(tmp_path, monkeypatch):
    """Without --out the files go to runs/<scenario name> under the working folder."""
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(SMALL), "--replications", "2", "--jobs", "1", "--quiet"]) == 0
    assert all((tmp_path / "runs" / "run_small" / name).exists() for name in FILES)


@pytest.mark.slow
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
        (["--set", "caseload.target_per_ft=18"], "target_per_fte"),
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


def test_progress_lines_every_tenth_and_at_the_end():
    """Off a terminal: a line at the start, one each time another tenth of the replications
    is done (never more than a tenth apart), and one at the end, each with N/M, the elapsed
    and the remaining time (from the pace so far)."""
    stream = textio.StringIO()
    lines = ProgressLines(stream, label="base")
    lines(0, 40, 0.0)
    for done in range(1, 41):
        lines(done, 40, 2.0 * done)
    lines.close()
    written = stream.getvalue().splitlines()
    assert written[0] == "base: 0/40 replications (0%), elapsed 0:00, remaining ?"
    counts = [int(line.split()[1].split("/")[0]) for line in written]
    assert counts == list(range(0, 41, 4))
    assert written[1] == "base: 4/40 replications (10%), elapsed 0:08, remaining 1:12"
    assert written[-1] == "base: 40/40 replications (100%), elapsed 1:20, remaining 0:00"


def test_progress_lines_leave_resumed_replications_out_of_the_pace():
    """Replications kept from an interrupted run count as done but took no time now; a
    grown total (--precision) gets its own line."""
    stream = textio.StringIO()
    lines = ProgressLines(stream)
    lines(10, 20, 0.0)
    lines(12, 20, 4.0)  # 2 run in 4 s: 8 left take 16 s
    assert (
        stream.getvalue()
        .splitlines()[-1]
        .endswith("12/20 replications (60%), elapsed 0:04, remaining 0:16")
    )
    lines(12, 30, 4.0)
    assert stream.getvalue().splitlines()[-1].startswith("12/30 replications (40%)")


def test_progress_display_is_lines_off_a_terminal_and_a_bar_on_one():
    """A stream that is not a terminal gets lines; a terminal gets the rich bar."""

    class Terminal(textio.StringIO):
        def isatty(self) -> bool:
            return True

    assert isinstance(progress_display("x", textio.StringIO()), ProgressLines)
    terminal = Terminal()
    bar = progress_display("x", terminal)
    assert not isinstance(bar, ProgressLines)
    bar(0, 4, 0.0)
    bar(4, 4, 1.0)
    bar.close()
    assert "4/4" in terminal.getvalue()


@pytest.mark.slow
def test_redirected_stderr_gets_progress_lines(tmp_path, capsys):
    """With standard error not a terminal (as under pytest) the run still shows progress,
    as N/M lines, and ends with the last one."""
    assert run(tmp_path / "out") == 0
    err = capsys.readouterr().err.splitlines()
    progress = [line for line in err if line.startswith("run_small: ")]
    assert err[0].startswith("run_small: 0/3 replications")
    assert progress[-1].startswith("run_small: 3/3 replications (100%)")

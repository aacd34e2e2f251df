"""Faults that must neither lose nor mix a planner's results: concurrent runs into one
folder, a claim left by a dead run, damaged kept replications, a full disk, an unwritable
folder, a damaged results folder, a bad Dask scheduler address and unbounded requests.

Each test asserts the exit status, the message, and that nothing finished was lost and
nothing temporary was left behind.
"""

from __future__ import annotations

import errno
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import staffsim
from staffsim.cli.main import main
from staffsim.errors import DamagedResultsError
from staffsim.experiment import backends, runner, tasks
from staffsim.experiment.options import RunOptions
from staffsim.results import io
from staffsim.results.folders import LOCK_NAME
from staffsim.scenario.loader import load_scenario

SMALL = Path(__file__).parent / "data" / "run_small.yaml"
TABLES = ("annual.csv", "monthly.csv")
QUICK = ["run", str(SMALL), "--replications", "4", "--jobs", "1", "--quiet"]
SLOW = ["run", str(SMALL), "--replications", "6", "--years", "8", "--jobs", "1", "--quiet"]


# --------------------------------------------------------------------------- helpers
def assert_same_tables(a: Path, b: Path) -> None:
    """Byte-identical CSV tables and equal Parquet tables."""
    for name in TABLES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    pd.testing.assert_frame_equal(
        pd.read_parquet(a / "monthly.parquet"), pd.read_parquet(b / "monthly.parquet")
    )


def leftovers(root: Path) -> list[str]:
    """Temporary files and claims anywhere under ``root``."""
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.name.endswith((".tmp", ".lock", ".stale"))
    )


def kept(out: Path) -> list[str]:
    return sorted(p.name for p in (out / ".partial").glob("replication-*.json"))


@pytest.fixture(scope="module")
def lone(tmp_path_factory) -> Path:
    """The tables of an uninterrupted, undisturbed run of :data:`QUICK`."""
    out = tmp_path_factory.mktemp("lone") / "out"
    assert main([*QUICK, "--out", str(out)]) == 0
    return out


def dead_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def write_claim(folder: Path, pid: int, host: str | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    claim = {"pid": pid, "host": host or socket.gethostname(), "started": "t", "token": "x"}
    (folder / LOCK_NAME).write_text(json.dumps(claim))


def count_runs(monkeypatch) -> list[int]:
    """Replications simulated from now on, in this process (``--jobs 1``)."""
    ran: list[int] = []
    real = tasks.run_one

    def counting(scenario, replication, *args, **kwargs):
        ran.append(replication)
        return real(scenario, replication, *args, **kwargs)

    monkeypatch.setattr(tasks, "run_one", counting)
    return ran


def interrupt_after(done_wanted: int):
    def progress(done, total, elapsed):
        if done == done_wanted:
            raise KeyboardInterrupt

    return progress


# ------------------------------------------------------------------- concurrent runs
class TestConcurrentRuns:
    @pytest.mark.slow
    def test_second_run_is_refused_and_the_first_is_untouched(self, tmp_path, capsys):
        """While one run works in a folder, a second run into it (another seed) exits 1
        naming the holder; the first finishes with the tables of a run alone."""
        out = tmp_path / "shared"
        first = subprocess.Popen(
            [sys.executable, "-m", "staffsim", *SLOW, "--out", str(out)],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
        )
        try:
            deadline = time.monotonic() + 120
            while not (kept(out) and (out / LOCK_NAME).exists()):
                assert first.poll() is None, first.stderr.read().decode()
                assert time.monotonic() < deadline, "the first run never got going"
                time.sleep(0.02)
            assert main([*SLOW, "--seed", "99", "--out", str(out)]) == 1
            err = capsys.readouterr().err
            assert f"{out} is in use by another staffsim run (process {first.pid}" in err
            assert "Traceback" not in err
            assert first.wait(timeout=300) == 0
        finally:
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)
                first.wait()
        alone = tmp_path / "alone"
        assert main([*SLOW, "--out", str(alone)]) == 0
        assert_same_tables(out, alone)
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["seed"] == 4242, "the refused run's seed is nowhere"
        assert leftovers(tmp_path) == []
        assert not (out / ".partial").exists()

    def test_a_run_in_this_process_holds_its_folder(self, tmp_path, capsys):
        """A claim by a live process (this one) refuses another run, through the API
        too, and the folder's files are left as they were."""
        out = tmp_path / "held"
        write_claim(out, os.getpid())
        (out / "notes.txt").write_text("mine")
        with pytest.raises(staffsim.errors.FolderBusyError, match=f"process {os.getpid()}"):
            staffsim.run(SMALL, 2, jobs=1, out=out, progress=False)
        assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME, "notes.txt"]

    def test_a_claim_from_another_host_is_treated_as_live(self, tmp_path, capsys):
        """A claim whose process cannot be checked (another host) is not taken over."""
        out = tmp_path / "nfs"
        write_claim(out, dead_pid(), host="some-other-host")
        assert main([*QUICK, "--out", str(out)]) == 1
        assert "process" in capsys.readouterr().err and "some-other-host" in str(
            (out / LOCK_NAME).read_text()
        )


# ----------------------------------------------------------------------- stale claim
class TestStaleClaim:
    @pytest.mark.slow
    def test_a_dead_runs_claim_is_taken_over_and_said(self, tmp_path, capsys, lone):
        """A claim left by a process that has ended is taken over, with a message naming
        it; the run completes with the lone run's tables and releases its own claim."""
        out = tmp_path / "out"
        pid = dead_pid()
        write_claim(out, pid)
        assert main([*QUICK, "--out", str(out)]) == 0
        err = capsys.readouterr().err
        assert f"took over {out}" in err and f"process {pid}" in err
        assert "no longer running" in err
        assert_same_tables(out, lone)
        assert leftovers(tmp_path) == []

    @pytest.mark.slow
    def test_an_interrupted_run_is_resumed_past_its_stale_claim(self, tmp_path, capsys, lone):
        """A run that died (its claim left behind, as SIGKILL leaves it) with two
        replications kept: a plain re-run is refused (exit 2) after taking the claim over;
        --resume completes the run to the lone run's tables."""
        out = tmp_path / "died"
        with pytest.raises(KeyboardInterrupt):
            staffsim.run(SMALL, 4, jobs=1, out=out, progress=interrupt_after(2))
        pid = dead_pid()
        write_claim(out, pid)
        assert main([*QUICK, "--out", str(out)]) == 2, "an interrupted run is not replaced"
        err = capsys.readouterr().err
        assert f"process {pid}" in err and "holds an interrupted staffsim run" in err
        assert kept(out) == ["replication-000000.json", "replication-000001.json"]
        assert main([*QUICK, "--out", str(out), "--resume"]) == 0
        assert_same_tables(out, lone)
        assert leftovers(tmp_path) == []


# ------------------------------------------------------------- earlier runs, folders
class TestEarlierRuns:
    @pytest.mark.slow
    def test_rerun_is_refused_then_overwritten_leaving_foreign_files(self, tmp_path, capsys):
        """A folder holding a finished run is refused without --resume or --overwrite
        (exit 2, tables untouched); --overwrite replaces the run and keeps the user's file."""
        out = tmp_path / "out"
        assert main([*QUICK, "--out", str(out)]) == 0
        (out / "notes.txt").write_text("mine")
        before = (out / "annual.csv").read_bytes()
        assert main([*QUICK, "--seed", "7", "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert "holds the results of an earlier staffsim run" in err
        assert "--resume" in err and "--overwrite" in err
        assert (out / "annual.csv").read_bytes() == before
        assert main([*QUICK, "--seed", "7", "--out", str(out), "--overwrite"]) == 0
        assert json.loads((out / "manifest.json").read_text())["seed"] == 7
        assert (out / "notes.txt").read_text() == "mine"

    @pytest.mark.slow
    def test_resume_refuses_a_finished_run_of_another_seed(self, tmp_path, capsys):
        """--resume on a finished run of another seed would mix runs: exit 2."""
        out = tmp_path / "out"
        assert main([*QUICK, "--out", str(out)]) == 0
        assert main([*QUICK, "--seed", "7", "--out", str(out), "--resume"]) == 2
        assert "different scenario or seed" in capsys.readouterr().err

    def test_a_file_staffsim_did_not_write_is_never_replaced(self, tmp_path, capsys):
        """A folder with no staffsim run but a file named like one of its tables is refused,
        even with --overwrite, and the file is left alone."""
        out = tmp_path / "out"
        out.mkdir()
        (out / "annual.csv").write_text("my own table\n")
        for extra in ([], ["--overwrite"]):
            assert main([*QUICK, "--out", str(out), *extra]) == 2
            assert "annual.csv, which staffsim did not write" in capsys.readouterr().err
        assert (out / "annual.csv").read_text() == "my own table\n"
        assert sorted(p.name for p in out.iterdir()) == ["annual.csv"]

    @pytest.mark.slow
    def test_overwrite_of_a_comparison_touches_only_its_files(self, tmp_path, write_yaml):
        """Overwriting a comparison removes its tables and scenario folders' files but not
        a file the user put in one of them."""
        option = write_yaml(
            "o.yaml", f"extends: {SMALL}\nname: cap_18\ncaseload: {{target_per_fte: 18}}\n"
        )
        out = tmp_path / "cmp"
        args = ["compare", str(SMALL), str(option), "--replications", "2", "--jobs", "1"]
        assert main([*args, "--quiet", "--out", str(out)]) == 0
        (out / "cap_18" / "mine.txt").write_text("mine")
        assert main([*args, "--quiet", "--out", str(out)]) == 2
        assert main([*args, "--quiet", "--out", str(out), "--overwrite", "--seed", "3"]) == 0
        assert (out / "cap_18" / "mine.txt").read_text() == "mine"
        assert json.loads((out / "cap_18" / "manifest.json").read_text())["seed"] == 3
        assert leftovers(tmp_path) == []


# --------------------------------------------------------------- damaged replication
class TestDamagedReplication:
    @pytest.mark.slow
    def test_resume_redoes_damaged_replications_and_says_which(
        self, tmp_path, capsys, monkeypatch, lone
    ):
        """Of four kept replications one is truncated and one emptied, and run.json is
        truncated: --resume names the two files, runs them and the two missing ones again,
        and writes the lone run's tables byte for byte."""
        out = tmp_path / "out"
        with pytest.raises(KeyboardInterrupt):
            staffsim.run(SMALL, 6, jobs=1, out=out, progress=interrupt_after(4))
        assert kept(out) == [f"replication-00000{i}.json" for i in range(4)]
        one = out / ".partial" / "replication-000001.json"
        one.write_bytes(one.read_bytes()[:-40])
        (out / ".partial" / "replication-000002.json").write_bytes(b"")
        run_json = out / ".partial" / "run.json"
        run_json.write_bytes(run_json.read_bytes()[:10])
        ran = count_runs(monkeypatch)
        six = ["run", str(SMALL), "--replications", "6", "--jobs", "1", "--quiet"]
        assert main([*six, "--out", str(out), "--resume"]) == 0
        err = capsys.readouterr().err
        assert "2 kept replication files" in err
        assert "replication-000001.json (truncated or altered" in err
        assert "replication-000002.json (empty)" in err
        assert "run.json is damaged" in err
        assert sorted(ran) == [1, 2, 4, 5], "only the damaged and missing ones ran again"
        monkeypatch.undo()
        whole = tmp_path / "whole"
        assert main([*six, "--out", str(whole)]) == 0
        assert_same_tables(out, whole)
        assert leftovers(tmp_path) == []

    @pytest.mark.slow
    def test_a_replication_damaged_before_assembly_is_a_message(self, tmp_path, capsys):
        """A kept replication that no longer matches its checksum when the tables are
        assembled stops the run with exit 1 and a message, not a traceback; the others
        stay kept and --resume completes the run."""
        out = tmp_path / "out"
        real_add = runner.DirectoryStore.add

        def add_then_damage(store, record):
            real_add(store, record)
            if record["replication"] == 3:
                path = store.folder / "replication-000000.json"
                path.write_bytes(path.read_bytes().replace(b"0", b"1", 1))

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(runner.DirectoryStore, "add", add_then_damage)
            assert main([*QUICK, "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert "replication-000000.json was damaged after it was written" in err
        assert "Traceback" not in err
        assert len(kept(out)) == 4 and not (out / "annual.csv").exists()
        assert main([*QUICK, "--out", str(out), "--resume"]) == 0
        assert "replication-000000.json" in capsys.readouterr().err
        assert leftovers(tmp_path) == []


# ------------------------------------------------------------------------- full disk
def enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class TestFullDisk:
    @pytest.mark.slow
    def test_disk_full_while_keeping_a_replication(self, tmp_path, capsys, monkeypatch, lone):
        """The disk fills while replication 2 is being kept: exit 1, "no space left on
        device" naming the file, no temporary file, replications 0 and 1 kept intact; with
        space again --resume runs only the rest and gives the lone run's tables."""
        out = tmp_path / "out"
        real_write_text = pathlib.Path.write_text

        def full_at_two(path, *args, **kwargs):
            if "replication-000002" in path.name:
                real_write_text(path, "half a rec")
                enospc()
            return real_write_text(path, *args, **kwargs)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(pathlib.Path, "write_text", full_at_two)
            assert main([*QUICK, "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert f"cannot write {out / '.partial' / 'replication-000002.json'}" in err
        assert "no space left on device" in err
        assert "--resume" in err and "Traceback" not in err
        assert kept(out) == ["replication-000000.json", "replication-000001.json"]
        assert leftovers(tmp_path) == []
        ran = count_runs(monkeypatch)
        assert main([*QUICK, "--out", str(out), "--resume"]) == 0
        assert ran == [2, 3]
        assert "could not be trusted" not in capsys.readouterr().err, "both kept ones intact"
        assert_same_tables(out, lone)

    @pytest.mark.slow
    def test_disk_full_while_writing_the_tables(self, tmp_path, capsys, lone):
        """The disk fills while the monthly table is written: exit 1, no half table and no
        temporary file, every replication still kept; --resume writes the tables."""
        out = tmp_path / "out"
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(io.TableWriter, "_write", enospc)
            assert main([*QUICK, "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert "no space left on device" in err and str(out) in err
        assert "Traceback" not in err
        assert not (out / "monthly.csv").exists() and not (out / "annual.csv").exists()
        assert len(kept(out)) == 4
        assert leftovers(tmp_path) == []
        assert main([*QUICK, "--out", str(out), "--resume"]) == 0
        assert_same_tables(out, lone)

    def test_folder_that_cannot_be_written(self, tmp_path, capsys, monkeypatch):
        """A folder without write permission: exit 1 before anything runs, naming it."""
        out = tmp_path / "locked"

        def denied(*args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(io.tempfile, "TemporaryFile", denied)
        assert main([*QUICK, "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert f"cannot write results to {out}: permission denied" in err
        assert "Traceback" not in err
        assert leftovers(tmp_path) == []


# ----------------------------------------------------------- damaged results folder
class TestDamagedResultsFolder:
    @pytest.fixture
    def saved(self, tmp_path) -> Path:
        out = tmp_path / "saved"
        staffsim.run(SMALL, 2, jobs=1, out=out, progress=False)
        return out

    @pytest.mark.parametrize(
        ("damage", "message"),
        [
            (lambda f: (f / "annual.csv").unlink(), "annual.csv is missing"),
            (lambda f: (f / "monthly.parquet").unlink(), "monthly.parquet is missing"),
            (lambda f: (f / "annual.csv").write_bytes(b""), "annual.csv is empty"),
            (
                lambda f: (f / "annual.csv").write_bytes((f / "annual.csv").read_bytes()[:-9]),
                "annual.csv is truncated",
            ),
            (
                lambda f: (f / "annual.csv").write_text("scenario,replication\nx,0\n"),
                "annual.csv lacks the documented column(s) time_period",
            ),
            (
                lambda f: (f / "manifest.json").write_bytes(
                    (f / "manifest.json").read_bytes()[:99]
                ),
                "manifest.json is not valid JSON",
            ),
            (
                lambda f: (f / "monthly.parquet").write_bytes(
                    (f / "monthly.parquet").read_bytes()[:200]
                ),
                "monthly.parquet is not a readable Parquet file",
            ),
            (
                lambda f: (f / "monthly.csv").write_text("a,b\n"),
                "monthly.csv does not start with the documented header",
            ),
        ],
    )
    def test_load_names_what_is_wrong_up_front(self, saved, damage, message):
        """Results.load checks the folder before returning and names the damaged file;
        it changes nothing in the folder."""
        damage(saved)
        before = {p.name: p.read_bytes() for p in saved.iterdir()}
        with pytest.raises(DamagedResultsError) as err:
            staffsim.Results.load(saved)
        assert message in str(err.value)
        assert str(saved) in str(err.value)
        assert err.value.exit_code == 1
        assert {p.name: p.read_bytes() for p in saved.iterdir()} == before

    def test_rows_from_another_run_are_caught(self, saved, tmp_path):
        """An annual table whose replications differ from the manifest's is refused."""
        other = tmp_path / "other"
        staffsim.run(SMALL, 3, jobs=1, out=other, progress=False)
        (saved / "annual.csv").write_bytes((other / "annual.csv").read_bytes())
        with pytest.raises(DamagedResultsError, match="manifest lists"):
            staffsim.Results.load(saved)

    def test_a_missing_folder_and_a_damaged_comparison(self, tmp_path):
        with pytest.raises(DamagedResultsError, match="no such folder"):
            staffsim.Results.load(tmp_path / "nowhere")
        (tmp_path / "cmp").mkdir()
        (tmp_path / "cmp" / "manifest.json").write_text('{"base": "a"}')
        (tmp_path / "cmp" / "comparison.csv").write_text("metric\n")
        with pytest.raises(DamagedResultsError, match="lacks folders"):
            staffsim.ComparisonResults.load(tmp_path / "cmp")


# --------------------------------------------------------------- scheduler addresses
def garbage_server() -> tuple[str, threading.Event]:
    """A TCP server that answers every connection with text that is not Dask's protocol."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\nnot dask\n" * 8)
            conn.close()
        server.close()

    threading.Thread(target=serve, daemon=True).start()
    return f"tcp://127.0.0.1:{server.getsockname()[1]}", stop


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TestBadScheduler:
    @pytest.mark.parametrize(
        ("address", "message"),
        [
            ("tcp://localhost", "has no port"),
            ("http://localhost:8786", "unknown scheme 'http'"),
            ("localhost:8786", "is not SCHEME://HOST:PORT"),
        ],
    )
    def test_malformed_address_is_bad_input(self, tmp_path, capsys, address, message):
        """A malformed address is refused before anything runs: exit 2, no folder made."""
        out = tmp_path / "out"
        assert main([*QUICK, "--scheduler", address, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert "--scheduler" in err and message in err
        assert not out.exists()

    @pytest.fixture
    def quick_timeout(self, monkeypatch):
        pytest.importorskip("distributed")
        monkeypatch.setattr(backends, "CONNECT_TIMEOUT_SECONDS", 2)

    @pytest.mark.slow
    def test_unreachable_scheduler(self, tmp_path, capfd, quick_timeout):
        """Nothing listening at the address: exit 1, a message, and nothing left behind."""
        out = tmp_path / "out"
        address = f"tcp://127.0.0.1:{closed_port()}"
        assert main([*QUICK, "--scheduler", address, "--out", str(out)]) == 1
        err = capfd.readouterr().err
        assert f"cannot reach a Dask scheduler at {address}" in err
        assert "Traceback" not in err
        assert not out.exists(), "a run that kept nothing leaves no folder"

    def test_something_that_is_not_a_scheduler(self, tmp_path, capfd, quick_timeout):
        """A server that does not speak Dask's protocol: exit 1 and a message."""
        address, stop = garbage_server()
        out = tmp_path / "out"
        out.mkdir()
        (out / "notes.txt").write_text("mine")
        try:
            assert main([*QUICK, "--scheduler", address, "--out", str(out)]) == 1
        finally:
            stop.set()
        err = capfd.readouterr().err
        assert f"{address} did not answer as a Dask scheduler" in err
        assert "Traceback" not in err
        assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


# ----------------------------------------------------------------------------- bounds
class TestBounds:
    @pytest.mark.parametrize(
        ("flag", "value", "message"),
        [
            ("--replications", "1000000000", "must be at most 100,000"),
            ("--years", "101", "must be at most 100 years"),
        ],
    )
    def test_huge_requests_are_refused_at_once(self, tmp_path, capsys, flag, value, message):
        out = tmp_path / "out"
        started = time.monotonic()
        assert main(["run", str(SMALL), flag, value, "--out", str(out)]) == 2
        assert time.monotonic() - started < 5
        err = capsys.readouterr().err
        assert f"argument {flag}: {message}" in err
        assert not out.exists()

    def test_replications_are_handed_out_one_at_a_time(self, monkeypatch):
        """The most replications allowed are never listed: the backend is given an
        iterator, and stopping after two leaves the rest unmade."""
        taken: list[int] = []

        class TwoThenStop(backends.Backend):
            def imap_unordered(self, fn, tasks_: Iterator) -> Iterator:
                assert not isinstance(tasks_, list | tuple)
                for i, (scenario, rep) in enumerate(tasks_):
                    taken.append(rep)
                    if i == 2:
                        raise KeyboardInterrupt
                    yield i, fn(scenario, rep)

        monkeypatch.setattr(runner, "open_backend", lambda options: TwoThenStop())
        scenario = load_scenario(SMALL, {"horizon_years": 0.2})
        with pytest.raises(KeyboardInterrupt):
            runner.run_replications(scenario, RunOptions(replications=100_000, jobs=1))
        assert taken == [0, 1, 2]


# ------------------------------------------------------------ a reader that stops early
@pytest.mark.slow
def test_output_to_a_closed_pipe_ends_quietly():
    """``staffsim councils | head -3``: a reader that stops reading ends the command with
    status 1 and no traceback (Python's "Note on SIGPIPE")."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "staffsim", "councils"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    proc.stdout.close()  # the reader is gone before the first line is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1, err
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err

"""Result files: atomic, reproducible, and refused early when they cannot be written."""

from __future__ import annotations

import pandas as pd
import pytest

from staffsim.errors import OutputError, UserError
from staffsim.results import io


def frame(scale: float = 1.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scenario": ["a", "a", "b"],
            "replication": [0, 1, 0],
            "value": [0.1 + 0.2, 28.650000000000002 * scale, 1e-12],
        }
    )


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_crash_mid_write_leaves_the_old_file_and_no_half_file(tmp_path, monkeypatch):
    """If writing fails half way, the previous file is intact and no temporary remains."""
    target = tmp_path / "annual.csv"
    io.write_csv(frame(), target)
    before = target.read_bytes()

    def crash(self, path, **kwargs):
        with open(path, "w") as fh:
            fh.write("scenario,replication,val")  # half a header, then the process "dies"
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", crash)
    with pytest.raises(OutputError, match=r"cannot write .*annual\.csv: disk full"):
        io.write_csv(frame(2.0), target)
    assert target.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_a_new_file_appears_whole_or_not_at_all(tmp_path):
    """Inside an atomic write the target does not exist yet; afterwards it is complete."""
    target = tmp_path / "manifest.json"
    with io.atomic_path(target) as tmp:
        tmp.write_text('{"half": ', encoding="utf-8")
        assert not target.exists()
        tmp.write_text('{"whole": true}', encoding="utf-8")
    assert io.read_json(target) == {"whole": True}
    with pytest.raises(RuntimeError), io.atomic_path(tmp_path / "never.json") as tmp:
        tmp.write_text("{", encoding="utf-8")
        raise RuntimeError("interrupted")
    assert not (tmp_path / "never.json").exists()
    assert leftovers(tmp_path) == []


def test_identical_data_give_identical_bytes(tmp_path):
    """The same table written twice is the same bytes; floats drop binary tails."""
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    io.write_csv(frame(), a)
    io.write_csv(frame().copy(), b)
    assert a.read_bytes() == b.read_bytes()
    text = a.read_text(encoding="utf-8")
    assert "\r" not in text
    assert "0.3," not in text and ",0.3\n" in text
    assert ",28.65\n" in text and ",1e-12\n" in text


def test_table_writer_streams_chunks_into_both_files(tmp_path):
    """Chunks appended one by one give the CSV and Parquet of the whole table."""
    csv, parquet = tmp_path / "m.csv", tmp_path / "m.parquet"
    chunks = [frame(), frame(3.0)]
    with io.TableWriter(csv, parquet) as writer:
        for chunk in chunks:
            writer.write(chunk)
        assert not csv.exists() and not parquet.exists(), "files appear only when complete"
    whole = pd.concat(chunks, ignore_index=True)
    pd.testing.assert_frame_equal(pd.read_parquet(parquet), whole, check_dtype=False)
    written = tmp_path / "whole.csv"
    io.write_csv(whole, written)
    assert csv.read_bytes() == written.read_bytes()


def test_table_writer_abort_leaves_nothing(tmp_path):
    """An interrupted stream leaves neither file nor temporary behind."""
    csv, parquet = tmp_path / "m.csv", tmp_path / "m.parquet"
    with pytest.raises(KeyboardInterrupt), io.TableWriter(csv, parquet) as writer:
        writer.write(frame())
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_is_a_user_error(tmp_path):
    """A folder that cannot be made is reported as bad input (exit status 2)."""
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    for bad in (blocker, blocker / "runs"):
        with pytest.raises(UserError, match="cannot write results") as err:
            io.ensure_writable_dir(bad)
        assert err.value.exit_code == 2
    existing = tmp_path / "runs"
    existing.mkdir()
    (existing / "notes.txt").write_text("mine")
    assert io.ensure_writable_dir(existing) == existing
    assert (existing / "notes.txt").read_text() == "mine"

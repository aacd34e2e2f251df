"""What the commands print: tables and notes within 100 columns, progress as N/M lines when
standard error is not a terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from staffsim.cli import console
from staffsim.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
PROGRESS_LINE = re.compile(
    r"^compare: (\d+)/(\d+) replications \(\d+%\), elapsed \S+, remaining \S+$"
)


@pytest.mark.slow
def test_compare_birmingham_fits_100_columns_and_logs_progress(tmp_path, capsys):
    """``staffsim compare BASE OPTION > out 2> err``: every line of out within 100 columns,
    the tables with a unit column, and err holding N/M progress lines up to M/M."""
    out = tmp_path / "a-long-folder-name-for-the-results-of-this-comparison" / "reform"
    code = main(
        [
            "compare",
            str(ROOT / "scenarios" / "birmingham_2015.yaml"),
            str(ROOT / "scenarios" / "birmingham_2015_reform.yaml"),
            "--years",
            "2",
            "--replications",
            "3",
            "--jobs",
            "2",
            "--out",
            str(out),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    lines = captured.out.splitlines()
    too_wide = [line for line in lines if len(line) > console.MAX_WIDTH]
    assert not too_wide, too_wide
    header = next(line.split() for line in lines if line.startswith("metric"))
    assert header[:2] == ["metric", "unit"]
    assert any(line.split()[:2] == ["total_cost_gbp", "GBP"] for line in lines)
    # Both years appear, each in a block of its own or beside others, once.
    years = [word for line in lines if line.startswith("metric") for word in line.split()]
    assert years.count("2015") == 1 and years.count("2016") == 1
    progress = [PROGRESS_LINE.match(line) for line in captured.err.splitlines()]
    assert progress and all(progress), captured.err
    done = [(int(m.group(1)), int(m.group(2))) for m in progress if m]
    assert done[-1] == (6, 6)
    assert [d for d, _ in done] == sorted(d for d, _ in done)


def test_table_blocks_fit_the_width_and_repeat_the_row_labels():
    """However many periods and however wide the cells, every line fits; every block starts
    with the metric and unit columns; each period is shown once, in order."""
    periods = [str(year) for year in range(2025, 2045)] + ["all"]
    columns = {
        "metric": ["vacancy_rate_fte", "a_metric_with_a_rather_long_name_indeed"],
        "unit": ["%", "cases/FTE"],
    }
    for period in periods:
        columns[period] = ["15.1 [14.0, 16.1]", "1,234,567 [1,234,000, 1,235,000]"]
    for width in (100, 60):
        text = console.table_text(columns, ["metric", "unit"], width=width)
        assert max(len(line) for line in text.splitlines()) <= width
        headers = [line.split() for line in text.splitlines() if line.startswith("metric")]
        assert len(headers) > 1
        assert all(h[:2] == ["metric", "unit"] for h in headers)
        assert [p for h in headers for p in h[2:]] == periods


def test_a_cell_too_wide_for_the_page_is_folded_not_overflowing():
    """Even a label wider than the page is folded within it."""
    columns = {"option": ["x" * 150], "value": ["1.00"]}
    text = console.table_text(columns, ["option"], width=100)
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "".join(text.split()).count("x") == 150


def test_summary_shows_money_in_gbp_million_and_units_per_row():
    """The run summary: a unit column; money in GBP million to two decimals."""
    summary = pd.DataFrame(
        {
            "scenario": "s",
            "metric": ["vacancy_rate_fte", "total_cost_gbp"],
            "unit": ["%", "GBP"],
            "period": ["all", "all"],
            "mean": [15.06, 16_560_158.0],
            "ci_low": [14.01, 16_498_903.0],
            "ci_high": [16.12, 16_621_412.0],
            "sd": [1.0, 1.0],
            "replications": [20, 20],
        }
    )
    rows = [re.split(r"\s{2,}", line) for line in console.summary_text(summary).splitlines()]
    assert rows[0] == ["metric", "unit", "all"]
    assert rows[1] == ["vacancy_rate_fte", "%", "15.1 [14.0, 16.1]"]
    assert rows[2] == ["total_cost_gbp", "GBP m", "16.56 [16.50, 16.62]"]


def test_say_wraps_notes_and_long_paths_to_the_width(capsys):
    """A note with a path longer than the page is wrapped, never wider than the page."""
    console.say("Saved to " + "/deep" * 40 + ": annual.csv, summary.csv", width=100)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 1 and max(len(line) for line in lines) <= 100

"""Progress displays: how a person sees the progress the experiment layer reports.

The experiment layer reports progress by calling back ``progress(done, total, elapsed)``
(:class:`staffsim.experiment.progress.ProgressCallback`) and never draws anything itself; the
caller (the command line, or ``staffsim.run(progress=True)``) picks a display here:

* on a terminal, or in a notebook with ipywidgets, a rich progress bar redrawn in place, with
  the replications done as ``N/M`` and the elapsed and remaining time;
* anywhere else (standard error sent to a log file or a pipe, a notebook without widgets) one
  plain line each time another tenth of the replications is done, and one at the end, so that a
  log shows the run is alive without filling up with redrawn bars::

      compare: 8/40 replications (20%), elapsed 0:24, remaining 1:36

Remaining time assumes the replications still to run take as long as those run so far
(replications kept from an interrupted run took no time now and are left out of the pace).
"""

from __future__ import annotations

import importlib.util
import math
import os
import sys
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.progress import TaskID

__all__ = ["ProgressBar", "ProgressDisplay", "ProgressLines", "progress_display"]

PROGRESS_STEPS = 10
"""A line-by-line display writes a line each time another 1/PROGRESS_STEPS of the
replications is done."""


class ProgressDisplay(Protocol):
    """A progress callback that owns a display and must be closed when the work ends."""

    def __call__(self, done: int, total: int, elapsed: float) -> None: ...

    def close(self) -> None: ...


def _clock(seconds: float) -> str:
    """``m:ss``, or ``h:mm:ss`` from an hour up."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressLines:
    """One line per tenth of the replications done, and one at the end, for a stream that is
    not a terminal. The first call (the experiment calls once before any replication ends)
    writes a line too, so a log shows at once what the run will do."""

    def __init__(self, stream: IO[str], label: str = "", steps: int = PROGRESS_STEPS) -> None:
        self.stream = stream
        self.label = label
        self.steps = steps
        self._resumed: int | None = None
        self._last_step = -1
        self._last_line: tuple[int, int] | None = None

    def __call__(self, done: int, total: int, elapsed: float) -> None:
        if self._resumed is None:
            self._resumed = done
        step = math.floor(self.steps * done / total) if total else self.steps
        finished = total > 0 and done >= total
        # A changed step, not only a higher one: --precision may add replications, which
        # lowers the share done, and the new total is worth a line.
        if step == self._last_step and not finished:
            return
        if self._last_line == (done, total):
            return
        self._last_step = step
        self._last_line = (done, total)
        ran = done - self._resumed
        if finished:
            remaining = "0:00"
        elif ran > 0:
            remaining = _clock(elapsed / ran * (total - done))
        else:
            remaining = "?"
        label = f"{self.label}: " if self.label else ""
        share = f"{done / total:.0%}" if total else "100%"
        self.stream.write(
            f"{label}{done}/{total} replications ({share}), elapsed {_clock(elapsed)}, "
            f"remaining {remaining}\n"
        )
        self.stream.flush()

    def close(self) -> None:
        """Nothing to close: every line is already complete."""


class ProgressBar:
    """A rich progress bar (label, bar, ``N/M``, elapsed, remaining), redrawn in place on a
    terminal or in a notebook; closed, it stays on screen as the run's record."""

    def __init__(self, stream: IO[str], label: str = "") -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("elapsed"),
            TimeElapsedColumn(),
            TextColumn("remaining"),
            TimeRemainingColumn(),
            console=Console(file=stream, highlight=False),
        )
        self.label = label
        self._task: TaskID | None = None

    def __call__(self, done: int, total: int, elapsed: float) -> None:
        if self._task is None:
            # Start at the replications kept from an interrupted run, so that they count as
            # done but not towards the pace the remaining time is estimated from.
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=total, completed=done)
            return
        self._progress.update(self._task, completed=done, total=total)

    def close(self) -> None:
        """Draw the bar a last time and end its line."""
        if self._task is not None:
            self._progress.stop()
            self._task = None


def _is_terminal(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"
    except ValueError:  # a closed stream
        return False


def _in_notebook_with_widgets() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ipython = shell.get_ipython()
    except AttributeError:
        return False
    return (
        type(ipython).__name__ == "ZMQInteractiveShell"
        and importlib.util.find_spec("ipywidgets") is not None
    )


def progress_display(label: str = "", stream: IO[str] | None = None) -> ProgressDisplay:
    """The display for ``stream`` (default standard error): a bar on a terminal or in a
    notebook with ipywidgets, a line per tenth of the replications anywhere else."""
    target = stream if stream is not None else sys.stderr
    if _is_terminal(target) or (stream is None and _in_notebook_with_widgets()):
        return ProgressBar(target, label)
    return ProgressLines(target, label)

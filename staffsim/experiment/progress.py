"""Progress reporting: the experiment layer calls back, the caller decides how to show it.

A progress callback is any callable ``progress(done, total, elapsed)``: replications finished
so far (those kept from an interrupted run included), replications planned (which grows when
``--precision`` adds some) and seconds since the start. Two renderings come with staffsim:

* :class:`TextProgressBar` draws a one-line bar with elapsed and remaining time on a text
  stream (the command line uses standard error, so tables on standard output stay clean);
* :func:`notebook_progress` gives a notebook bar (``tqdm.auto``) where tqdm and ipywidgets
  are installed, and the text bar otherwise.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from typing import IO, Protocol

__all__ = ["ProgressBar", "ProgressCallback", "TextProgressBar", "notebook_progress"]


class ProgressCallback(Protocol):
    """Called after each finished replication (and once at the start)."""

    def __call__(self, done: int, total: int, elapsed: float) -> None: ...


class ProgressBar(ProgressCallback, Protocol):
    """A progress callback that owns a display and must be closed."""

    def close(self) -> None: ...


def _clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class TextProgressBar:
    """A one-line text bar, redrawn in place with a carriage return::

        england_2025 [############------------]  12/40  elapsed 0:12  remaining 0:28

    Remaining time assumes the replications still to run take as long as those done so far.
    Redraws at most every ``min_interval`` seconds, and always at the end.
    """

    def __init__(
        self,
        stream: IO[str],
        label: str = "",
        width: int = 24,
        min_interval: float = 0.2,
    ) -> None:
        self.stream = stream
        self.label = label
        self.width = width
        self.min_interval = min_interval
        self._last_draw = -float("inf")
        self._drawn = False
        self._started = time.perf_counter()
        self._resumed: int | None = None

    def __call__(self, done: int, total: int, elapsed: float) -> None:
        if self._resumed is None:
            # Replications kept from an earlier run took no time now: leave them out of the
            # rate, or the remaining time would be far too short.
            self._resumed = done
        now = time.perf_counter()
        if done < total and now - self._last_draw < self.min_interval:
            return
        self._last_draw = now
        filled = int(self.width * done / total) if total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        ran = done - self._resumed
        if ran > 0 and done < total:
            remaining = _clock(elapsed / ran * (total - done))
        elif done >= total:
            remaining = "0:00"
        else:
            remaining = "?"
        label = f"{self.label} " if self.label else ""
        line = (
            f"\r{label}[{bar}] {done:>{len(str(total))}}/{total}  "
            f"elapsed {_clock(elapsed)}  remaining {remaining}"
        )
        self.stream.write(line)
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


class _TqdmProgress:
    """A ``tqdm.auto`` bar driven by progress callbacks."""

    def __init__(self, label: str) -> None:
        from tqdm.auto import tqdm

        self._bar = tqdm(total=0, desc=label or None, unit="replication")

    def __call__(self, done: int, total: int, elapsed: float) -> None:
        if self._bar.total != total:
            self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        self._bar.close()


def notebook_progress(label: str = "") -> ProgressBar:
    """A progress bar for notebooks: tqdm's widget if tqdm and ipywidgets are installed,
    else the text bar on standard error (which notebooks redraw in place too)."""
    if importlib.util.find_spec("tqdm") and importlib.util.find_spec("ipywidgets"):
        return _TqdmProgress(label)
    return TextProgressBar(sys.stderr, label=label)

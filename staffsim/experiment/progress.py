"""Progress reporting: the experiment layer calls back, the caller decides how to show it.

A progress callback is any callable ``progress(done, total, elapsed)``: replications finished
so far (those kept from an interrupted run included), replications planned (which grows when
``--precision`` adds some) and seconds since the start. It is called once at the start and
after each finished replication. Nothing here draws anything: the displays (a bar on a
terminal, a line per tenth of the work in a log) are in :mod:`staffsim.report.progress`.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["ProgressCallback"]


class ProgressCallback(Protocol):
    """Called after each finished replication (and once at the start)."""

    def __call__(self, done: int, total: int, elapsed: float) -> None: ...

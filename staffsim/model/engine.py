"""The one module that uses SimPy's private names, for speed on the hot path.

SimPy's public API costs a property call or a full :class:`~simpy.events.Timeout` per use;
a run processes a few hundred thousand events, so four private details are worth relying
on. Each is written here once, and ``tests/test_model_engine.py`` checks the behaviour
relied on, so that a SimPy release that changes it fails a test rather than a run:

* ``env._now`` is the current time (what ``env.now`` returns);
* ``event._value`` and ``event._ok`` hold a triggered event's value and success, and an
  event scheduled with them set is processed like a triggered one;
* ``env._queue`` holds the scheduled events and ``env._eid`` counts every event ever
  scheduled, so their difference is the number processed.

SimPy is pinned below its next major version (``simpy>=4.1,<5`` in ``pyproject.toml``).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

import simpy
from simpy.events import NORMAL, URGENT, Event

__all__ = ["ScheduledCall", "clock", "events_processed", "payload", "urgent_timeout"]

clock: Callable[[simpy.Environment], float] = attrgetter("_now")
"""``clock(env)``: the environment's current time (days), without the property call."""

payload: Callable[[Event], Any] = attrgetter("_value")
"""``payload(event)``: the value of a processed event, without the property call."""


class ScheduledCall(Event):
    """A scheduled call: after ``delay`` days, ``callback(event)``, with ``event.value`` set
    to ``value``.

    A SimPy event, processed in the environment's order like any other (normal priority,
    first scheduled first), without the checks and the callback list a general timeout
    sets up; it costs a fraction of a process, which matters for the hundreds of thousands
    of case closures in a run.
    """

    def __init__(
        self,
        env: simpy.Environment,
        delay: float,
        callback: Callable[[ScheduledCall], None],
        value: Any,
    ) -> None:
        self.env = env
        self.callbacks = [callback]
        self._value = value
        self._ok = True
        env.schedule(self, NORMAL, delay)


def urgent_timeout(env: simpy.Environment, delay: float) -> Event:
    """A timeout of ``delay`` days processed before every normal event due at the same
    instant (a process may ``yield`` it)."""
    event = Event(env)
    event._ok = True
    event._value = None
    env.schedule(event, URGENT, delay)
    return event


def events_processed(env: simpy.Environment) -> int:
    """Events the environment has processed so far (scheduled, less those still queued).

    Call it once a run is over: it consumes one event id.
    """
    return next(env._eid) - len(env._queue)

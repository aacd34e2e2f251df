"""The SimPy behaviour :mod:`staffsim.model.engine` relies on, checked against SimPy itself.

The engine module reads and writes four private details of SimPy (``env._now``,
``event._value``, ``event._ok``, ``env._queue`` and ``env._eid``). These tests state what
the model needs from them through SimPy's public API, so that a SimPy release that changes
them fails here, not in the middle of a run.
"""

from __future__ import annotations

import re
from pathlib import Path

import simpy

from staffsim.model.engine import (
    ScheduledCall,
    clock,
    events_processed,
    payload,
    urgent_timeout,
)

ROOT = Path(__file__).resolve().parents[1]


def test_clock_is_the_public_now() -> None:
    """``clock(env)`` is ``env.now`` at the start, after each step and after ``run``."""
    env = simpy.Environment(initial_time=2.5)
    assert clock(env) == env.now == 2.5
    env.timeout(1.25)
    env.timeout(4.0)
    env.step()
    assert clock(env) == env.now == 3.75
    env.run(until=10.0)
    assert clock(env) == env.now == 10.0


def test_payload_is_the_public_value() -> None:
    """``payload(event)`` is ``event.value`` for a processed timeout and a scheduled call."""
    env = simpy.Environment()
    seen: list[object] = []
    timeout = env.timeout(1.0, value="timeout value")
    call = ScheduledCall(env, 2.0, lambda event: seen.append(payload(event)), {"case": 7})
    env.run()
    assert payload(timeout) == timeout.value == "timeout value"
    assert payload(call) == call.value == {"case": 7}
    assert seen == [{"case": 7}]


def test_a_scheduled_call_runs_in_order_with_timeouts() -> None:
    """A scheduled call fires at its time with its value, as a successful event (the
    environment does not treat it as a failure), first scheduled first among events due
    at the same instant, like a timeout."""
    env = simpy.Environment()
    log: list[tuple[float, str]] = []
    env.timeout(1.0).callbacks.append(lambda e: log.append((env.now, "timeout a")))
    b = ScheduledCall(env, 1.0, lambda e: log.append((env.now, f"call {e.value}")), "b")
    env.timeout(1.0).callbacks.append(lambda e: log.append((env.now, "timeout c")))
    d = ScheduledCall(env, 0.5, lambda e: log.append((env.now, f"call {e.value}")), "d")
    env.run()
    assert log == [(0.5, "call d"), (1.0, "timeout a"), (1.0, "call b"), (1.0, "timeout c")]
    assert b.ok and d.ok and b.processed and d.processed


def test_a_process_can_wait_for_a_scheduled_call() -> None:
    """A process that yields a scheduled call resumes at its time and receives its value."""
    env = simpy.Environment()
    got: list[tuple[float, object]] = []

    def waiter():
        value = yield ScheduledCall(env, 3.0, lambda e: None, "done")
        got.append((env.now, value))

    env.process(waiter())
    env.run()
    assert got == [(3.0, "done")]


def test_an_urgent_timeout_comes_before_normal_events_due_at_the_same_instant() -> None:
    """An urgent timeout is processed before every normal event due at the same time, even
    ones scheduled before it, and a process yielding it resumes at that time."""
    env = simpy.Environment()
    log: list[tuple[float, str]] = []
    env.timeout(5.0).callbacks.append(lambda e: log.append((env.now, "normal")))
    ScheduledCall(env, 5.0, lambda e: log.append((env.now, "call")), None)

    def observer():
        yield urgent_timeout(env, 5.0)
        log.append((env.now, "observer"))

    env.process(observer())
    env.run()
    assert log == [(5.0, "observer"), (5.0, "normal"), (5.0, "call")]


def test_events_processed_counts_every_processed_event() -> None:
    """``events_processed`` equals the number of events processed (counted step by step),
    leaving out those still scheduled past the end of the run."""
    env = simpy.Environment()

    def ticker():
        while True:
            yield env.timeout(1.0)

    env.process(ticker())
    for day in (0.5, 2.5, 30.0):
        ScheduledCall(env, day, lambda e: None, None)
    steps = 0
    while env.peek() <= 10.0:
        env.step()
        steps += 1
    assert events_processed(env) == steps


def test_no_simpy_private_name_outside_the_engine() -> None:
    """Only the engine module touches SimPy's private names."""
    pattern = re.compile(r"\._(now|value|ok|queue|eid|defused|target|generator)\b")
    users = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "staffsim").rglob("*.py"))
        if path.name != "engine.py" and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert users == []

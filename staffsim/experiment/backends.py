"""Where replications run: in this process, in a local process pool, or on a Dask cluster.

A backend takes a picklable task function and its argument tuples and yields
``(index, result)`` as tasks finish, in whatever order they finish; the runner files each
result by its replication, so tables never depend on the backend, the number of workers or
the completion order.

Only a bounded window of tasks (twice the workers) is in flight at a time and each result is
handed on as soon as it arrives, so the parent process holds a handful of replications'
records, however many replications are run.

* ``serial``: one after another, in this process (``--jobs 1``).
* ``local``: a :class:`concurrent.futures.ProcessPoolExecutor` whose workers are started with
  the ``spawn`` method, which is safe in notebooks and the only method on Windows (and the
  default on macOS): workers import staffsim afresh instead of inheriting a forked copy of the
  parent's state.
* ``dask``: a Dask distributed cluster: a :class:`distributed.LocalCluster` with one
  single-threaded worker process per job when no scheduler address is given, else the
  cluster at the address. Dask is an optional extra, imported only here and only when asked
  for.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
import signal
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any

from staffsim.errors import StaffsimError, UserError
from staffsim.experiment.options import BACKENDS, RunOptions

__all__ = [
    "BACKENDS",
    "Backend",
    "DaskBackend",
    "LocalBackend",
    "SerialBackend",
    "TaskError",
    "default_jobs",
    "open_backend",
]


class TaskError:
    """A task that failed outside the task function (a worker died, a pickling error)."""

    def __init__(self, exc: BaseException) -> None:
        self.error = f"{type(exc).__name__}: {exc}"


def default_jobs() -> int:
    """The number of CPU cores this process may use."""
    if hasattr(os, "process_cpu_count"):
        count = os.process_cpu_count()
    elif hasattr(os, "sched_getaffinity"):
        count = len(os.sched_getaffinity(0))
    else:
        count = os.cpu_count()
    return max(1, count or 1)


class Backend(ABC):
    """Runs tasks and yields ``(index, result)`` as they finish."""

    name: str = ""
    workers: int = 1

    @abstractmethod
    def imap_unordered(
        self, fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]]
    ) -> Iterator[tuple[int, Any]]:
        """Run ``fn(*args)`` for each argument tuple; yield ``(position, result)`` as each
        finishes. A failure outside ``fn`` is yielded as a :class:`TaskError`."""

    def close(self) -> None:  # noqa: B027 - optional: a serial backend holds nothing
        """Release workers and connections."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialBackend(Backend):
    """Tasks one after another in this process."""

    name = "serial"

    def imap_unordered(
        self, fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]]
    ) -> Iterator[tuple[int, Any]]:
        for i, args in enumerate(tasks):
            yield i, fn(*args)


def _ignore_sigint() -> None:
    # Ctrl-C is the parent's to handle: it stops submitting and shuts the pool down, and
    # workers finish quietly instead of each printing a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class LocalBackend(Backend):
    """A local process pool of ``jobs`` spawned worker processes (started on first use)."""

    name = "local"

    def __init__(self, jobs: int) -> None:
        self.workers = max(1, jobs)
        self._pool: cf.ProcessPoolExecutor | None = None

    def _executor(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_ignore_sigint,
            )
        return self._pool

    def imap_unordered(
        self, fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]]
    ) -> Iterator[tuple[int, Any]]:
        queue = enumerate(tasks)
        pending: dict[cf.Future[Any], int] = {}
        window = 2 * self.workers

        def fill() -> None:
            for i, args in queue:
                try:
                    pending[self._executor().submit(fn, *args)] = i
                except RuntimeError as exc:  # a broken pool refuses new work
                    failed: cf.Future[Any] = cf.Future()
                    failed.set_exception(exc)
                    pending[failed] = i
                if len(pending) >= window:
                    return

        fill()
        try:
            while pending:
                done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for future in sorted(done, key=pending.__getitem__):
                    i = pending.pop(future)
                    try:
                        result = future.result()
                    except Exception as exc:
                        result = TaskError(exc)
                    yield i, result
                fill()
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


CONNECT_TIMEOUT_SECONDS = 20
"""How long to try to reach a Dask scheduler before giving up."""


def _connect_error(address: str | None, exc: Exception) -> StaffsimError:
    """The error to report when a Dask scheduler (or a local cluster) cannot be used."""
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if not address:
        return StaffsimError(f"cannot start a local Dask cluster: {reason}")
    if isinstance(exc, OSError) and "Timed out" in reason:
        return StaffsimError(
            f"cannot reach a Dask scheduler at {address} within {CONNECT_TIMEOUT_SECONDS} "
            "seconds; check the address and that the scheduler is running"
        )
    return StaffsimError(
        f"{address} did not answer as a Dask scheduler ({type(exc).__name__}: {reason}); "
        "check that the address is the scheduler's, not a worker's or a dashboard's"
    )


class DaskBackend(Backend):
    """Tasks on a Dask distributed cluster (a new ``LocalCluster`` without an address)."""

    name = "dask"

    def __init__(self, jobs: int | None = None, address: str | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise UserError(
                'the Dask backend needs Dask distributed: pip install "staffsim[dask]"'
            ) from None
        self._cluster: LocalCluster | None = None
        try:
            if address:
                client = Client(address, timeout=f"{CONNECT_TIMEOUT_SECONDS}s")
            else:
                self._cluster = LocalCluster(
                    n_workers=max(1, jobs or default_jobs()),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                client = Client(self._cluster)
        except Exception as exc:
            self.close()
            raise _connect_error(address, exc) from None
        # set only once connected: close() finds no client after a failed connection
        self._client = client
        threads = sum(self._client.nthreads().values())
        self.workers = max(1, threads)

    def imap_unordered(
        self, fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]]
    ) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed

        queue = enumerate(tasks)
        live: dict[Hashable, tuple[int, Any]] = {}  # future key -> (position, future)
        window = 2 * self.workers
        running = as_completed()

        def submit_next() -> None:
            for i, args in queue:
                future = self._client.submit(fn, *args, pure=False)
                live[future.key] = (i, future)
                running.add(future)
                return

        for _ in range(window):
            submit_next()
        try:
            for future in running:
                i, _ = live.pop(future.key)
                try:
                    result = future.result()
                except Exception as exc:
                    result = TaskError(exc)
                future.release()
                yield i, result
                submit_next()
        finally:
            if live:
                self._client.cancel([f for _, f in live.values()])
            running.clear()

    def close(self) -> None:
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def open_backend(options: RunOptions) -> Backend:
    """The backend ``options`` ask for, with ``options.jobs`` workers.

    ``jobs`` defaults to every core; ``local`` with one job runs serially in this process.
    """
    name = options.backend_name
    if name == "dask":
        return DaskBackend(options.jobs, options.scheduler)
    if name == "serial":
        return SerialBackend()
    n = default_jobs() if options.jobs is None else options.jobs
    return SerialBackend() if n == 1 else LocalBackend(n)

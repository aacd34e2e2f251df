"""How a set of replications is run: :class:`RunOptions`, checked once, passed everywhere.

The Python API, the experiment functions and the command line all describe a run with the
same frozen object, so a setting has one name, one type and one rule wherever it is read:

``replications``
    replications per scenario, 1 to :data:`MAX_REPLICATIONS`;
``seed``
    base seed of the random streams (``None``: the scenario's own), at least 0;
``jobs``
    worker processes, or Dask workers of a local cluster (``None``: every core);
``backend``
    ``"local"`` (a process pool; one job runs serially), ``"dask"``, or ``"serial"``;
    ``None`` means ``local``, or ``dask`` when a ``scheduler`` is given;
``scheduler``
    address of a Dask scheduler, such as ``tcp://10.0.0.5:8786``;
``progress``
    a :class:`~staffsim.experiment.progress.ProgressCallback`, or ``None``;
``out_dir``
    the output folder (``None``: results stay in memory);
``resume``
    complete an earlier, interrupted run in ``out_dir`` (keeping what it finished);
``overwrite``
    replace an earlier run's results in ``out_dir``;
``notify``
    called with a sentence for each thing the user should know that is not an error (a
    stale claim taken over, damaged replications redone); ``None`` issues them as
    :class:`~staffsim.errors.StaffsimWarning` warnings.

Bad values raise :class:`~staffsim.errors.UserError` naming the setting, when the options
are made, before anything runs.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from staffsim.errors import ParameterError, StaffsimWarning, UserError
from staffsim.experiment.progress import ProgressCallback

__all__ = [
    "BACKENDS",
    "DEFAULT_REPLICATIONS",
    "MAX_REPLICATIONS",
    "SCHEDULER_SCHEMES",
    "RunOptions",
    "check_scheduler_address",
]

DEFAULT_REPLICATIONS = 10
"""Replications per scenario when none are asked for."""

MAX_REPLICATIONS = 100_000
"""The most replications one run may ask for (a larger number is almost certainly a typo,
and would take days)."""

BACKENDS = ("local", "dask")
"""Backend names a user can choose (``local`` with one job runs serially)."""

_ALL_BACKENDS = ("serial", *BACKENDS)

SCHEDULER_SCHEMES = ("tcp", "tls", "inproc", "ucx", "ws", "wss")
"""Address schemes Dask's communication layer knows."""

_ADDRESS = re.compile(
    r"^(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<host>\[[^\]]*\]|[^:/\s]+)(?::(?P<port>[^/\s]*))?/?$"
)


def check_scheduler_address(address: str) -> str:
    """``address`` if it is a Dask scheduler address (``scheme://host:port``); else a
    :class:`UserError` saying what is wrong with it."""
    example = "such as tcp://10.0.0.5:8786"
    match = _ADDRESS.match(address.strip())
    if match is None:
        raise UserError(f"scheduler address {address!r} is not SCHEME://HOST:PORT, {example}")
    scheme, port = match["scheme"], match["port"]
    if scheme not in SCHEDULER_SCHEMES:
        raise UserError(
            f"scheduler address {address!r}: unknown scheme {scheme!r}; "
            f"use one of {', '.join(SCHEDULER_SCHEMES)}, {example}"
        )
    if scheme != "inproc":
        if not port:
            raise UserError(f"scheduler address {address!r} has no port, {example}")
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise UserError(
                f"scheduler address {address!r}: port {port!r} is not a number from 1 to 65535"
            )
    return address.strip()


def _whole(name: str, value: Any, lowest: int, highest: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(name, f"must be a whole number, not {value!r}")
    if value < lowest:
        raise ParameterError(name, f"must be at least {lowest}, got {value}")
    if highest is not None and value > highest:
        raise ParameterError(name, f"must be at most {highest:,}, got {value:,}")


@dataclass(frozen=True)
class RunOptions:
    """How to run replications: how many, with which seed, where, and where to save them.

    Frozen and checked when made; derive a variant with :meth:`replace` or
    :meth:`inside`.
    """

    replications: int = DEFAULT_REPLICATIONS
    seed: int | None = None
    jobs: int | None = None
    backend: str | None = None
    scheduler: str | None = None
    progress: ProgressCallback | None = None
    out_dir: Path | None = None
    resume: bool = False
    overwrite: bool = False
    notify: Callable[[str], None] | None = None

    def __post_init__(self) -> None:
        _whole("replications", self.replications, 1, MAX_REPLICATIONS)
        if self.seed is not None:
            _whole("seed", self.seed, 0)
        if self.jobs is not None:
            _whole("jobs", self.jobs, 1)
        if self.backend not in (None, *_ALL_BACKENDS):
            raise UserError(
                f"unknown backend {self.backend!r}; choose one of: {', '.join(BACKENDS)}"
            )
        if self.scheduler is not None:
            if self.backend not in (None, "dask"):
                raise UserError(f"a scheduler address needs the dask backend, not {self.backend!r}")
            object.__setattr__(self, "scheduler", check_scheduler_address(self.scheduler))
        if self.out_dir is not None and not isinstance(self.out_dir, Path):
            object.__setattr__(self, "out_dir", Path(self.out_dir))
        if self.resume and self.overwrite:
            raise UserError("choose resume or overwrite, not both")
        if self.resume and self.out_dir is None:
            raise UserError("resuming needs the output folder of the interrupted run")

    @property
    def backend_name(self) -> str:
        """The backend that will run: ``backend``, or ``dask`` with a scheduler, else
        ``local``."""
        if self.backend is not None:
            return self.backend
        return "dask" if self.scheduler else "local"

    def replace(self, **changes: Any) -> RunOptions:
        """A copy with ``changes`` (checked like a new one)."""
        return dataclasses.replace(self, **changes)

    def inside(self, subfolder: str) -> RunOptions:
        """The same options writing to ``out_dir / subfolder`` (no folder stays no folder)."""
        if self.out_dir is None:
            return self
        return self.replace(out_dir=self.out_dir / subfolder)

    def tell(self, message: str) -> None:
        """Pass ``message`` to :attr:`notify`, or issue it as a :class:`StaffsimWarning`."""
        if self.notify is not None:
            self.notify(message)
        else:
            warnings.warn(message, StaffsimWarning, stacklevel=3)

"""Errors a user can cause and fix; the CLI prints them without a traceback.

``exit_code`` is the command's exit status for that kind of error: 2 for bad input (a
scenario file, an option), 1 for a run that could not complete.

The library speaks to Python callers in Python terms (``replications must be at least 1``);
the command line shows the same error in its own terms (``--replications must be at least
1``) through :meth:`UserError.for_command_line`.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "DamagedResultsError",
    "FolderBusyError",
    "OutputError",
    "ParameterError",
    "StaffsimError",
    "StaffsimWarning",
    "UserError",
]


class StaffsimError(Exception):
    """Base of the errors staffsim reports as a message, not a traceback."""

    exit_code = 1


class UserError(StaffsimError):
    """Bad input: a scenario file, a key path, a value or an option.

    ``command_line`` is the message as the command line should show it, where it differs
    from the Python one by more than the names of parameters (None: the same message).
    """

    exit_code = 2

    def __init__(self, message: str, *, command_line: str | None = None) -> None:
        super().__init__(message)
        self.command_line = command_line

    def for_command_line(self, flags: Mapping[str, str]) -> str:
        """The message in the command line's terms; ``flags`` maps parameter names to
        flags (``{"replications": "--replications"}``)."""
        return self.command_line if self.command_line is not None else str(self)


class StaffsimWarning(UserWarning):
    """Something a user should know that does not stop a run (a stale claim taken over,
    damaged replications redone)."""


class OutputError(StaffsimError):
    """A result file or folder that could not be written: a full disk, a folder without
    write permission, a read-only file system."""


class FolderBusyError(StaffsimError):
    """An output folder claimed by another staffsim run that is still going."""


class DamagedResultsError(StaffsimError):
    """A saved results folder with a file missing, unreadable or not as documented."""


class ParameterError(UserError):
    """A bad value of a named parameter: ``ParameterError("replications", "must be at
    least 1, got 0")`` reads ``replications must be at least 1, got 0``, and on the command
    line ``--replications must be at least 1, got 0``."""

    def __init__(self, parameter: str, problem: str) -> None:
        super().__init__(f"{parameter} {problem}")
        self.parameter = parameter
        self.problem = problem

    def for_command_line(self, flags: Mapping[str, str]) -> str:
        return f"{flags.get(self.parameter, self.parameter)} {self.problem}"

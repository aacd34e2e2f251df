"""Errors a user can cause and fix; the CLI prints them without a traceback.

``exit_code`` is the command's exit status for that kind of error: 2 for bad input (a
scenario file, an option), 1 for a run that could not complete.
"""

from __future__ import annotations

__all__ = [
    "DamagedResultsError",
    "FolderBusyError",
    "OutputError",
    "StaffsimError",
    "StaffsimWarning",
    "UserError",
]


class StaffsimError(Exception):
    """Base of the errors staffsim reports as a message, not a traceback."""

    exit_code = 1


class UserError(StaffsimError):
    """Bad input: a scenario file, a key path, a value or an option."""

    exit_code = 2


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

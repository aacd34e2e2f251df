"""Scenario file versions: files written for an older staffsim are migrated or refused.

Every scenario file may say which format it was written for (``schema_version``); a file
that does not is taken to be written for the current format, :data:`SCHEMA_VERSION`. When
the format changes incompatibly (a key renamed, a unit changed), the version goes up by one
and a step is registered that rewrites a file of the old version as the new one::

    @MIGRATIONS.register(from_version=1)
    def _rename_cap(data: dict) -> dict:
        data = dict(data)
        data["caseload"] = {"cap_per_fte": data["caseload"].pop("cap"), **data["caseload"]}
        return data

A file is migrated one step at a time up to the current version before it is validated, so
old scenarios keep working. A file written for a *newer* staffsim is refused with a
message to upgrade, because its keys may mean things this version does not know.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from staffsim.scenario.errors import Problem, ScenarioError
from staffsim.scenario.schema import SCHEMA_VERSION

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Migrations", "migrate"]

Step = Callable[[dict[str, Any]], dict[str, Any]]


class Migrations:
    """The steps that carry a scenario file from each old version to the next.

    ``current`` is the version this staffsim reads; ``unsupported`` maps old versions that
    cannot be migrated to the reason given to the user.
    """

    def __init__(self, current: int, unsupported: Mapping[int, str] | None = None) -> None:
        self.current = current
        self.unsupported = dict(unsupported or {})
        self._steps: dict[int, Step] = {}

    def register(self, from_version: int) -> Callable[[Step], Step]:
        """Decorator: ``fn`` rewrites a version ``from_version`` file as ``from_version + 1``."""
        if not 0 <= from_version < self.current:
            raise ValueError(
                f"a migration starts from an old version (0 to {self.current - 1}), "
                f"not {from_version}"
            )
        if from_version in self._steps:
            raise ValueError(f"a migration from version {from_version} is already registered")

        def decorator(fn: Step) -> Step:
            self._steps[from_version] = fn
            return fn

        return decorator

    def apply(self, data: Mapping[str, Any], source: str | None = None) -> dict[str, Any]:
        """``data`` rewritten for the current version (a new dict; ``data`` is unchanged).

        Raises :class:`ScenarioError` naming ``source`` for a version that is newer than
        this staffsim, unsupported, not a whole number, or has no migration step.
        """
        out = dict(data)
        version = out.get("schema_version", self.current)

        def refuse(expected: str, suggestion: str | None = None) -> ScenarioError:
            problem = Problem(source, "schema_version", expected, version, suggestion)
            return ScenarioError([problem], source)

        if isinstance(version, bool) or not isinstance(version, int) or version < 0:
            raise refuse(f"a whole number from 1 to {self.current}")
        if version > self.current:
            readable = "1" if self.current == 1 else f"1 to {self.current}"
            raise refuse(
                f"a version this staffsim reads ({readable}); the file was written for a "
                "newer staffsim",
                "upgrade staffsim to read it",
            )
        while version < self.current:
            if version in self.unsupported:
                raise refuse(self.unsupported[version])
            step = self._steps.get(version)
            if step is None:
                raise refuse(
                    f"a version from which this staffsim can migrate; there is no migration "
                    f"from version {version} to {version + 1}"
                )
            out = dict(step(dict(out)))
            version += 1
            out["schema_version"] = version
        out["schema_version"] = self.current
        return out


MIGRATIONS = Migrations(
    SCHEMA_VERSION,
    unsupported={
        0: "version 1 or later: version 0 files come from pre-release staffsim, whose "
        "format is not supported; rewrite the file using docs/scenario-reference.md",
    },
)
"""The registry this staffsim uses; steps are registered below as the format changes."""

# Steps from old versions are registered here, oldest first.

_OLD_CAP = "cap_per_fte"


@MIGRATIONS.register(from_version=1)
def _cap_to_target_and_ceiling(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1's ``caseload.cap_per_fte`` was a hard cap: a case waited when allocating it
    would take every holder over it. Version 2 splits it into a target that allocation
    works to and an optional hard ceiling, so a stated cap becomes both, which keeps the
    file's meaning; the same holds for a policy that set the cap. A file that left the
    cap at its default now has a flexing target of the same size and no ceiling."""
    caseload = data.get("caseload")
    if isinstance(caseload, dict) and _OLD_CAP in caseload:
        rest = {k: v for k, v in caseload.items() if k != _OLD_CAP}
        cap = caseload[_OLD_CAP]
        data["caseload"] = {"target_per_fte": cap, "ceiling_per_fte": cap, **rest}
    policies = data.get("policies")
    if isinstance(policies, list):
        data["policies"] = [_policy_without_cap(policy) for policy in policies]
    return data


def _policy_without_cap(policy: Any) -> Any:
    changes = policy.get("set") if isinstance(policy, dict) else None
    key = f"caseload.{_OLD_CAP}"
    if not isinstance(changes, dict) or key not in changes:
        return policy
    rewritten: dict[str, Any] = {}
    for path, value in changes.items():
        if path == key:
            rewritten["caseload.target_per_fte"] = value
            rewritten["caseload.ceiling_per_fte"] = value
        else:
            rewritten[path] = value
    return {**policy, "set": rewritten}


def migrate(data: Mapping[str, Any], source: str | None = None) -> dict[str, Any]:
    """``data`` (one file's mapping) rewritten for the current scenario format."""
    return MIGRATIONS.apply(data, source)

"""Dotted key paths: reading and setting nested scenario values (``caseload.target_per_fte``)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

__all__ = ["delete_path", "get_path", "set_path", "split_path"]


def split_path(path: str) -> list[str]:
    """``"demand.case_types.child_in_need.share"`` -> its keys; empty parts are refused."""
    parts = path.split(".")
    if not path or any(not p for p in parts):
        raise ValueError(f"{path!r} is not a dotted key path such as 'caseload.target_per_fte'")
    return parts


def get_path(data: Any, path: str) -> Any:
    """The value at ``path`` in nested mappings, or raise ``KeyError`` naming the missing key."""
    node = data
    for key in split_path(path):
        if not isinstance(node, dict) or key not in node:
            raise KeyError(key)
        node = node[key]
    return node


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with ``path`` set to ``value`` (intermediate mappings created).

    The value replaces whatever was at ``path``, a whole mapping included, so
    ``set_path(d, "recruitment.campaign_days", {"dist": "fixed", "days": 30})`` replaces the
    distribution; set a section's fields one path each to keep its other fields.
    """
    out = copy.deepcopy(data)
    keys = split_path(path)
    node = out
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[keys[-1]] = copy.deepcopy(value)
    return out


def delete_path(data: dict[str, Any], loc: Sequence[Any]) -> dict[str, Any]:
    """A copy of ``data`` without the key at ``loc`` (a tuple of mapping keys), sharing
    what it does not change; ``data`` itself if there is no such key."""
    if not loc or not isinstance(data, dict) or loc[0] not in data:
        return data
    out = dict(data)
    if len(loc) == 1:
        del out[loc[0]]
        return out
    child = out[loc[0]]
    if not isinstance(child, dict):
        return data
    out[loc[0]] = delete_path(child, loc[1:])
    return out

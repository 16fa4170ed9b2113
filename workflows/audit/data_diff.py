"""A small structural diff of JSON values, addressed by JSON pointers (RFC 6901)."""

from __future__ import annotations

from typing import Any

_MISSING = object()


def json_diff(before: Any, after: Any, path: str = "") -> list[dict[str, Any]]:
    """Changes that turn ``before`` into ``after``: ``{op, path, from?, to?}``, in key order.

    Objects are compared key by key and lists index by index, so a change deep inside a form
    shows as that one field, not as the whole document replaced.
    """
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[dict[str, Any]] = []
        for key in sorted(set(before) | set(after), key=str):
            changes += _member(before.get(key, _MISSING), after.get(key, _MISSING),
                               f"{path}/{_escape(str(key))}")
        return changes
    if isinstance(before, list) and isinstance(after, list):
        changes = []
        for index in range(max(len(before), len(after))):
            changes += _member(before[index] if index < len(before) else _MISSING,
                               after[index] if index < len(after) else _MISSING,
                               f"{path}/{index}")
        return changes
    if _same(before, after):
        return []
    return [{"op": "changed", "path": path or "/", "from": before, "to": after}]


def _member(before: Any, after: Any, path: str) -> list[dict[str, Any]]:
    if before is _MISSING:
        return [{"op": "added", "path": path, "to": after}]
    if after is _MISSING:
        return [{"op": "removed", "path": path, "from": before}]
    return json_diff(before, after, path)


def _same(before: Any, after: Any) -> bool:
    # 1 == True in Python; JSON tells them apart, so must we.
    return (type(before) is type(after) and before == after) or (
        isinstance(before, int | float) and isinstance(after, int | float)
        and not isinstance(before, bool) and not isinstance(after, bool) and before == after)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")

"""The data diff auditors read: field-level changes addressed by JSON pointers."""

from __future__ import annotations

from workflows.audit.data_diff import json_diff


def test_added_removed_and_changed_fields_deep_inside() -> None:
    before = {"days": 1, "review": {"ok": None, "notes": ["a"]}, "gone": "x"}
    after = {"days": 1, "review": {"ok": True, "notes": ["a", "b"]}, "new/key": 2}
    assert json_diff(before, after) == [
        {"op": "removed", "path": "/gone", "from": "x"},
        {"op": "added", "path": "/new~1key", "to": 2},
        {"op": "added", "path": "/review/notes/1", "to": "b"},
        {"op": "changed", "path": "/review/ok", "from": None, "to": True},
    ]


def test_json_types_are_told_apart_but_equal_numbers_are_not_changes() -> None:
    assert json_diff({"a": 1}, {"a": True}) == [
        {"op": "changed", "path": "/a", "from": 1, "to": True}]
    assert json_diff({"a": 1}, {"a": 1.0}) == []
    assert json_diff("x", "x") == []
    assert json_diff([1], {"0": 1}) == [{"op": "changed", "path": "/", "from": [1],
                                         "to": {"0": 1}}]

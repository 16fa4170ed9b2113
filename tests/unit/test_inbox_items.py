"""The inbox's direct serializer must dump exactly what ``TaskListItemSchema`` documents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from api.schemas.tasks import TaskListItemSchema, inbox_items
from workflows.core.clock import FrozenClock, system_clock
from workflows.core.runtime import Runtime

NOW = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


class Row:
    """Stands in for an ``sa.Row``: attributes for the schema, ``_mapping`` for the fast path."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)
        self._mapping = values


def _row(**changes: Any) -> Row:
    values: dict[str, Any] = {
        "id": 7, "instance_id": 3, "task_name": "Activity_teacher", "title": "班主任审批",
        "process_id": "leave_approval", "business_key": "LV-110101199003071234",
        "candidate_group": "class_teacher", "assignee_id": None, "status": "ready",
        "form_ref": "leave/teacher", "due_at": NOW - timedelta(hours=1),
        "created_at": NOW - timedelta(days=1), "claimed_at": None, "completed_at": None,
        "completed_by": None, "spiff_task_id": "abc", "lane": None,
    }
    values.update(changes)
    return Row(**values)


@pytest.mark.parametrize("changes", [
    {},
    {"due_at": None},
    {"due_at": NOW + timedelta(hours=1)},
    {"status": "claimed", "assignee_id": 4, "claimed_at": NOW - timedelta(minutes=5),
     "business_key": "mobile 13812345678"},
    {"status": "completed", "completed_at": NOW, "completed_by": 4, "business_key": "plain"},
])
def test_inbox_items_match_the_documented_schema(changes: dict[str, Any], app: Flask,
                                                 runtime: Runtime) -> None:
    row = _row(**changes)
    runtime.clock = FrozenClock(NOW)  # the schema's "overdue" reads the app's clock
    try:
        with app.app_context():
            expected = TaskListItemSchema().dump(row)
    finally:
        runtime.clock = system_clock
    assert inbox_items([row], NOW) == [expected]


def test_inbox_items_mask_the_business_key_and_flag_overdue_tasks() -> None:
    [item] = inbox_items([_row()], NOW)
    assert item["business_key"] == "LV-1101**********1234"
    assert item["overdue"] is True
    assert item["due_at"] == (NOW - timedelta(hours=1)).isoformat()

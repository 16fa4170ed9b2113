"""The summary of each task: the facts its diagram declares (``summaryFields``), read from its
case, so the person deciding sees who asks and what without opening the case."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import ProcessInstance, User
from workflows.definitions import spec_cache
from workflows.engine import APPLICANT, APPLICANT_CLASS, summary_value

SummaryItem = dict[str, str]


def task_summaries(session: Session, tasks: Iterable[Any]) -> dict[int, list[SummaryItem]]:
    """``{task id: [{"label", "value"}, ...]}`` for tasks (rows or objects with ``id``,
    ``instance_id``, ``definition_id``, ``task_name``) whose step declares summary fields.
    Two queries at most, whatever the number of tasks."""
    declared: dict[int, tuple[int, list[dict[str, Any]]]] = {}
    steps: dict[tuple[int, str], Any] = {}  # a page's tasks are mostly of a few steps
    for task in tasks:
        step = (task.definition_id, task.task_name)
        if step not in steps:
            steps[step] = spec_cache.get_by_id(session, task.definition_id).task_meta.get(
                task.task_name, {}).get("summary")
        fields = steps[step]
        if fields:
            declared[task.id] = (task.instance_id, fields)
    if not declared:
        return {}
    instance_ids = {instance_id for instance_id, _ in declared.values()}
    cases = {row.id: row for row in session.execute(
        sa.select(ProcessInstance.id, ProcessInstance.data, ProcessInstance.started_by)
        .where(ProcessInstance.id.in_(instance_ids)))}
    people: dict[int, Any] = {}
    if any(field["field"].startswith("@") for _, fields in declared.values() for field in fields):
        starters = {row.started_by for row in cases.values() if row.started_by is not None}
        if starters:
            people = {row.id: row for row in session.execute(
                sa.select(User.id, User.display_name, User.class_name)
                .where(User.id.in_(starters)))}
    result: dict[int, list[SummaryItem]] = {}
    for task_id, (instance_id, fields) in declared.items():
        case = cases.get(instance_id)
        if case is None:
            continue
        person = people.get(case.started_by) if case.started_by is not None else None
        items = []
        for field in fields:
            value = _raw(field["field"], case.data or {}, person)
            shown = summary_value(value, field.get("options") or {})
            if shown is not None:
                items.append({"label": field["label"], "value": shown})
        result[task_id] = items
    return result


def _raw(path: str, data: dict[str, Any], person: Any) -> Any:
    if path == APPLICANT:
        return person.display_name if person is not None else None
    if path == APPLICANT_CLASS:
        return person.class_name if person is not None else None
    node: Any = data
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node

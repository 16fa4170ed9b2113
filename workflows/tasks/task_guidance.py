"""What the person doing a task must see first: why it came back and by when, and the answers
already given.

A task sent back (退回, ``sent_back`` in the data) shows who sent it and why; a task whose
diagram names a ``reasonField`` (e.g. 补正: the reviewer's ``eligibility_comment``) shows that
field. The deadline is the task's due time or the boundary timer that would end it (the
补正 period). A task of the applicant's own lane starts from what they submitted: its form's
fields are filled from the case data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import ProcessInstance, Timer
from models.statuses import OPEN_TIMER_STATUSES
from workflows.core.actors import Actor
from workflows.definitions import spec_cache
from workflows.instances.run_store import INITIATOR_GROUP
from workflows.tasks.actions import get_task


@dataclass(frozen=True)
class TaskGuidance:
    reason_label: str | None = None
    reason: str | None = None
    deadline: datetime | None = None
    prefill: dict[str, Any] = field(default_factory=dict)


def task_guidance(session: Session, task_id: int, *, actor: Actor) -> TaskGuidance:
    """Reason, deadline and prefilled answers of a task the actor may see."""
    task = get_task(session, task_id, actor=actor)
    instance = session.get(ProcessInstance, task.instance_id)
    data: dict[str, Any] = dict(instance.data or {}) if instance else {}
    definition = spec_cache.get_by_id(session, task.definition_id)
    meta = (definition.task_meta or {}).get(task.task_name, {})
    label = reason = None
    sent_back = data.get("sent_back")
    if isinstance(sent_back, dict) and sent_back.get("reason"):
        label = f"{sent_back.get('by') or '办理人'}退回的理由"
        reason = str(sent_back["reason"])
    elif meta.get("reason_field") and data.get(meta["reason_field"]):
        label = "审核意见"
        reason = str(data[meta["reason_field"]])
    deadline = task.due_at or session.scalar(
        sa.select(sa.func.min(Timer.due_at)).where(
            Timer.instance_id == task.instance_id, Timer.attached_to == task.task_name,
            Timer.interrupting.is_(True), Timer.status.in_(OPEN_TIMER_STATUSES)))
    prefill: dict[str, Any] = {}
    if task.candidate_group == INITIATOR_GROUP:
        schema = definition.form_schema(task.form_ref) or {}
        fields = (schema.get("properties") or {}) if isinstance(schema, dict) else {}
        prefill = {name: data[name] for name in fields if name in data}
    return TaskGuidance(label, reason, deadline, prefill)

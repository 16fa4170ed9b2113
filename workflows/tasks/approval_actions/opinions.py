"""加签: before deciding, the holder of a task asks another person's opinion.

The request is a sub-task of that person: it is in their list (``my_opinion_requests``) until
they answer, and the decider sees every question and answer on the task (``task_opinions``);
deciding stays the holder's call, so a request still open only shows as pending. Requests
and answers are events of the instance's history (``opinion_requested``,
``opinion_given``), linked by the request's seq.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask, Notification, ProcessEvent, ProcessInstance
from models.statuses import OPEN_TASK_STATUSES
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, InvalidInput, NotFound
from workflows.core.history import EventKind
from workflows.core.unit_of_work import UnitOfWork
from workflows.instances.control import ensure_not_suspended
from workflows.tasks.actions import get_task, lock_task
from workflows.tasks.approval_actions.common import (
    clean_text,
    display_name,
    events_of,
    notify,
    person,
    require_action,
    require_holder,
)

KINDS = (EventKind.OPINION_REQUESTED, EventKind.OPINION_GIVEN)


@dataclass(frozen=True)
class Opinion:
    """One request for an opinion and, once given, its answer."""

    instance_id: int
    request_seq: int
    task_id: int
    task_title: str
    business_key: str
    asked_by: str
    asked_at: datetime
    to_user_id: int
    to: str
    question: str
    answer: str | None
    answered_at: datetime | None


def request_opinion(task_id: int, *, to_username: str, question: str | None, actor: Actor,
                    uow: UnitOfWork) -> Opinion:
    """Ask a person's opinion on my claimed task (the diagram must allow ``consult``)."""
    with uow:
        task, instance = lock_task(uow, task_id, actor)
        ensure_not_suspended(instance)
        require_holder(task, actor)
        require_action(uow.session, task, "consult")
        text = clean_text(question, "征求意见的问题")
        adviser = person(uow.session, to_username, field="加签对象")
        if adviser.id == actor.id:
            raise InvalidInput("不能向自己征求意见")
        if adviser.role == "applicant" or adviser.is_auditor:
            raise InvalidInput(f"{adviser.display_name}不能参与审批，请选择教职工")
        now = uow.runtime.now()
        uow.record(EventKind.OPINION_REQUESTED, instance, actor_id=actor.id,
                   task_name=task.task_name, payload={
                       "task_id": task.id, "to_user_id": adviser.id, "to": adviser.display_name,
                       "question": text})
        seq = instance.last_event_seq
        notify(uow, instance, user_id=adviser.id, kind="consult", task_name=task.task_name,
               subject=f"{actor.display_name}就“{task.title}”（{instance.business_key}）"
                       "征求您的意见", body=text)
        uow.commit(keep_loaded=True)
        return Opinion(instance.id, seq, task.id, task.title, instance.business_key,
                       actor.display_name, now, adviser.id, adviser.display_name, text, None,
                       None)


def give_opinion(instance_id: int, request_seq: int, *, answer: str | None, actor: Actor,
                 uow: UnitOfWork) -> Opinion:
    """Answer a request for my opinion, once; the decider sees it on the task."""
    with uow:
        instance = uow.lock_instance(instance_id)
        opinions = _opinions(uow.session, instance)
        found = next((o for o in opinions if o.request_seq == request_seq
                      and o.to_user_id == actor.id), None)
        if found is None:
            raise NotFound(f"没有找到向您征求意见的请求 {request_seq}")
        if found.answer is not None:
            raise Conflict("您已经回复过这条征求意见")
        text = clean_text(answer, "意见")
        task = uow.session.get(HumanTask, found.task_id)
        uow.record(EventKind.OPINION_GIVEN, instance, actor_id=actor.id,
                   task_name=task.task_name if task else None,
                   payload={"request_seq": request_seq, "task_id": found.task_id,
                            "answer": text})
        if task is not None and task.status in OPEN_TASK_STATUSES and task.assignee_id:
            notify(uow, instance, user_id=task.assignee_id, kind="info",
                   task_name=task.task_name,
                   subject=f"{actor.display_name}回复了关于“{task.title}”的征求意见",
                   body=text)
        now = uow.runtime.now()
        uow.commit()
        return Opinion(found.instance_id, found.request_seq, found.task_id, found.task_title,
                       found.business_key, found.asked_by, found.asked_at, found.to_user_id,
                       found.to, found.question, text, now)


def task_opinions(session: Session, task_id: int, *, actor: Actor) -> list[Opinion]:
    """The opinions asked on a task the actor may see, with their answers."""
    task = get_task(session, task_id, actor=actor)
    instance = session.get(ProcessInstance, task.instance_id)
    assert instance is not None
    return [o for o in _opinions(session, instance) if o.task_id == task.id]


def my_opinion_requests(session: Session, *, actor: Actor, open_only: bool = True
                        ) -> list[Opinion]:
    """Requests for my opinion (the sub-tasks of 加签), oldest first."""
    instance_ids = session.scalars(sa.select(Notification.instance_id).where(
        Notification.recipient_user_id == actor.id, Notification.kind == "consult")
        .distinct())
    found: list[Opinion] = []
    for instance_id in sorted(i for i in instance_ids if i is not None):
        instance = session.get(ProcessInstance, instance_id)
        if instance is None:
            continue
        found += [o for o in _opinions(session, instance) if o.to_user_id == actor.id
                  and (o.answer is None or not open_only)]
    return found


def _opinions(session: Session, instance: ProcessInstance) -> list[Opinion]:
    events: list[ProcessEvent] = events_of(session, instance.id, KINDS)
    answers = {int(e.payload.get("request_seq", 0)): e for e in events
               if e.kind == EventKind.OPINION_GIVEN}
    titles = {row.id: row.title for row in session.execute(
        sa.select(HumanTask.id, HumanTask.title).where(HumanTask.instance_id == instance.id))}
    opinions = []
    for event in events:
        if event.kind != EventKind.OPINION_REQUESTED:
            continue
        payload = event.payload or {}
        answer = answers.get(event.seq)
        opinions.append(Opinion(
            instance.id, event.seq, int(payload.get("task_id", 0)),
            titles.get(int(payload.get("task_id", 0)), event.task_name or ""),
            instance.business_key, display_name(session, event.actor_id), event.at,
            int(payload.get("to_user_id", 0)), str(payload.get("to", "")),
            str(payload.get("question", "")),
            str(answer.payload.get("answer")) if answer is not None else None,
            answer.at if answer is not None else None))
    return opinions

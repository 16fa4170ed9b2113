"""What the people of a case do besides deciding: 撤回 (withdraw), 催办 (remind), 抄送 (copy)
and comments. Each is one transaction that appends its event to the instance's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask, ProcessEvent, ProcessInstance
from models.statuses import OPEN_TASK_STATUSES, InstanceStatus, TaskStatus
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from workflows.core.history import EventKind
from workflows.core.unit_of_work import UnitOfWork
from workflows.core.working_days import WorkCalendar, local_zone
from workflows.definitions import spec_cache
from workflows.engine import Run
from workflows.instances.control import close_open_rows
from workflows.instances.lifecycle import InstanceView, view_of
from workflows.tasks.approval_actions.common import (
    clean_text,
    display_name,
    events_of,
    may_take_part,
    notify,
    person,
    require_action,
    visible_instance,
)

ACTED = (EventKind.TASK_CLAIMED, EventKind.TASK_COMPLETED, EventKind.TASK_TRANSFERRED,
         EventKind.TASK_SENT_BACK, EventKind.OPINION_REQUESTED)
MAX_COPIES = 20


def _own_running_case(uow: UnitOfWork, instance_id: int, actor: Actor,
                      verb: str) -> ProcessInstance:
    instance = uow.lock_instance(instance_id)
    if instance.started_by != actor.id:
        if not may_take_part(uow.session, instance, actor):
            raise NotFound(f"案件 {instance_id} 不存在")
        raise NotAllowed(f"只有申请人本人可以{verb}")
    if instance.status not in (InstanceStatus.RUNNING, InstanceStatus.INCIDENT):
        raise Conflict(f"案件已{_status_words(instance.status)}，不能再{verb}")
    return instance


def withdraw_case(instance_id: int, *, reason: str | None, actor: Actor,
                  uow: UnitOfWork) -> InstanceView:
    """撤回: the applicant takes the case back while nobody but them has acted on it.

    The engine cancels the workflow (SpiffWorkflow's ``cancel``) and the instance ends as
    ``withdrawn``; its open tasks and waits are closed."""
    with uow:
        instance = _own_running_case(uow, instance_id, actor, "撤回")
        acted = uow.session.scalar(sa.select(ProcessEvent.id).where(
            ProcessEvent.instance_id == instance.id, ProcessEvent.kind.in_(ACTED),
            ProcessEvent.actor_id.is_not(None), ProcessEvent.actor_id != actor.id).limit(1))
        if acted is not None:
            raise Conflict("已有人办理了这份申请，不能再撤回；如需更改请联系办理人")
        why = clean_text(reason, "撤回原因", required=False)
        definition = spec_cache.get_by_id(uow.session, instance.definition_id)
        run = Run.resume(instance.state, definition.spec, definition.subprocess_specs,
                         context=uow.runtime.run_context())
        run.cancel()
        now = uow.runtime.now()
        uow.record(EventKind.INSTANCE_WITHDRAWN, instance, actor_id=actor.id,
                   payload={"reason": why, "previous_status": instance.status})
        result = run.result()
        instance.state, instance.serializer_version = result.state, result.serializer_version
        instance.data = result.data
        instance.status, instance.ended_at = InstanceStatus.WITHDRAWN, now
        close_open_rows(uow, instance, actor_id=actor.id, now=now)
        uow.commit()
        return view_of(uow.session, instance)


def remind_case(instance_id: int, *, actor: Actor, uow: UnitOfWork) -> list[HumanTask]:
    """催办: the applicant reminds whoever holds the case's open steps, at most once per
    working day (a day of the school's calendar in its time zone)."""
    with uow:
        instance = _own_running_case(uow, instance_id, actor, "催办")
        tasks = [t for t in uow.session.scalars(sa.select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.status.in_(OPEN_TASK_STATUSES))
            .order_by(HumanTask.id)) if t.candidate_group != "applicant"]
        if not tasks:
            raise Conflict("当前没有等待他人办理的步骤，无需催办")
        calendar = uow.runtime.calendar
        now = uow.runtime.now()
        today = now.astimezone(local_zone(calendar)).date()
        last = uow.session.scalar(sa.select(sa.func.max(ProcessEvent.at)).where(
            ProcessEvent.instance_id == instance.id,
            ProcessEvent.kind == EventKind.INSTANCE_REMINDED))
        if last is not None and _same_working_day(last, now, calendar):
            raise Conflict("今天已经催办过了，每个工作日最多催办一次")
        for task in tasks:
            notify(uow, instance, user_id=task.assignee_id,
                   group=None if task.assignee_id else task.candidate_group, kind="reminder",
                   task_name=task.task_name,
                   subject=f"{actor.display_name}催办“{task.title}”（{instance.business_key}）")
        uow.record(EventKind.INSTANCE_REMINDED, instance, actor_id=actor.id, payload={
            "task_ids": [t.id for t in tasks], "day": today.isoformat()})
        uow.commit(keep_loaded=True)
        return tasks


def _same_working_day(last: datetime, now: datetime, calendar: WorkCalendar) -> bool:
    """Both fall in one working day: the same local date, or no working day began in
    between (a reminder on Saturday counts for Friday's working day)."""
    zone = local_zone(calendar)
    day, today = last.astimezone(zone).date(), now.astimezone(zone).date()
    while day < today:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            return False
    return True


def copy_case(instance_id: int, *, usernames: list[str], note: str | None, actor: Actor,
              uow: UnitOfWork) -> list[str]:
    """抄送: the holder of an open step that allows it copies the case to people, who may read
    it from then on and get a notification. Returns the names copied to."""
    with uow:
        instance = uow.lock_instance(instance_id)
        holding = [t for t in uow.session.scalars(sa.select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.status == TaskStatus.CLAIMED,
            HumanTask.assignee_id == actor.id))]
        if not holding:
            if not may_take_part(uow.session, instance, actor):
                raise NotFound(f"案件 {instance_id} 不存在")
            raise NotAllowed("只有正在办理本案某一步的人才能抄送")
        require_action(uow.session, holding[0], "copy")
        text = clean_text(note, "抄送说明", required=False)
        names = [n.strip() for n in usernames if n and n.strip()]
        if not names:
            raise InvalidInput("请选择抄送对象")
        if len(names) > MAX_COPIES:
            raise InvalidInput(f"一次最多抄送 {MAX_COPIES} 人")
        people = [person(uow.session, name, field="抄送对象") for name in dict.fromkeys(names)]
        for someone in people:
            notify(uow, instance, user_id=someone.id, kind="copy",
                   subject=f"{actor.display_name}抄送给您：{instance.business_key}", body=text)
        uow.record(EventKind.INSTANCE_COPIED, instance, actor_id=actor.id,
                   task_name=holding[0].task_name, payload={
                       "to_user_ids": [p.id for p in people],
                       "to": [p.display_name for p in people], "note": text})
        uow.commit()
        return [p.display_name for p in people]


@dataclass(frozen=True)
class Comment:
    seq: int
    at: datetime
    author_id: int | None
    author: str
    text: str
    task_name: str | None


def comment_on_case(instance_id: int, *, text: str | None, actor: Actor,
                    uow: UnitOfWork) -> Comment:
    """A comment on a case, for everyone taking part in it; the applicant is notified."""
    with uow:
        instance = uow.lock_instance(instance_id)
        if not may_take_part(uow.session, instance, actor):
            raise NotFound(f"案件 {instance_id} 不存在")
        if actor.is_auditor:
            raise NotAllowed("审计员只能查看，不能评论")
        body = clean_text(text, "评论内容")
        task = uow.session.scalar(sa.select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.assignee_id == actor.id,
            HumanTask.status.in_(OPEN_TASK_STATUSES)).limit(1))
        if task is not None:
            require_action(uow.session, task, "comment")
        uow.record(EventKind.CASE_COMMENTED, instance, actor_id=actor.id,
                   task_name=task.task_name if task else None, payload={"text": body})
        if instance.started_by is not None and instance.started_by != actor.id:
            notify(uow, instance, user_id=instance.started_by, kind="info",
                   subject=f"{actor.display_name}评论了您的申请 {instance.business_key}",
                   body=body)
        seq = instance.last_event_seq
        uow.commit()
        return Comment(seq, uow.runtime.now(), actor.id, actor.display_name, body,
                       task.task_name if task else None)


def list_comments(session: Session, instance_id: int, *, actor: Actor) -> list[Comment]:
    """The comments on a case, oldest first, for its participants."""
    visible_instance(session, instance_id, actor)
    return [Comment(e.seq, e.at, e.actor_id, display_name(session, e.actor_id),
                    str((e.payload or {}).get("text", "")), e.task_name)
            for e in events_of(session, instance_id, (EventKind.CASE_COMMENTED,))]


def _status_words(status: str) -> str:
    return {InstanceStatus.COMPLETED: "办结", InstanceStatus.FAILED: "出错停止",
            InstanceStatus.CANCELLED: "终止", InstanceStatus.WITHDRAWN: "撤回",
            InstanceStatus.SUSPENDED: "暂停"}.get(InstanceStatus(status), status)

"""公示: the public list of results under notice, and objections anyone may raise.

A passed and approved case waits in its notice (``notice_ended`` timer against the message
``cert_objection``). The public list shows those cases of a plan with the name masked (刘*),
occupation, level, result and the notice's end. An objection, by a signed-in user or by name
and contact on the public page, is stored with who raised it (shown to the 质量监督小组 only)
and reaches the case: it opens the 异议处理 task of the quality-supervision group, or, while
that task is already open, is added to it. What reaches the case carries the reason and the
objection's number only, so the candidate, who reads their case, never learns the objector.
After the notice's end an objection is refused with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask, MessageSubscription, NoticeObjection, ProcessInstance, Timer, User
from models.statuses import (
    OPEN_TASK_STATUSES,
    OPEN_TIMER_STATUSES,
    InstanceStatus,
    SubscriptionStatus,
    TimerStatus,
)
from workflows.automation.messages import deliver_unattributed
from workflows.certification.plans import BEIJING, latest_plan
from workflows.certification.register import LEVEL_NAMES
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory import scope

PROCESS = "certification_application"
NOTICE_TIMER = "notice_ended"
OBJECTION_MESSAGE = "cert_objection"
HANDLING_TASK = "handle_objection"
SUPERVISORS = "quality_supervisor"


class ObjectionRefused(Conflict):
    title = "异议不予受理"


@dataclass(frozen=True)
class NoticeEntry:
    business_key: str
    masked_name: str
    occupation: str
    level: int
    level_name: str
    result: str
    notice_ends_at: datetime | None  # None while an objection is being handled
    under_review: bool


@dataclass(frozen=True)
class ObjectionReceipt:
    objection_no: int
    business_key: str
    routing: str
    message: str
    instance_id: int


def mask_name(name: str) -> str:
    """刘洋 -> 刘*, 欧阳明 -> 欧**: the surname's first character only."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1)


def _notice_ends(session: Session, instance_ids: list[int]) -> dict[int, datetime]:
    rows = session.execute(sa.select(Timer.instance_id, Timer.due_at).where(
        Timer.instance_id.in_(instance_ids), Timer.element_id == NOTICE_TIMER,
        Timer.status.in_(OPEN_TIMER_STATUSES)))
    return {instance_id: due for instance_id, due in rows}


def _in_notice(session: Session) -> tuple[set[int], set[int]]:
    """Cases waiting in their notice, and cases whose objection is being handled."""
    waiting = set(session.scalars(sa.select(MessageSubscription.instance_id).where(
        MessageSubscription.message_name == OBJECTION_MESSAGE,
        MessageSubscription.status == SubscriptionStatus.WAITING)))
    handling = set(session.scalars(sa.select(HumanTask.instance_id).where(
        HumanTask.process_id == PROCESS, HumanTask.task_name == HANDLING_TASK,
        HumanTask.status.in_(OPEN_TASK_STATUSES))))
    return waiting, handling


def notice_entries(session: Session, plan_code: str, *, now: datetime) -> list[NoticeEntry]:
    """The plan's results under notice now (public: masked names, no ID numbers, no scores)."""
    if latest_plan(session, plan_code) is None:
        raise NotFound(f"认定计划「{plan_code}」不存在")
    waiting, handling = _in_notice(session)
    ids = sorted(waiting | handling)
    if not ids:
        return []
    instances = session.scalars(sa.select(ProcessInstance).where(
        ProcessInstance.id.in_(ids), ProcessInstance.process_id == PROCESS,
        ProcessInstance.status == InstanceStatus.RUNNING).order_by(ProcessInstance.id))
    ends = _notice_ends(session, ids)
    entries = []
    for instance in instances:
        data: dict[str, Any] = instance.data or {}
        if data.get("plan_code") != plan_code:
            continue
        end = ends.get(instance.id)
        if instance.id not in handling and (end is None or end <= now):
            continue  # the notice is over; the timer fires on the next sweep
        level = int(data.get("level", 0))
        entries.append(NoticeEntry(
            business_key=instance.business_key,
            masked_name=mask_name(str(data.get("applicant_name", ""))),
            occupation=str(data.get("occupation", "")), level=level,
            level_name=LEVEL_NAMES.get(level, ""), result=str(data.get("result", "合格")),
            notice_ends_at=None if instance.id in handling else end,
            under_review=instance.id in handling))
    return entries


def raise_objection(business_key: str, reason: str, *, actor: Actor | None,
                    name: str | None, contact: str | None, uow: UnitOfWork) -> ObjectionReceipt:
    """Record an objection and bring it to the 质量监督小组 as a task; refused with the reason
    when the case is not (or no longer) under notice."""
    if actor is not None and actor.is_auditor:
        raise NotAllowed("审计员只读，不能提出异议")
    if actor is None and not (name and name.strip() and contact and contact.strip()):
        raise InvalidInput("未登录提出异议须填写真实姓名和联系方式")
    with uow:
        instance_id = uow.session.scalar(sa.select(ProcessInstance.id).where(
            ProcessInstance.process_id == PROCESS,
            ProcessInstance.business_key == business_key).order_by(
            ProcessInstance.id.desc()).limit(1))
        if instance_id is None:
            raise NotFound(f"申报编号「{business_key}」不在公示名单中")
        instance = uow.lock_instance(instance_id)
        now = uow.runtime.now()
        handling = uow.session.scalar(sa.select(HumanTask.id).where(
            HumanTask.instance_id == instance.id, HumanTask.task_name == HANDLING_TASK,
            HumanTask.status.in_(OPEN_TASK_STATUSES)).limit(1))
        end = _notice_ends(uow.session, [instance.id]).get(instance.id)
        if handling is None and (end is None or end <= now):
            raise ObjectionRefused(_closed_reason(uow.session, instance.id, end))
        row = NoticeObjection(
            instance_id=instance.id, business_key=business_key, reason=reason.strip(),
            objector_user_id=actor.id if actor else None,
            objector_name=None if actor else (name or "").strip(),
            objector_contact=None if actor else (contact or "").strip(),
            routing="joined" if handling is not None else "new_task", received_at=now)
        uow.session.add(row)
        uow.session.flush()
        if handling is None:
            payload = {"objection_no": row.id, "reason": row.reason,
                       "received_at": now.isoformat()}
            if not deliver_unattributed(uow, instance.id, OBJECTION_MESSAGE, payload):
                raise ObjectionRefused("该申报当前不在公示期内，异议不予受理")
            message = "异议已受理，已转质量监督小组调查处理"
        else:
            message = "异议已受理，已并入质量监督小组正在处理的异议"
        uow.commit()
        return ObjectionReceipt(row.id, business_key, row.routing, message, instance.id)


def _closed_reason(session: Session, instance_id: int, pending_end: datetime | None) -> str:
    end = pending_end or session.scalar(sa.select(sa.func.max(Timer.due_at)).where(
        Timer.instance_id == instance_id, Timer.element_id == NOTICE_TIMER,
        Timer.status == TimerStatus.FIRED))
    if end is None:
        return "该申报不在公示期内，异议不予受理"
    local = end.astimezone(BEIJING)
    return f"公示期已于 {local:%Y-%m-%d %H:%M}（北京时间）结束，异议不再受理"


@dataclass(frozen=True)
class ObjectionView:
    objection_no: int
    business_key: str
    instance_id: int
    reason: str
    objector: str
    objector_contact: str | None
    signed_in: bool
    routing: str
    received_at: datetime


def list_objections(session: Session, *, actor: Actor, business_key: str | None = None,
                    limit: int = 200) -> list[ObjectionView]:
    """Objections with who raised them: the 质量监督小组, administrators and auditors only."""
    if not (actor.in_group(SUPERVISORS) or actor.is_admin or actor.is_auditor):
        raise NotAllowed("异议人信息只有质量监督小组可以查看")
    query = sa.select(NoticeObjection, User).outerjoin(
        User, User.id == NoticeObjection.objector_user_id).where(
        scope.case_in_centre(NoticeObjection.instance_id, actor))
    if business_key:
        query = query.where(NoticeObjection.business_key == business_key)
    rows = session.execute(query.order_by(NoticeObjection.id.desc()).limit(limit))
    return [ObjectionView(
        objection_no=row.id, business_key=row.business_key, instance_id=row.instance_id,
        reason=row.reason,
        objector=(f"{user.display_name}（{user.username}）" if user is not None
                  else row.objector_name or ""),
        objector_contact=row.objector_contact, signed_in=user is not None,
        routing=row.routing, received_at=row.received_at) for row, user in rows]

"""The leave process keeps its case's ``leave_period`` row current, and tells the class teacher
of 超假.

Called after every stored run of a leave case (``Runtime.progress_hooks``) and when the case is
withdrawn or terminated: requested at start, approved or refused at the decision, returned or
overstay at 销假 or when an unclosed leave is closed automatically. An overstay is told to the
learner's own 班主任 (the class teachers of the group when the learner's class has none).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from models import Notification, Person, ProcessInstance
from models.statuses import InstanceStatus, LeaveStatus
from workflows.attendance.leave_periods import status_of, sync_leave_period, to_days
from workflows.attendance.leave_requests import RETURN_TASK
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory import addresses

CLASS_TEACHER = "class_teacher"


def keep_leave_period(uow: UnitOfWork, instance: ProcessInstance,
                      ready: frozenset[str]) -> None:
    data = dict(instance.data or {})
    ended = instance.status in (InstanceStatus.CANCELLED, InstanceStatus.WITHDRAWN)
    status = status_of(data, terminated=ended,
                       awaiting_return=RETURN_TASK in ready)
    changed = sync_leave_period(uow.session, instance.id, instance.started_by, data,
                                status=status, now=uow.runtime.now())
    if changed is not None and changed.status == LeaveStatus.OVERSTAY:
        _tell_class_teacher(uow, instance, changed)


def _tell_class_teacher(uow: UnitOfWork, instance: ProcessInstance, row: sa.Row[Any]) -> None:
    session, now = uow.session, uow.runtime.now()
    today = now.astimezone(uow.runtime.calendar.zone).date()
    learner = session.get(Person, row.person_id)
    name = learner.name if learner is not None else "学员"
    period = (instance.data or {}).get("period") or f"{row.start_date} 至 {row.end_date}"
    overstay = to_days(row.overstay_half_days)
    if row.returned_on is None:
        subject = f"超假：{name}请假结束后未销假，已按超假 {overstay} 天结束"
        body = (f"{name}的请假（{period}）结束后 2 个上课日内未销假，系统已按超假结束，"
                f"记超假 {overstay} 天。请联系学员并登记考勤。")
    else:
        subject = f"超假：{name}逾期返校，超假 {overstay} 天"
        body = (f"{name}的请假（{period}）结束后于 {row.returned_on.isoformat()} 返校销假，"
                f"超假 {overstay} 天。")
    recipients: list[int | None] = []
    if instance.unit_id is not None:
        resolved = addresses.resolve(session, addresses.parse_address(
            f"{CLASS_TEACHER}(applicant)"), instance.unit_id, today=today)
        if not resolved.fallback:
            recipients = [*addresses.holders(session, resolved.role, resolved.unit_id,
                                           today=today)]
    for user_id in recipients or [None]:
        session.add(Notification(
            recipient_user_id=user_id, recipient_group=None if user_id else CLASS_TEACHER,
            instance_id=instance.id, task_name=RETURN_TASK, kind="escalation",
            subject=subject[:255], body=body, created_at=now))

"""Notifications for a user or a group: the service functions that create them (reminders,
escalations), applying them in the completing transaction, and the signed-in user's list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask, Notification, ProcessInstance, User
from models.statuses import OPEN_TASK_STATUSES
from workflows.automation.service_registry import (
    Param,
    PermanentServiceError,
    ServiceContext,
    service,
)
from workflows.core.actors import Actor
from workflows.directory import acting, addresses, scope

KINDS = ("info", "reminder", "escalation")


@service("certflow.notify", params={
    "group": Param("str", required=False, description="candidate group to notify"),
    "user": Param("str", required=False, description="user name to notify"),
    "subject": Param("str"),
    "body": Param("str", required=False, default=""),
    "kind": Param("str", required=False, default="info"),
})
def notify(ctx: ServiceContext, *, group: str | None, user: str | None, subject: str, body: str,
           kind: str) -> dict[str, Any]:
    """Record a notification for a group or a user."""
    if bool(group) == bool(user):
        raise PermanentServiceError("certflow.notify needs exactly one of 'group' or 'user'")
    _check_kind(kind)
    ctx.add_effect("notification", group=group, user=user, subject=subject, body=body,
                   kind=kind)
    return {"notified": group or user, "kind": kind}


@service("certflow.remind_task", params={
    "task": Param("str", description="task spec name (BPMN id) of the open user task"),
    "subject": Param("str"),
    "body": Param("str", required=False, default=""),
    "kind": Param("str", required=False, default="reminder"),
})
def remind_task(ctx: ServiceContext, *, task: str, subject: str, body: str,
                kind: str) -> dict[str, Any]:
    """Notify whoever holds an open task: its assignee if claimed, else its group."""
    _check_kind(kind)
    ctx.add_effect("notification", task=task, subject=subject, body=body, kind=kind)
    return {"reminded": task, "kind": kind}


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise PermanentServiceError(f"notification kind must be one of {', '.join(KINDS)}")


def apply_notification(session: Session, instance: ProcessInstance, task_name: str,
                       effect: dict[str, Any], *, now: Any,
                       tasks: Sequence[HumanTask] | None = None) -> int:
    """Store one notification effect; a task reminder resolves its holder now, not earlier
    (and is dropped if the task was finished in the meantime: nobody needs reminding): its
    assignee if claimed, else the people holding the role it is addressed to (never their
    whole group), else its group. ``tasks``: the instance's open task rows as this
    transaction left them, when the caller has them (else they are read). Nothing is flushed
    (the caller's changes are written at its commit) and the rows are inserted with one Core
    statement; returns how many."""
    with session.no_autoflush:
        user_ids, group = _recipients(session, instance, effect, now, tasks)
    if not user_ids:
        return 0
    session.connection().execute(_INSERT_NOTIFICATIONS, [dict(
        recipient_user_id=user_id, recipient_group=group, instance_id=instance.id,
        task_name=effect.get("task") or task_name, kind=effect.get("kind", "info"),
        subject=effect["subject"][:255], body=effect.get("body") or "", created_at=now,
        delivery_state=None) for user_id in user_ids])
    return len(user_ids)


def _recipients(session: Session, instance: ProcessInstance, effect: dict[str, Any], now: Any,
                tasks: Sequence[HumanTask] | None) -> tuple[list[int | None], str | None]:
    user_ids: list[int | None] = [None]
    group = effect.get("group")
    if effect.get("user"):
        user_id = session.scalar(sa.select(User.id).where(User.username == effect["user"]))
        if user_id is None:
            raise PermanentServiceError(f"no user named {effect['user']!r}")
        user_ids = [user_id]
    elif effect.get("task"):
        if tasks is None:
            task = session.scalar(_OPEN_TASK, {"instance_id": instance.id,
                                               "task_name": effect["task"]})
        else:
            task = max((t for t in tasks if t.task_name == effect["task"]
                        and t.status in OPEN_TASK_STATUSES), key=lambda t: t.id, default=None)
        if task is None:
            return [], None
        holders = addresses.task_holders(session, task, today=acting.today_at(now))
        if holders is not None:
            user_ids, group = list(holders), None
        else:
            group = task.candidate_group
    return user_ids, group


# Built once (a statement built per call is compiled and keyed again every time).
_OPEN_TASK = (sa.select(HumanTask)
              .where(HumanTask.instance_id == sa.bindparam("instance_id"),
                     HumanTask.task_name == sa.bindparam("task_name"),
                     HumanTask.status.in_(OPEN_TASK_STATUSES))
              .order_by(HumanTask.id.desc()).limit(1))
_INSERT_NOTIFICATIONS = sa.insert(Notification)


@dataclass(frozen=True)
class NotificationPage:
    items: list[Notification]
    total: int


def list_notifications(session: Session, actor: Actor, *, kind: str | None = None,
                       instance_id: int | None = None, page: int = 1,
                       per_page: int = 50) -> NotificationPage:
    """Notifications addressed to me or to one of my groups (about a case of my centre, or
    about no case at all: a service-wide notice such as a calendar year still missing),
    newest first."""
    mine = Notification.recipient_user_id == actor.id
    groups = (sa.and_(Notification.recipient_group.in_(sorted(actor.groups)),
                      sa.or_(Notification.instance_id.is_(None),
                             scope.case_in_centre(Notification.instance_id, actor)))
              if actor.groups else sa.false())
    query = sa.select(Notification).where(sa.or_(mine, groups))
    if kind:
        query = query.where(Notification.kind == kind)
    if instance_id is not None:
        query = query.where(Notification.instance_id == instance_id)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Notification.id.desc())
                           .limit(per_page).offset((page - 1) * per_page))
    return NotificationPage(list(rows), total)

"""Notifications for a user or a group: the service functions that create them (reminders,
escalations), applying them in the completing transaction, and the signed-in user's list."""

from __future__ import annotations

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
                       effect: dict[str, Any], *, now: Any) -> Notification | None:
    """Store one notification effect; a task reminder resolves its holder now, not earlier
    (and is dropped if the task was finished in the meantime: nobody needs reminding)."""
    user_id, group = None, effect.get("group")
    if effect.get("user"):
        user_id = session.scalar(sa.select(User.id).where(User.username == effect["user"]))
        if user_id is None:
            raise PermanentServiceError(f"no user named {effect['user']!r}")
    elif effect.get("task"):
        holder = session.execute(sa.select(HumanTask.assignee_id, HumanTask.candidate_group)
                                 .where(HumanTask.instance_id == instance.id,
                                        HumanTask.task_name == effect["task"],
                                        HumanTask.status.in_(OPEN_TASK_STATUSES))
                                 .order_by(HumanTask.id.desc()).limit(1)).first()
        if holder is None:
            return None
        user_id, group = (holder[0], None) if holder[0] else (None, holder[1])
    row = Notification(recipient_user_id=user_id, recipient_group=group,
                       instance_id=instance.id, task_name=effect.get("task") or task_name,
                       kind=effect.get("kind", "info"), subject=effect["subject"][:255],
                       body=effect.get("body") or "", created_at=now)
    session.add(row)
    return row


@dataclass(frozen=True)
class NotificationPage:
    items: list[Notification]
    total: int


def list_notifications(session: Session, actor: Actor, *, kind: str | None = None,
                       instance_id: int | None = None, page: int = 1,
                       per_page: int = 50) -> NotificationPage:
    """Notifications addressed to me or to one of my groups, newest first."""
    mine = Notification.recipient_user_id == actor.id
    groups = (Notification.recipient_group.in_(sorted(actor.groups)) if actor.groups
              else sa.false())
    query = sa.select(Notification).where(sa.or_(mine, groups))
    if kind:
        query = query.where(Notification.kind == kind)
    if instance_id is not None:
        query = query.where(Notification.instance_id == instance_id)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Notification.id.desc())
                           .limit(per_page).offset((page - 1) * per_page))
    return NotificationPage(list(rows), total)

"""What the approval actions share: the task's declared actions, people, notifications and
the Chinese problems a person reads."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask, Notification, ProcessEvent, ProcessInstance, User
from models.statuses import OPEN_TASK_STATUSES
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from workflows.core.unit_of_work import UnitOfWork
from workflows.definitions import spec_cache
from workflows.identity.users import load_actor
from workflows.instances.lifecycle import may_view

MAX_TEXT = 1000
ACTION_NAMES = {"transfer": "转交", "send_back": "退回", "consult": "加签", "copy": "抄送",
                "comment": "评论"}



def clean_text(value: str | None, field: str, *, required: bool = True) -> str:
    """Trimmed text of at most ``MAX_TEXT`` characters; 422 naming the field when required."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"请填写{field}")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{field}不能超过 {MAX_TEXT} 个字")
    return text


def task_meta(session: Session, task: HumanTask) -> dict[str, Any]:
    definition = spec_cache.get_by_id(session, task.definition_id)
    return dict((definition.task_meta or {}).get(task.task_name, {}))


def require_action(session: Session, task: HumanTask, action: str) -> dict[str, Any]:
    """The task's metadata, if its diagram allows ``action`` on it; else 403."""
    meta = task_meta(session, task)
    allowed = meta.get("actions", ["comment"])
    if action not in allowed:
        raise NotAllowed(f"流程图没有允许在“{task.title}”这一步{ACTION_NAMES[action]}")
    return meta


def require_holder(task: HumanTask, actor: Actor) -> None:
    """Only the person who holds (claimed) an open task may act on it."""
    if task.status not in OPEN_TASK_STATUSES:
        raise Conflict(f"“{task.title}”已经办结或取消，不能再操作")
    if task.assignee_id != actor.id:
        raise NotAllowed(f"请先认领“{task.title}”：只有办理人才能进行此操作")


def person(session: Session, username: str, *, field: str = "人员") -> Actor:
    """An active user by user name, as an actor (with their groups); 422 if there is none."""
    user_id = session.scalar(sa.select(User.id).where(User.username == username.strip(),
                                                      User.active.is_(True)))
    if user_id is None:
        raise InvalidInput(f"{field}“{username}”不存在或已停用")
    return load_actor(session, user_id)


def display_name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id is not None else None
    return user.display_name if user else "系统"


def notify(uow: UnitOfWork, instance: ProcessInstance, *, user_id: int | None = None,
           group: str | None = None, kind: str, subject: str, body: str = "",
           task_name: str | None = None) -> None:
    """One notification in the acting transaction (the list in the app reads them)."""
    uow.session.add(Notification(
        recipient_user_id=user_id, recipient_group=group, instance_id=instance.id,
        task_name=task_name, kind=kind, subject=subject[:255], body=body,
        created_at=uow.runtime.now()))


def events_of(session: Session, instance_id: int, kinds: tuple[str, ...]) -> list[ProcessEvent]:
    return list(session.scalars(
        sa.select(ProcessEvent).where(ProcessEvent.instance_id == instance_id,
                                      ProcessEvent.kind.in_(kinds))
        .order_by(ProcessEvent.seq)))


def may_take_part(session: Session, instance: ProcessInstance, actor: Actor) -> bool:
    """Participants read the case and its comments: whoever may see it (``may_view``: its
    applicant, the groups of its steps, people it was copied to or whose opinion was asked)."""
    return may_view(session, instance, actor)


def visible_instance(session: Session, instance_id: int, actor: Actor) -> ProcessInstance:
    instance = session.get(ProcessInstance, instance_id)
    if instance is None or not may_take_part(session, instance, actor):
        raise NotFound(f"案件 {instance_id} 不存在")
    return instance

"""What a task's page offers: the actions its diagram allows, the steps it may send back to,
the colleagues it may be transferred to, and the staff one may copy or consult."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Membership, ProcessInstance, User
from workflows.core.actors import Actor
from workflows.definitions import spec_cache
from workflows.identity.users import load_actor
from workflows.tasks import duties
from workflows.tasks.actions import get_task
from workflows.tasks.approval_actions.common import task_meta

MAX_PEOPLE = 50


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str


@dataclass(frozen=True)
class TaskActions:
    actions: list[str]
    send_back_to: list[dict[str, str]]
    transfer_to: list[Person]


def task_actions(session: Session, task_id: int, *, actor: Actor) -> TaskActions:
    """The actions of a task the actor may see; colleagues only if ``transfer`` is allowed."""
    task = get_task(session, task_id, actor=actor)
    meta = task_meta(session, task)
    actions = list(meta.get("actions", ["comment"]))
    titles = spec_cache.get_by_id(session, task.definition_id).task_meta
    back = [{"step": step, "title": str(titles.get(step, {}).get("title") or step)}
            for step in meta.get("send_back_to") or []]
    colleagues: list[Person] = []
    if "transfer" in actions and task.candidate_group:
        case = session.get(ProcessInstance, task.instance_id)
        members = session.scalars(sa.select(User).join(Membership, Membership.user_id == User.id)
                                  .where(Membership.group_id == task.candidate_group,
                                         User.active.is_(True), User.id != actor.id)
                                  .order_by(User.username).limit(MAX_PEOPLE))
        for user in members:
            try:
                if case is not None:
                    duties.enforce(session, task, case, load_actor(session, user.id))
            except duties.SeparationOfDutiesViolation:
                continue
            colleagues.append(Person(user.username, user.display_name))
    return TaskActions(actions, back, colleagues)


def staff(session: Session, *, query: str | None = None) -> list[Person]:
    """Active staff (not applicants), for choosing whom to copy or consult."""
    select = sa.select(User).where(User.active.is_(True), User.role.not_in(("applicant",)))
    if query:
        like = f"%{query.strip()}%"
        select = select.where(sa.or_(User.username.like(like), User.display_name.like(like)))
    rows = session.scalars(select.order_by(User.username).limit(MAX_PEOPLE))
    return [Person(u.username, u.display_name) for u in rows]

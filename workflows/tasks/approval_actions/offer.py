"""What a task's page offers: the actions its diagram allows, the steps it may send back to,
the colleagues it may be transferred to, and the staff one may copy or consult."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask, Membership, ProcessInstance, User
from models import Person as DirectoryPerson
from models.directory import Position, Substitution
from workflows.core.actors import Actor
from workflows.definitions import spec_cache
from workflows.directory import acting, scope
from workflows.directory.validity import held_on
from workflows.identity.users import load_actor
from workflows.tasks import duties
from workflows.tasks.actions import get_task
from workflows.tasks.approval_actions.common import may_do, task_meta

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
        today = acting.today_at()
        for user in session.scalars(_candidates(task, actor, today)):
            colleague = load_actor(session, user.id)
            if not may_do(session, task, colleague, today=today):
                continue
            try:
                if case is not None:
                    duties.enforce(session, task, case, colleague)
            except duties.SeparationOfDutiesViolation:
                continue
            colleagues.append(Person(user.username, user.display_name))
    return TaskActions(actions, back, colleagues)


def _candidates(task: HumanTask, actor: Actor, today: date) -> sa.Select[User]:
    """Accounts that might take the task, other than the actor: the holders of its address
    (and their substitutes), or the members of its group in the actor's centre."""
    others = sa.and_(User.active.is_(True), User.id != actor.id)
    if task.address_unit_id is not None:
        holders = sa.select(Position.person_id).where(
            Position.role == task.candidate_group, Position.unit_id == task.address_unit_id,
            held_on(Position, today))
        substitutes = sa.select(Substitution.substitute_id).where(
            Substitution.person_id.in_(holders), Substitution.valid_from <= today,
            Substitution.valid_to >= today)
        who = sa.or_(User.person_id.in_(holders), User.person_id.in_(substitutes))
        return sa.select(User).where(others, who).order_by(User.username).limit(MAX_PEOPLE)
    return (sa.select(User).join(Membership, Membership.user_id == User.id)
            .join(DirectoryPerson, DirectoryPerson.id == User.person_id)
            .where(others, Membership.group_id == task.candidate_group,
                   scope.in_centre(DirectoryPerson.tenant_id, actor))
            .order_by(User.username).limit(MAX_PEOPLE))


def staff(session: Session, *, actor: Actor, query: str | None = None) -> list[Person]:
    """Active staff (not applicants) of the actor's centre, for choosing whom to copy or
    consult."""
    select = (sa.select(User).outerjoin(DirectoryPerson, DirectoryPerson.id == User.person_id)
              .where(User.active.is_(True), User.role.not_in(("applicant",)),
                     scope.in_centre(DirectoryPerson.tenant_id, actor)))
    if query:
        like = f"%{query.strip()}%"
        select = select.where(sa.or_(User.username.like(like), User.display_name.like(like)))
    rows = session.scalars(select.order_by(User.username).limit(MAX_PEOPLE))
    return [Person(u.username, u.display_name) for u in rows]

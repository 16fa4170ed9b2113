"""Appointing someone to a position, and handing over what the previous holder had open.

When the 班主任 of a class changes, the open tasks addressed to that class's 班主任 belong to the
new teacher at once: they are addressed to the position (role + unit), so nothing is copied;
tasks the previous teacher had claimed go back to the position, and every instance concerned
records the hand-over in its history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask, OrgUnit, Person, User
from models.directory import ConflictDeclaration, Position
from models.statuses import OPEN_TASK_STATUSES, TaskStatus
from workflows.core.actors import Actor
from workflows.core.errors import InvalidInput, NotAllowed, NotFound
from workflows.core.history import EventKind
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory.acting import today_at
from workflows.directory.addresses import role_name
from workflows.directory.people import appoint
from workflows.directory.role_groups import join_role_group


@dataclass(frozen=True)
class Appointment:
    position_id: int
    ended: list[int]  # positions that ended with it (the previous holders)
    handed_over: list[int]  # open tasks that changed hands
    groups_joined: list[str]  # the role's group, given to the appointee's accounts today


def appoint_to_unit(unit_id: int, *, person_id: int, role: str, valid_from: date | None,
                    valid_to: date | None, replace: bool, actor: Actor,
                    uow: UnitOfWork) -> Appointment:
    """Give ``person_id`` the role at the unit; with ``replace`` the current holders' positions
    end the day before and their claimed tasks go back to the position (hand-over). Held
    today, the position gives the appointee's accounts the role's group at once, so tasks
    offered to that group reach them on their next request (``role_groups.py``)."""
    if not actor.is_admin:
        raise NotAllowed("只有系统管理员可以任命岗位")
    with uow:
        session = uow.session
        unit, person = session.get(OrgUnit, unit_id), session.get(Person, person_id)
        if unit is None or unit.tenant_id != actor.tenant_id:
            raise NotFound(f"组织单元 {unit_id} 不存在")
        if person is None or person.tenant_id != actor.tenant_id:
            raise NotFound(f"人员 {person_id} 不存在")
        today = today_at(uow.runtime.now())
        start = valid_from or today
        ended: list[Position] = []
        if replace:
            ended = list(session.scalars(sa.select(Position).where(
                Position.unit_id == unit.id, Position.role == role,
                Position.person_id != person.id,
                sa.or_(Position.valid_to.is_(None), Position.valid_to >= start))))
            for old in ended:  # one appointed today and replaced today never held it
                old.valid_to = start - timedelta(days=1)
        position = appoint(session, person, role, unit, valid_from=start, valid_to=valid_to)
        joined = join_role_group(session, position, today=today)
        moved = _hand_over(uow, unit, role, ended, person, now_day=today, actor_id=actor.id) \
            if ended and start <= today else []
        uow.commit()
        return Appointment(position.id, [p.id for p in ended], moved, joined)


def _hand_over(uow: UnitOfWork, unit: OrgUnit, role: str, ended: list[Position],
               successor: Person, *, now_day: date, actor_id: int) -> list[int]:
    """Claimed tasks of the previous holders go back to the position; every open task of the
    position records who handed it to whom."""
    session = uow.session
    previous = [p.person_id for p in ended]
    accounts = set(session.scalars(sa.select(User.id).where(User.person_id.in_(previous))))
    names = [n for n in session.scalars(sa.select(Person.name).where(Person.id.in_(previous)))]
    tasks = list(session.scalars(sa.select(HumanTask).where(
        HumanTask.address_unit_id == unit.id, HumanTask.candidate_group == role,
        HumanTask.status.in_(OPEN_TASK_STATUSES)).order_by(HumanTask.instance_id, HumanTask.id)))
    moved = []
    for task in tasks:
        instance = uow.lock_instance(task.instance_id)  # instance, then its rows
        if task.status == TaskStatus.CLAIMED and task.assignee_id not in accounts:
            continue  # someone else (an administrator) holds it: not the previous holder's
        task.status, task.assignee_id, task.claimed_at = TaskStatus.READY, None, None
        summary = (f"{unit.name}的{role_name(role)}由 {'、'.join(names)} 移交给 "
                   f"{successor.name}")
        uow.record(EventKind.TASK_HANDED_OVER, instance, actor_id=actor_id,
                   task_name=task.task_name,
                   payload={"task_id": task.id, "role": role, "unit_id": unit.id,
                            "from_person_ids": previous, "to_person_id": successor.id,
                            "on": now_day.isoformat(), "summary": summary})
        moved.append(task.id)
    return moved


def declare_conflict(subject_id: int, *, reason: str, actor: Actor, uow: UnitOfWork) -> int:
    """回避声明: the actor declares a conflict with a person of their centre (kin, tutor,
    colleague…); from now on they are kept off that person's cases where the diagram asks for
    ``recusal:declared``. Declaring twice updates the reason."""
    _require_staff(actor, "只有教职工可以作出回避声明")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请说明回避理由")
    with uow:
        session = uow.session
        subject = _other_person_of_centre(session, subject_id, actor,
                                          oneself="不能对本人作出回避声明")
        declaration = session.scalar(sa.select(ConflictDeclaration).where(
            ConflictDeclaration.person_id == actor.person_id,
            ConflictDeclaration.subject_id == subject.id))
        if declaration is None:
            declaration = ConflictDeclaration(person_id=actor.person_id, subject_id=subject.id,
                                              reason=reason, declared_at=uow.runtime.now())
            session.add(declaration)
        else:
            declaration.reason, declaration.declared_at = reason, uow.runtime.now()
        session.flush()
        declaration_id = declaration.id
        uow.commit()
        return declaration_id


def _require_staff(actor: Actor, refusal: str) -> None:
    """Declarations about colleagues are made by staff with a person record, never by
    applicants or auditors."""
    if actor.role == "applicant" or actor.is_auditor or actor.person_id is None:
        raise NotAllowed(refusal)


def _other_person_of_centre(session: Session, person_id: int, actor: Actor, *,
                            oneself: str) -> Person:
    """Another person of the actor's centre (one of another centre does not exist for them)."""
    person = session.get(Person, person_id)
    if person is None or person.tenant_id != actor.tenant_id:
        raise NotFound(f"人员 {person_id} 不存在")
    if person.id == actor.person_id:
        raise InvalidInput(oneself)
    return person

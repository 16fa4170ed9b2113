"""What a signed-in person may read: their own centre only, and within it what their work covers.

Every case belongs to the centre (机构, the tenant root) of its applicant's unit
(``process_instance.tenant_id``; its tasks copy it to ``human_task.tenant_id``). A person of
centre A never sees a case, task, certificate, report row, notification, attachment or history
event of centre B: readers add ``in_centre`` (or ``case_in_centre`` for rows that hang off a
case) to their query, and detail reads ask ``same_centre`` first and answer 404 like for an
absent id. Accounts outside the directory (no person) form their own scope: they see only cases
outside the directory too.

Within the centre, the 质量监督小组 and the auditors (a position of either role, or an auditor
account) and administrators read every case (``reads_whole_centre``); reading changes nothing:
what they may *do* is decided by the tasks addressed to them, as for everyone. A unit's head
(系部主任, 分管领导) reads every case of the unit they head and of the units below it
(``headed_units``), read only as well.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import ProcessInstance
from models.directory import OrgUnit, Position, PositionRole
from workflows.core.actors import Actor
from workflows.directory.validity import held_on

# Positions whose holders read every case of their centre (全过程监督, audit).
SUPERVISING_ROLES = (PositionRole.QUALITY_SUPERVISOR.value, PositionRole.AUDITOR.value)
# Positions whose holders read every case of the unit they hold and of the units below it.
HEAD_ROLES = (PositionRole.DEPARTMENT_HEAD.value, PositionRole.LEADER.value)


def same_centre(actor: Actor, tenant_id: int | None) -> bool:
    """Whether a row of ``tenant_id`` is in the actor's centre."""
    return tenant_id == actor.tenant_id


def in_centre(column: Any, actor: Actor) -> sa.ColumnElement[bool]:
    """SQL: the row's centre column is the actor's centre."""
    if actor.tenant_id is None:
        return column.is_(None)
    return column == actor.tenant_id


def cases_in_centre(actor: Actor) -> sa.Select[int]:
    """SQL: the ids of the cases of the actor's centre (for rows that name their case)."""
    return sa.select(ProcessInstance.id).where(in_centre(ProcessInstance.tenant_id, actor))


def case_in_centre(column: Any, actor: Actor) -> sa.ColumnElement[bool]:
    """SQL: the case a row names (``column``, an instance id) is of the actor's centre."""
    return column.in_(cases_in_centre(actor))


_SUPERVISES = (sa.select(Position.id)
               .where(Position.person_id == sa.bindparam("person"),
                      Position.role.in_(SUPERVISING_ROLES),
                      sa.or_(Position.valid_from.is_(None),
                             Position.valid_from <= sa.bindparam("today", type_=sa.Date)),
                      sa.or_(Position.valid_to.is_(None),
                             Position.valid_to >= sa.bindparam("today", type_=sa.Date)))
               .limit(1))


def supervises(session: Session, actor: Actor, *, today: date) -> bool:
    """The actor holds a 质量监督小组 or 审计员 position today (their centre's)."""
    if actor.person_id is None:
        return False
    return session.scalar(_SUPERVISES, {"person": actor.person_id, "today": today}) is not None


def reads_whole_centre(session: Session, actor: Actor, *, today: date) -> bool:
    """Administrators, auditors and the 质量监督小组 read every case of their centre."""
    return actor.is_admin or actor.is_auditor or supervises(session, actor, today=today)


def headed_units(actor: Actor, *, today: date) -> sa.Select[int]:
    """SQL: the units the actor heads today (系部主任, 分管领导) and every unit below them, in
    the actor's centre."""
    head = sa.orm.aliased(OrgUnit)
    below = sa.orm.aliased(OrgUnit)
    return (sa.select(below.id)
            .join(head, below.path.startswith(head.path))
            .join(Position, Position.unit_id == head.id)
            .where(Position.person_id == (actor.person_id or -1),
                   Position.role.in_(HEAD_ROLES), head.path != "",
                   in_centre(below.tenant_id, actor), held_on(Position, today)))


def heads_unit_of(session: Session, actor: Actor, unit_id: int | None, *, today: date) -> bool:
    """The actor heads the unit a case belongs to (or a unit above it)."""
    if unit_id is None or actor.person_id is None:
        return False
    found = session.scalar(sa.select(sa.literal(1)).where(
        sa.literal(unit_id).in_(headed_units(actor, today=today))).limit(1))
    return found is not None

"""What the directory tells a signed-in person: who they are, the tree, and who else is here.

Readers take a ``Session`` and return plain dicts; personal numbers leave here masked.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models.directory import (
    ROLE_NAMES,
    UNIT_KIND_NAMES,
    Enrolment,
    OrgUnit,
    Person,
    Position,
    PositionRole,
    UnitKind,
)
from models.statuses import PERSON_STATUS_NAMES, PersonStatus
from workflows.core.actors import Actor
from workflows.core.errors import InvalidInput, NotAllowed, NotFound
from workflows.directory.masking import mask_id_number, mask_mobile
from workflows.directory.validity import held_on

SEARCH_LIMIT_MAX = 100


def person_view(person: Person) -> dict[str, Any]:
    return {"id": person.id, "name": person.name, "number": person.number,
            "id_number": mask_id_number(person.id_number), "mobile": mask_mobile(person.mobile),
            "employer": person.employer, "status": person.status,
            "status_name": PERSON_STATUS_NAMES[PersonStatus(person.status)]}


def _unit_ref(unit: OrgUnit) -> dict[str, Any]:
    return {"id": unit.id, "code": unit.code, "name": unit.name, "kind": unit.kind,
            "kind_name": UNIT_KIND_NAMES[UnitKind(unit.kind)]}


def unit_view(session: Session, unit_id: int, tenant_id: int) -> dict[str, Any]:
    """One unit of the centre as administrators see it (deactivated ones included)."""
    unit = session.get(OrgUnit, unit_id)
    if unit is None or unit.tenant_id != tenant_id:
        raise NotFound(f"组织单元 {unit_id} 不存在")
    return {**_unit_ref(unit), "parent_id": unit.parent_id, "active": unit.active,
            "grade": unit.grade}


def profile(session: Session, actor: Actor, *, today: date) -> dict[str, Any]:
    """The signed-in person: their record, their centre, current positions and enrolments."""
    result: dict[str, Any] = {"person": None, "centre": None, "positions": [], "enrolments": []}
    if actor.person_id is None:
        return result
    person = session.get(Person, actor.person_id)
    if person is None:
        return result
    result["person"] = person_view(person)
    centre = session.get(OrgUnit, person.tenant_id)
    result["centre"] = _unit_ref(centre) if centre is not None else None
    for position, unit in session.execute(
            sa.select(Position, OrgUnit).join(OrgUnit, OrgUnit.id == Position.unit_id)
            .where(Position.person_id == person.id, held_on(Position, today))
            .order_by(Position.id)):
        result["positions"].append({
            "id": position.id, "role": position.role,
            "role_name": ROLE_NAMES.get(PositionRole(position.role), position.role),
            "unit": _unit_ref(unit), "valid_from": position.valid_from,
            "valid_to": position.valid_to, "scope": position.scope})
    for enrolment, unit in session.execute(
            sa.select(Enrolment, OrgUnit).join(OrgUnit, OrgUnit.id == Enrolment.unit_id)
            .where(Enrolment.person_id == person.id, held_on(Enrolment, today))
            .order_by(Enrolment.id)):
        result["enrolments"].append({"id": enrolment.id, "unit": _unit_ref(unit),
                                     "valid_from": enrolment.valid_from,
                                     "valid_to": enrolment.valid_to})
    return result


def unit_tree(session: Session, actor: Actor, *,
              include_inactive: bool = False) -> list[dict[str, Any]]:
    """The actor's centre as a nested tree (one query; children ordered by code); units that
    were deactivated (graduated classes, closed offices) only when asked for."""
    if actor.tenant_id is None:
        return []
    query = sa.select(OrgUnit).where(OrgUnit.tenant_id == actor.tenant_id)
    if not include_inactive:
        query = query.where(OrgUnit.active.is_(True))
    units = session.scalars(query.order_by(OrgUnit.code)).all()
    nodes = {unit.id: {**_unit_ref(unit), "active": unit.active, "grade": unit.grade,
                       "children": []}
             for unit in units}
    roots: list[dict[str, Any]] = []
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id is not None else None
        (parent["children"] if parent is not None else roots).append(nodes[unit.id])
    return roots


def search_people(session: Session, actor: Actor, *, query: str | None = None,
                  unit_id: int | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """People of the actor's centre by name, 学号/工号 or full 身份证号; staff only.

    ``unit_id`` narrows to people enrolled in or holding a position in that unit or below it.
    """
    if actor.role == "applicant":
        raise NotAllowed("学员不能查询人员名录")
    if actor.tenant_id is None:
        return []
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    select = sa.select(Person).where(Person.tenant_id == actor.tenant_id)
    if query:
        text = query.strip()
        if not text:
            raise InvalidInput("查询条件不能为空")
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        select = select.where(sa.or_(Person.name.like(f"%{escaped}%", escape="\\"),
                                     Person.number == text, Person.id_number == text.upper()))
    if unit_id is not None:
        unit = session.get(OrgUnit, unit_id)
        if unit is None or unit.tenant_id != actor.tenant_id:
            raise NotFound("组织单元不存在")
        below = sa.select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path))
        select = select.where(sa.or_(
            Person.id.in_(sa.select(Enrolment.person_id).where(Enrolment.unit_id.in_(below))),
            Person.id.in_(sa.select(Position.person_id).where(Position.unit_id.in_(below)))))
    people = session.scalars(select.order_by(Person.name, Person.id).limit(limit)).all()
    return [person_view(person) for person in people]

"""Adding people, their enrolments and positions: the one path seeding and imports take.

Every writer of the directory (the demo seed, the seed file, a spreadsheet import) goes through
these functions, so the rules hold for all of them: a 身份证号 has a valid check digit and is
unique within the tenant, a learner is enrolled in a 班级, a position names a known role.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import User
from models.directory import Enrolment, OrgUnit, Person, Position, PositionRole, UnitKind
from models.statuses import PersonStatus
from workflows.core import id_numbers
from workflows.core.errors import Conflict, InvalidInput
from workflows.directory.units import add_unit, default_centre

_ROLES = {role.value for role in PositionRole}


def add_person(session: Session, *, tenant_id: int, name: str, status: PersonStatus,
               now: datetime, id_number: str | None = None, number: str | None = None,
               mobile: str | None = None, employer: str | None = None) -> Person:
    """A new person of a tenant; a 身份证号 must pass its check digit and be new here."""
    name = name.strip()
    if not name:
        raise InvalidInput("姓名不能为空")
    if id_number:
        reason = id_numbers.problem(id_number.strip())
        if reason is not None:
            raise InvalidInput(reason)
        id_number = id_numbers.normalize(id_number)
        if session.scalar(sa.select(Person.id).where(Person.tenant_id == tenant_id,
                                                     Person.id_number == id_number)):
            raise Conflict("本机构已有此身份证号的人员")
    if mobile and not (mobile.isdigit() and len(mobile) == 11 and mobile.startswith("1")):
        raise InvalidInput("手机号应为以 1 开头的11位数字")
    person = Person(tenant_id=tenant_id, name=name, id_number=id_number or None,
                    number=number or None, mobile=mobile or None, employer=employer or None,
                    status=status, created_at=now)
    session.add(person)
    session.flush()
    return person


def enrol(session: Session, person: Person, unit: OrgUnit, *,
          valid_from: date | None = None) -> Enrolment:
    if unit.kind != UnitKind.CLASS:
        raise InvalidInput(f"“{unit.name}”不是班级，不能在此注册学员")
    if unit.tenant_id != person.tenant_id:
        raise InvalidInput("学员与班级不属于同一机构")
    enrolment = Enrolment(person_id=person.id, unit_id=unit.id, valid_from=valid_from)
    session.add(enrolment)
    session.flush()
    return enrolment


def appoint(session: Session, person: Person, role: str, unit: OrgUnit, *,
            valid_from: date | None = None, valid_to: date | None = None,
            scope: dict[str, Any] | None = None) -> Position:
    """Give a person a role in a unit for a period (open-ended when no dates are given)."""
    if role not in _ROLES:
        raise InvalidInput(f"未知的岗位角色：{role}")
    if unit.tenant_id != person.tenant_id:
        raise InvalidInput("人员与单元不属于同一机构")
    if valid_from and valid_to and valid_to < valid_from:
        raise InvalidInput("任职结束日期早于开始日期")
    position = Position(person_id=person.id, unit_id=unit.id, role=role,
                        valid_from=valid_from, valid_to=valid_to, scope=scope)
    session.add(position)
    session.flush()
    return position


def attach_account(session: Session, user: User, *, groups: list[str],
                   class_name: str | None, now: datetime) -> Person:
    """Give a sign-in account its person in the default centre, as the migration did for the
    accounts that existed before the directory: a class becomes a 班级 (enrolment for a
    learner, 班主任 or 任课教师 for staff), every other group a position at the centre."""
    centre = default_centre(session)
    learner = user.role == "applicant" or "applicant" in groups
    person = add_person(session, tenant_id=centre.id, name=user.display_name,
                        status=PersonStatus.STUDYING if learner else PersonStatus.EMPLOYED,
                        now=now)
    user.person_id = person.id
    unit = None
    if class_name:
        unit = session.scalar(sa.select(OrgUnit).where(OrgUnit.tenant_id == centre.id,
                                                       OrgUnit.code == class_name[:32]))
        if unit is None:
            unit = add_unit(session, kind=UnitKind.CLASS, code=class_name[:32], name=class_name,
                            parent=centre)
        if learner:
            enrol(session, person, unit)
        else:
            appoint(session, person, PositionRole.CLASS_TEACHER if "class_teacher" in groups
                    else PositionRole.TEACHER, unit)
    for group in sorted(set(groups) & _ROLES):
        if group == PositionRole.CLASS_TEACHER and unit is not None:
            continue
        appoint(session, person, group, centre)
    return person

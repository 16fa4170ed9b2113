"""Who may do what to a class's attendance: its own 班主任 or 任课教师, read by position.

A class of another centre does not exist for the actor (404); a class of their centre that
they do not teach is refused with a reason (403). A position at a unit above the class (a
centre-wide 班主任 group) does not make someone the teacher of the class.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models.attendance import ClassSession, Course
from models.directory import OrgUnit, Position, PositionRole, UnitKind
from workflows.core.actors import Actor
from workflows.core.errors import NotAllowed, NotFound
from workflows.directory.validity import held_on

TEACHING = (PositionRole.CLASS_TEACHER.value, PositionRole.TEACHER.value)
# Roles that read every class of the units they hold (reports, class views).
OVERSEEING = (PositionRole.CLASS_OFFICE.value, PositionRole.DEPARTMENT_HEAD.value,
              PositionRole.LEADER.value, PositionRole.ADMIN.value)


def class_unit(session: Session, actor: Actor, unit_id: int) -> OrgUnit:
    """The 班级 of the actor's centre, or 404."""
    unit = session.get(OrgUnit, unit_id)
    if unit is None or unit.kind != UnitKind.CLASS or (
            actor.tenant_id is not None and unit.tenant_id != actor.tenant_id):
        raise NotFound("班级不存在")
    return unit


def unit_of_centre(session: Session, actor: Actor, unit_id: int) -> OrgUnit:
    unit = session.get(OrgUnit, unit_id)
    if unit is None or (actor.tenant_id is not None and unit.tenant_id != actor.tenant_id):
        raise NotFound("单位不存在")
    return unit


def teaches(session: Session, actor: Actor, unit_id: int, *, today: date) -> bool:
    """The actor is 班主任 or 任课教师 of exactly this class today."""
    if actor.person_id is None:
        return False
    found = session.scalar(sa.select(Position.id).where(
        Position.person_id == actor.person_id, Position.role.in_(TEACHING),
        Position.unit_id == unit_id, held_on(Position, today)).limit(1))
    return found is not None


def teaches_course(actor: Actor, course: Course) -> bool:
    return actor.person_id is not None and course.teacher_person_id == actor.person_id


def oversees(session: Session, actor: Actor, unit: OrgUnit, *, today: date) -> bool:
    """The actor holds an overseeing role at this unit or one above it (or is an
    administrator or auditor of the centre)."""
    if actor.is_admin or actor.is_auditor:
        return True
    if actor.person_id is None:
        return False
    chain = [int(part) for part in unit.path.strip("/").split("/") if part] or [unit.id]
    found = session.scalar(sa.select(Position.id).where(
        Position.person_id == actor.person_id, Position.role.in_(OVERSEEING),
        Position.unit_id.in_(chain), held_on(Position, today)).limit(1))
    return found is not None


def require_teacher(session: Session, actor: Actor, unit_id: int, *, today: date,
                    course: Course | None = None) -> OrgUnit:
    """The class, if the actor is its 班主任 or 任课教师 (or teaches the course); else 403."""
    unit = class_unit(session, actor, unit_id)
    if teaches(session, actor, unit.id, today=today) or (
            course is not None and teaches_course(actor, course)):
        return unit
    raise NotAllowed(f"只有{unit.name}的班主任或任课教师可以办理此班级的考勤")


def require_reader(session: Session, actor: Actor, unit_id: int, *, today: date) -> OrgUnit:
    """The class, if the actor teaches it or oversees it; else 403."""
    unit = class_unit(session, actor, unit_id)
    if teaches(session, actor, unit.id, today=today) or oversees(session, actor, unit,
                                                                  today=today):
        return unit
    raise NotAllowed(f"你不是{unit.name}的班主任、任课教师或主管，不能查看此班级的考勤")


def session_of(session: Session, actor: Actor, session_id: int) -> tuple[ClassSession, Course]:
    """A session of the actor's centre, with its course; 404 otherwise."""
    row = session.execute(sa.select(ClassSession, Course, OrgUnit.tenant_id)
                          .join(Course, Course.id == ClassSession.course_id)
                          .join(OrgUnit, OrgUnit.id == ClassSession.class_unit_id)
                          .where(ClassSession.id == session_id)).first()
    if row is None or (actor.tenant_id is not None and row[2] != actor.tenant_id):
        raise NotFound("课次不存在")
    return row[0], row[1]


def my_classes(session: Session, actor: Actor, *, today: date) -> list[dict[str, object]]:
    """The 班级 the actor teaches today (班主任 first), for picking one to take attendance."""
    if actor.person_id is None:
        return []
    rows = session.execute(
        sa.select(OrgUnit, Position.role).join(Position, Position.unit_id == OrgUnit.id)
        .where(Position.person_id == actor.person_id, Position.role.in_(TEACHING),
               OrgUnit.kind == UnitKind.CLASS.value, held_on(Position, today))
        .order_by(Position.role, OrgUnit.code)).all()
    seen: set[int] = set()
    classes: list[dict[str, object]] = []
    for unit, role in rows:
        if unit.id in seen:
            continue
        seen.add(unit.id)
        name = "班主任" if role == PositionRole.CLASS_TEACHER else "任课教师"
        classes.append({"id": unit.id, "code": unit.code, "name": unit.name, "role": role,
                        "role_name": name})
    return classes

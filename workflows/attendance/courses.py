"""A class's courses (with 面授学时 per term) and their sessions, added by the class's teacher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models.attendance import SESSION_KIND_NAMES, ClassSession, Course, HalfDay, SessionKind
from models.directory import Person
from workflows.attendance import access
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory.acting import today_at

HALF_NAMES = {HalfDay.AM: "上午", HalfDay.PM: "下午"}


@dataclass(frozen=True)
class NewSession:
    course_id: int
    on_date: date
    half: str
    kind: str
    hours: int
    period: str = ""


def add_course(unit_id: int, *, name: str, term: str, contact_hours: int,
               teacher_person_id: int | None, actor: Actor, uow: UnitOfWork) -> int:
    """A course of the class for a term; its 班主任 (or an administrator) adds it."""
    with uow:
        session = uow.session
        today = today_at(uow.runtime.now())
        unit = (access.class_unit(session, actor, unit_id) if actor.is_admin
                else access.require_teacher(session, actor, unit_id, today=today))
        if contact_hours < 1:
            raise InvalidInput("面授学时必须大于 0")
        if teacher_person_id is not None:
            teacher = session.get(Person, teacher_person_id)
            if teacher is None or teacher.tenant_id != (unit.tenant_id or unit.id):
                raise InvalidInput("任课教师不是本机构的人员")
        taken = session.scalar(sa.select(Course.id).where(
            Course.class_unit_id == unit.id, Course.term == term, Course.name == name))
        if taken is not None:
            raise Conflict(f"{unit.name}在{term}学期已有课程“{name}”")
        course = Course(tenant_id=unit.tenant_id or unit.id, class_unit_id=unit.id, name=name,
                        term=term, contact_hours=contact_hours,
                        teacher_person_id=teacher_person_id, created_at=uow.runtime.now())
        session.add(course)
        session.flush()
        course_id = course.id
        uow.commit()
        return course_id


def courses_of(session: Session, unit_id: int) -> list[Course]:
    return list(session.scalars(sa.select(Course).where(Course.class_unit_id == unit_id)
                                .order_by(Course.term, Course.name, Course.id)))


def check_session(item: NewSession, where: str = "") -> None:
    if item.half not in {h.value for h in HalfDay}:
        raise InvalidInput(f"{where}半天只能是上午（am）或下午（pm）")
    if item.kind not in {k.value for k in SessionKind}:
        raise InvalidInput(f"{where}课次类型只能是面授课、上机课、实验课或考试")
    if not 1 <= item.hours <= 12:
        raise InvalidInput(f"{where}学时应在 1 到 12 之间")


def add_sessions(unit_id: int, items: list[NewSession], *, actor: Actor,
                 uow: UnitOfWork) -> list[int]:
    """Sessions of the class's courses (one or a whole imported sheet, all or nothing)."""
    with uow:
        session = uow.session
        now = uow.runtime.now()
        unit = access.class_unit(session, actor, unit_id)
        courses = {c.id: c for c in courses_of(session, unit.id)}
        if not actor.is_admin and not access.teaches(session, actor, unit.id,
                                                     today=today_at(now)):
            taught = [c for c in courses.values() if access.teaches_course(actor, c)]
            if not taught or any(item.course_id not in {c.id for c in taught}
                                 for item in items):
                raise NotAllowed(
                    f"只有{unit.name}的班主任或任课教师可以安排此班级的课次")
        ids: list[int] = []
        seen: set[tuple[int, date, str, str]] = set()
        for number, item in enumerate(items, start=1):
            where = f"第 {number} 个课次：" if len(items) > 1 else ""
            course = courses.get(item.course_id)
            if course is None:
                raise NotFound(f"{where}课程不存在或不属于{unit.name}")
            check_session(item, where)
            slot = (item.course_id, item.on_date, item.half, item.period)
            exists = session.scalar(sa.select(ClassSession.id).where(
                ClassSession.course_id == item.course_id, ClassSession.on_date == item.on_date,
                ClassSession.half == item.half, ClassSession.period == item.period))
            if exists is not None or slot in seen:
                raise Conflict(f"{where}{course.name}在{item.on_date.isoformat()}"
                               f"{HALF_NAMES[HalfDay(item.half)]}已有课次")
            seen.add(slot)
            row = ClassSession(course_id=course.id, class_unit_id=unit.id,
                               on_date=item.on_date, half=item.half, period=item.period,
                               kind=item.kind, hours=item.hours, created_by=actor.id,
                               created_at=now)
            session.add(row)
            session.flush()
            ids.append(row.id)
        uow.commit()
        return ids


def session_view(row: ClassSession, course: Course) -> dict[str, Any]:
    return {"id": row.id, "course_id": course.id, "course": course.name,
            "class_unit_id": row.class_unit_id, "date": row.on_date, "half": row.half,
            "half_name": HALF_NAMES[HalfDay(row.half)], "period": row.period, "kind": row.kind,
            "kind_name": SESSION_KIND_NAMES[SessionKind(row.kind)], "hours": row.hours}


def sessions_of(session: Session, unit_id: int, *, start: date | None = None,
                end: date | None = None) -> list[dict[str, Any]]:
    query = (sa.select(ClassSession, Course).join(Course, Course.id == ClassSession.course_id)
             .where(ClassSession.class_unit_id == unit_id))
    if start is not None:
        query = query.where(ClassSession.on_date >= start)
    if end is not None:
        query = query.where(ClassSession.on_date <= end)
    rows = session.execute(query.order_by(ClassSession.on_date, ClassSession.half,
                                          ClassSession.period, ClassSession.id)).all()
    return [session_view(row, course) for row, course in rows]

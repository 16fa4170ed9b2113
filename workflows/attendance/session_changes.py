"""Changing or deleting a session of the timetable, each change kept with who, when and why.

A session with attendance recorded is neither changed nor deleted: the learners' totals, their
hours missed and any measure opened were counted from it. The refusal says so and what to do.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import User
from models.attendance import (
    SESSION_KIND_NAMES,
    AttendanceRecord,
    ClassSession,
    Course,
    HalfDay,
    SessionChange,
    SessionKind,
)
from workflows.attendance import access
from workflows.attendance.courses import HALF_NAMES, NewSession, check_session
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, NotAllowed
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory.acting import today_at

FIELDS = ("date", "half", "period", "kind", "hours")
ACTION_NAMES = {"changed": "修改", "deleted": "删除"}


def _snapshot(row: ClassSession, course: Course) -> dict[str, Any]:
    return {"course_id": course.id, "course": course.name, "date": row.on_date.isoformat(),
            "half": row.half, "period": row.period, "kind": row.kind, "hours": row.hours}


def _editable(db: Session, actor: Actor, session_id: int, *, today: date,
              verb: str) -> tuple[ClassSession, Course]:
    row, course = access.session_of(db, actor, session_id)
    unit = access.class_unit(db, actor, row.class_unit_id)
    if not actor.is_admin and not access.teaches(db, actor, unit.id, today=today) \
            and not access.teaches_course(actor, course):
        raise NotAllowed(f"只有{unit.name}的班主任、该课程的任课教师或管理员可以{verb}此课次")
    recorded = db.scalar(sa.select(sa.func.count()).select_from(AttendanceRecord)
                         .where(AttendanceRecord.session_id == row.id)) or 0
    if recorded:
        raise Conflict(f"此课次已记录 {recorded} 名学员的考勤，不能{verb}：考勤合计、缺课学时和"
                       "已启动的处理都依据它计算。如课次有误，请先改正考勤记录或联系管理员")
    return row, course


def change_session(session_id: int, changes: dict[str, Any], *, reason: str, actor: Actor,
                   uow: UnitOfWork) -> dict[str, Any]:
    """Move or correct a session with no attendance recorded; the change is kept."""
    with uow:
        db = uow.session
        now = uow.runtime.now()
        row, course = _editable(db, actor, session_id, today=today_at(now), verb="修改")
        before = _snapshot(row, course)
        item = NewSession(course_id=course.id, on_date=row.on_date, half=row.half,
                          kind=row.kind, hours=row.hours, period=row.period)
        item = replace(item, **{("on_date" if k == "date" else k): v
                                for k, v in changes.items() if k in FIELDS and v is not None})
        check_session(item)
        taken = db.scalar(sa.select(ClassSession.id).where(
            ClassSession.course_id == course.id, ClassSession.on_date == item.on_date,
            ClassSession.half == item.half, ClassSession.period == item.period,
            ClassSession.id != row.id))
        if taken is not None:
            raise Conflict(f"{course.name}在{item.on_date.isoformat()}"
                           f"{HALF_NAMES[HalfDay(item.half)]}已有课次")
        row.on_date, row.half, row.period = item.on_date, item.half, item.period
        row.kind, row.hours = item.kind, item.hours
        after = _snapshot(row, course)
        if after == before:
            raise Conflict("没有要修改的内容")
        db.add(SessionChange(tenant_id=course.tenant_id, class_unit_id=row.class_unit_id,
                             session_id=row.id, action="changed", before=before, after=after,
                             reason=reason, actor_id=actor.id, at=now))
        uow.commit()
        return after | {"id": row.id}


def delete_session(session_id: int, *, reason: str, actor: Actor, uow: UnitOfWork) -> None:
    """Delete a session with no attendance recorded; the deletion is kept."""
    with uow:
        db = uow.session
        now = uow.runtime.now()
        row, course = _editable(db, actor, session_id, today=today_at(now), verb="删除")
        db.add(SessionChange(tenant_id=course.tenant_id, class_unit_id=row.class_unit_id,
                             session_id=row.id, action="deleted", before=_snapshot(row, course),
                             after=None, reason=reason, actor_id=actor.id, at=now))
        db.delete(row)
        uow.commit()


def changes_of(db: Session, unit_id: int) -> list[dict[str, Any]]:
    """The class's session changes, newest first, with who made them."""
    rows = db.execute(sa.select(SessionChange, User.display_name)
                      .outerjoin(User, User.id == SessionChange.actor_id)
                      .where(SessionChange.class_unit_id == unit_id)
                      .order_by(SessionChange.id.desc())).all()
    return [{"id": c.id, "session_id": c.session_id, "action": c.action,
             "action_name": ACTION_NAMES[c.action], "before": _named(c.before),
             "after": _named(c.after) if c.after else None, "reason": c.reason,
             "actor": name or "", "at": c.at} for c, name in rows]


def _named(snap: dict[str, Any]) -> dict[str, Any]:
    return snap | {"half_name": HALF_NAMES[HalfDay(snap["half"])],
                   "kind_name": SESSION_KIND_NAMES[SessionKind(snap["kind"])]}

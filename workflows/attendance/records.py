"""Taking attendance: the class's teacher records one session for the whole class at once.

Everyone enrolled is present unless marked; a mark of 缺勤 or 请假 counts as 请假 only when a
granted leave covers the session's half day, else as 旷课 (coverage.py). Recording again
replaces the session's records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models.attendance import COUNTED_NAMES, AttendanceRecord, Counted, Mark
from workflows.attendance import access, courses, coverage, totals
from workflows.attendance.leave_periods import leave_periods_of
from workflows.core.actors import Actor
from workflows.core.errors import InvalidInput
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory.acting import today_at

MARKS = {m.value for m in Mark}


@dataclass(frozen=True)
class MarkIn:
    person_id: int
    mark: str
    note: str | None = None


@dataclass
class Recorded:
    session_id: int
    class_unit_id: int
    course_id: int
    counts: dict[str, int] = field(default_factory=dict)
    # Learners whose absence changed: their totals are checked against the thresholds.
    changed: list[int] = field(default_factory=list)


def record_session(session_id: int, marks: list[MarkIn], *, actor: Actor,
                   uow: UnitOfWork) -> Recorded:
    """Store the session's attendance for the whole class (one transaction)."""
    with uow:
        db = uow.session
        now = uow.runtime.now()
        row, course = access.session_of(db, actor, session_id)
        access.require_teacher(db, actor, row.class_unit_id, today=today_at(now),
                               course=course)
        roster = {p.id: p for p in totals.learners_of(db, row.class_unit_id, on=row.on_date)}
        given: dict[int, MarkIn] = {}
        for number, item in enumerate(marks, start=1):
            if item.mark not in MARKS:
                raise InvalidInput(f"第 {number} 条：考勤只能是出勤、迟到、缺勤或请假")
            if item.person_id not in roster:
                raise InvalidInput(f"第 {number} 条：该学员不在本班名单中")
            if item.person_id in given:
                raise InvalidInput(f"第 {number} 条：同一学员只能记录一次")
            given[item.person_id] = item
        before = {r.person_id: r for r in db.scalars(
            sa.select(AttendanceRecord).where(AttendanceRecord.session_id == row.id))}
        result = Recorded(row.id, row.class_unit_id, course.id)
        for person_id in roster:
            item = given.get(person_id, MarkIn(person_id, Mark.PRESENT.value))
            leave = None
            if item.mark in (Mark.ABSENT, Mark.LEAVE):
                leave = coverage.covering_leave(
                    leave_periods_of(db, person_id, row.on_date, row.on_date),
                    row.on_date, row.half)
            counted = coverage.counted_as(item.mark, leave)
            record = before.get(person_id)
            if record is None:
                record = AttendanceRecord(session_id=row.id, person_id=person_id)
                db.add(record)
                if counted in (Counted.LEAVE, Counted.TRUANCY):
                    result.changed.append(person_id)
            elif record.counted != counted:
                result.changed.append(person_id)
            record.mark = item.mark
            record.counted = counted.value
            record.leave_instance_id = int(leave.instance_id) if leave is not None else None
            record.note = item.note
            record.recorded_by = actor.id
            record.recorded_at = now
            result.counts[counted.value] = result.counts.get(counted.value, 0) + 1
        uow.commit()
        return result


def roster_of(session: Session, session_id: int, *, actor: Actor,
              today: Any) -> dict[str, Any]:
    """The session and the class's learners with what is recorded (present when nothing is)."""
    row, course = access.session_of(session, actor, session_id)
    access.require_teacher(session, actor, row.class_unit_id, today=today, course=course)
    records = {r.person_id: r for r in session.scalars(
        sa.select(AttendanceRecord).where(AttendanceRecord.session_id == row.id))}
    learners = []
    for person in totals.learners_of(session, row.class_unit_id, on=row.on_date):
        record = records.get(person.id)
        counted = record.counted if record is not None else None
        learners.append({
            "person_id": person.id, "name": person.name, "number": person.number,
            "mark": record.mark if record is not None else Mark.PRESENT.value,
            "counted": counted,
            "counted_name": COUNTED_NAMES[Counted(counted)] if counted else None,
            "note": record.note if record is not None else None})
    return {"session": courses.session_view(row, course), "recorded": bool(records),
            "learners": learners}

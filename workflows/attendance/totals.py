"""Running totals per learner and school year (days) and per course (学时).

Absence is counted in half days: a learner absent from every session of a morning has missed
half a day, however many sessions it had. 缺勤 (absence) is 请假 plus 旷课; 迟到 is not absence.
A school year runs from 1 August to 31 July.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models.attendance import ABSENT_COUNTED, AttendanceRecord, ClassSession, Counted, Course
from models.directory import Enrolment, Person

HALF = Decimal("0.5")


def school_year_of(day: date) -> str:
    first = day.year if day.month >= 8 else day.year - 1
    return f"{first}-{first + 1}"


def year_range(school_year: str) -> tuple[date, date]:
    first = int(school_year[:4])
    return date(first, 8, 1), date(first + 1, 7, 31)


@dataclass
class Totals:
    """One learner's year: days absent (请假 + 旷课), of which 旷课 and 请假, and times late."""

    absence_days: Decimal = Decimal(0)
    truancy_days: Decimal = Decimal(0)
    leave_days: Decimal = Decimal(0)
    late: int = 0
    absent_hours_by_course: dict[int, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"absence_days": float(self.absence_days),
                "truancy_days": float(self.truancy_days),
                "leave_days": float(self.leave_days), "late": self.late}


def _rows(session: Session, person_ids: list[int], school_year: str
          ) -> list[tuple[int, date, str, str, int, int]]:
    start, end = year_range(school_year)
    return [tuple(row) for row in session.execute(  # type: ignore[misc]
        sa.select(AttendanceRecord.person_id, ClassSession.on_date, ClassSession.half,
                  AttendanceRecord.counted, ClassSession.hours, ClassSession.course_id)
        .join(ClassSession, ClassSession.id == AttendanceRecord.session_id)
        .where(AttendanceRecord.person_id.in_(person_ids),
               AttendanceRecord.counted != Counted.PRESENT.value,
               ClassSession.on_date >= start, ClassSession.on_date <= end)).all()]


def totals_of(session: Session, person_ids: list[int], school_year: str) -> dict[int, Totals]:
    """Each learner's totals for the school year (one query)."""
    result = {pid: Totals() for pid in person_ids}
    absent: dict[int, set[tuple[date, str]]] = defaultdict(set)
    truant: dict[int, set[tuple[date, str]]] = defaultdict(set)
    on_leave: dict[int, set[tuple[date, str]]] = defaultdict(set)
    if not person_ids:
        return result
    for pid, day, half, counted, hours, course_id in _rows(session, person_ids, school_year):
        totals = result[pid]
        if counted == Counted.LATE:
            totals.late += 1
            continue
        if counted not in ABSENT_COUNTED:
            continue
        absent[pid].add((day, half))
        (truant if counted == Counted.TRUANCY else on_leave)[pid].add((day, half))
        by_course = totals.absent_hours_by_course
        by_course[course_id] = by_course.get(course_id, 0) + hours
    for pid, totals in result.items():
        totals.absence_days = HALF * len(absent[pid])
        totals.truancy_days = HALF * len(truant[pid])
        totals.leave_days = HALF * len(on_leave[pid])
    return result


def course_absent_hours(session: Session, person_id: int, course_id: int) -> int:
    """学时 of the course's sessions the learner missed (请假 or 旷课)."""
    hours = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(ClassSession.hours), 0))
        .join(AttendanceRecord, AttendanceRecord.session_id == ClassSession.id)
        .where(ClassSession.course_id == course_id, AttendanceRecord.person_id == person_id,
               AttendanceRecord.counted.in_(ABSENT_COUNTED)))
    return int(hours or 0)


def learners_of(session: Session, unit_id: int, *, on: date) -> list[Person]:
    """The learners enrolled in the class on a day, by 学号 then name."""
    return list(session.scalars(
        sa.select(Person).join(Enrolment, Enrolment.person_id == Person.id)
        .where(Enrolment.unit_id == unit_id,
               sa.or_(Enrolment.valid_from.is_(None), Enrolment.valid_from <= on),
               sa.or_(Enrolment.valid_to.is_(None), Enrolment.valid_to >= on))
        .order_by(Person.number, Person.name, Person.id).distinct()))


def course_of(session: Session, course_id: int) -> Course | None:
    return session.get(Course, course_id)

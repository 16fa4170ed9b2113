"""What people see: a learner's own attendance, a class overview, absences per week."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models.attendance import (
    ABSENT_COUNTED,
    COUNTED_NAMES,
    SESSION_KIND_NAMES,
    AttendanceMeasure,
    AttendanceRecord,
    ClassSession,
    Counted,
    Course,
    HalfDay,
    SessionKind,
)
from models.directory import Person
from workflows.attendance import thresholds, totals
from workflows.attendance.courses import HALF_NAMES
from workflows.attendance.proposals import measure_view
from workflows.core.actors import Actor
from workflows.core.errors import NotFound
from workflows.core.runtime import Runtime

# How close counts as "near a threshold": the learner would cross one within this much more.
NEAR_ABSENCE = Decimal(2)
NEAR_TRUANCY = Decimal(1)


def measures_of(session: Session, person_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not person_ids:
        return found
    rows = session.execute(
        sa.select(AttendanceMeasure, Person, Course)
        .join(Person, Person.id == AttendanceMeasure.person_id)
        .outerjoin(Course, Course.id == AttendanceMeasure.course_id)
        .where(AttendanceMeasure.person_id.in_(person_ids))
        .order_by(AttendanceMeasure.opened_at, AttendanceMeasure.id)).all()
    for measure, person, course in rows:
        found[measure.person_id].append(measure_view(measure, person, course))
    return found


def my_attendance(session: Session, actor: Actor, *, today: date) -> dict[str, Any]:
    """The signed-in learner's records, totals and measures (with their reasons)."""
    if actor.person_id is None:
        raise NotFound("你的账号没有对应的学员档案")
    year = totals.school_year_of(today)
    start, end = totals.year_range(year)
    rows = session.execute(
        sa.select(AttendanceRecord, ClassSession, Course)
        .join(ClassSession, ClassSession.id == AttendanceRecord.session_id)
        .join(Course, Course.id == ClassSession.course_id)
        .where(AttendanceRecord.person_id == actor.person_id,
               ClassSession.on_date >= start, ClassSession.on_date <= end)
        .order_by(ClassSession.on_date.desc(), ClassSession.half.desc())).all()
    records = [{"session_id": s.id, "date": s.on_date, "half": s.half,
                "half_name": HALF_NAMES[HalfDay(s.half)], "course": c.name,
                "kind_name": SESSION_KIND_NAMES[SessionKind(s.kind)], "hours": s.hours,
                "counted": r.counted, "counted_name": COUNTED_NAMES[Counted(r.counted)]}
               for r, s, c in rows]
    year_totals = totals.totals_of(session, [actor.person_id], year)[actor.person_id]
    course_rows = session.execute(
        sa.select(Course).join(ClassSession, ClassSession.course_id == Course.id)
        .join(AttendanceRecord, AttendanceRecord.session_id == ClassSession.id)
        .where(AttendanceRecord.person_id == actor.person_id).distinct()).scalars().all()
    per_course = [{"course_id": c.id, "course": c.name, "term": c.term,
                   "contact_hours": c.contact_hours,
                   "absent_hours": year_totals.absent_hours_by_course.get(c.id, 0)}
                  for c in sorted(course_rows, key=lambda c: (c.term, c.name))]
    return {"school_year": year, "totals": year_totals.as_dict(), "courses": per_course,
            "records": records,
            "measures": measures_of(session, [actor.person_id]).get(actor.person_id, [])}


def _near(session: Session, runtime: Runtime, t: totals.Totals) -> list[str]:
    """The year measures the learner would reach with a little more absence, per the table."""
    now = thresholds.decide(session, runtime, thresholds.Inputs(
        t.absence_days, t.truancy_days, 0, 1))
    later = thresholds.decide(session, runtime, thresholds.Inputs(
        t.absence_days + NEAR_ABSENCE, t.truancy_days + NEAR_TRUANCY, 0, 1))
    if now is None or later is None:
        return []
    return sorted(k.value for k in later.measures - now.measures)


def class_overview(session: Session, runtime: Runtime, unit_id: int, *,
                   today: date) -> dict[str, Any]:
    """Each learner of the class with their year totals and measures; those a little more
    absence would bring to a threshold are flagged ``near``."""
    year = totals.school_year_of(today)
    learners = totals.learners_of(session, unit_id, on=today)
    ids = [p.id for p in learners]
    year_totals = totals.totals_of(session, ids, year)
    measures = measures_of(session, ids)
    rows = []
    for person in learners:
        t = year_totals[person.id]
        near = _near(session, runtime, t) if t.absence_days or t.truancy_days else []
        rows.append({"person_id": person.id, "name": person.name, "number": person.number,
                     **t.as_dict(), "near": near, "measures": measures.get(person.id, [])})
    return {"school_year": year, "learners": rows}


def weekly_absences(session: Session, unit_id: int, *, today: date,
                    weeks: int = 12) -> list[dict[str, Any]]:
    """Half days of 请假 and 旷课 in the class per ISO week, the last ``weeks`` weeks."""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    rows = session.execute(
        sa.select(ClassSession.on_date, ClassSession.half, AttendanceRecord.person_id,
                  AttendanceRecord.counted)
        .join(AttendanceRecord, AttendanceRecord.session_id == ClassSession.id)
        .where(ClassSession.class_unit_id == unit_id, ClassSession.on_date >= first,
               ClassSession.on_date <= monday + timedelta(days=6),
               AttendanceRecord.counted.in_(ABSENT_COUNTED))).all()
    slots: dict[date, dict[str, set[tuple[int, date, str]]]] = defaultdict(
        lambda: {"leave": set(), "truancy": set()})
    for day, half, person_id, counted in rows:
        week = day - timedelta(days=day.weekday())
        slots[week][counted].add((person_id, day, half))
    result = []
    for n in range(weeks):
        week = first + timedelta(weeks=n)
        got = slots.get(week, {"leave": set(), "truancy": set()})
        result.append({"week_start": week,
                       "leave_days": float(totals.HALF * len(got["leave"])),
                       "truancy_days": float(totals.HALF * len(got["truancy"]))})
    return result

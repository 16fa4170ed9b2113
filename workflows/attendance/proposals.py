"""Thresholds acted on: a learner's totals crossing a threshold open its measure exactly once.

After a session is recorded, each learner whose absence changed is checked against the latest
thresholds table (thresholds.py). A measure is one row per learner, kind and scope (the school
year; the course for a void exam), so the 10th day of absence opens one 重读一年 proposal and
the 11th opens nothing new. A 重读一年, 退学 or 纪律处分 measure starts the ``attendance_proposal``
process (班主任 → 班级办公室 → the learner's 陈述 → 分管领导), in the learner's name so that they
are told and answer as its initiator; a void exam is shown to the learner with its reason.
Each step is its own short transaction: the records are kept whatever happens here, and a
measure whose process could not be started is started at the next check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import User
from models.attendance import (
    MEASURE_NAMES,
    AttendanceMeasure,
    ClassSession,
    Course,
    MeasureKind,
)
from models.directory import OrgUnit, Person
from workflows.attendance import thresholds, totals
from workflows.attendance.records import Recorded
from workflows.core.actors import Actor
from workflows.core.errors import CertflowError
from workflows.core.unit_of_work import UnitOfWork, UnitOfWorkFactory
from workflows.identity.users import load_actor
from workflows.instances.lifecycle import start_instance

PROCESS_ID = "attendance_proposal"
PROPOSED = (MeasureKind.REPEAT_YEAR.value, MeasureKind.WITHDRAWAL.value,
            MeasureKind.DISCIPLINE.value)


@dataclass
class Checked:
    opened: list[dict[str, Any]] = field(default_factory=list)
    version: int | None = None
    problem: str | None = None


def _days(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _reason(kind: MeasureKind, year: str, t: totals.Totals, course: Course | None,
            hours: int) -> str:
    if kind is MeasureKind.REPEAT_YEAR:
        return (f"{year}学年累计缺勤 {_days(t.absence_days)} 天（请假 {_days(t.leave_days)} 天、"
                f"旷课 {_days(t.truancy_days)} 天），达到重读一年的标准")
    if kind is MeasureKind.WITHDRAWAL:
        return f"{year}学年旷课 {_days(t.truancy_days)} 天，达到退学的标准"
    if kind is MeasureKind.DISCIPLINE:
        return f"{year}学年旷课 {_days(t.truancy_days)} 天，应给予纪律处分"
    assert course is not None
    return (f"《{course.name}》缺勤 {hours} 学时，超过面授学时 {course.contact_hours} 的三分之一，"
            "该课程期末考试成绩无效")


def measure_view(measure: AttendanceMeasure, person: Person | None = None,
                 course: Course | None = None) -> dict[str, Any]:
    return {"id": measure.id, "person_id": measure.person_id,
            "name": person.name if person is not None else "", "kind": measure.kind,
            "kind_name": MEASURE_NAMES[MeasureKind(measure.kind)],
            "school_year": measure.school_year, "course_id": measure.course_id,
            "course": course.name if course is not None else None,
            "instance_id": measure.instance_id, "reason": measure.reason,
            "opened_at": measure.opened_at, "facts": measure.facts}


def _open(uow: UnitOfWork, *, tenant_id: int, person: Person, kind: MeasureKind, year: str,
          session_row: ClassSession, course: Course, t: totals.Totals, hours: int,
          version: int) -> AttendanceMeasure | None:
    """The measure, unless this learner already has it for its scope (then None)."""
    db = uow.session
    scope = f"course:{course.id}" if kind is MeasureKind.EXAM_VOID else year
    exists = db.scalar(sa.select(AttendanceMeasure.id).where(
        AttendanceMeasure.person_id == person.id, AttendanceMeasure.kind == kind.value,
        AttendanceMeasure.scope == scope))
    if exists is not None:
        return None
    measure = AttendanceMeasure(
        tenant_id=tenant_id, person_id=person.id, kind=kind.value, scope=scope,
        school_year=year, course_id=course.id if kind is MeasureKind.EXAM_VOID else None,
        session_id=session_row.id, instance_id=None,
        reason=_reason(kind, year, t, course, hours),
        facts={**t.as_dict(), "course_id": course.id, "course_absent_hours": hours,
               "course_contact_hours": course.contact_hours, "thresholds_version": version},
        opened_at=uow.runtime.now())
    try:
        with db.begin_nested():  # a concurrent check may have opened it a moment ago
            db.add(measure)
    except IntegrityError:
        return None
    return measure


def check_thresholds(done: Recorded, *, actor: Actor, uows: UnitOfWorkFactory) -> Checked:
    """Open the measures the latest thresholds call for, then start their processes."""
    checked = Checked()
    if not done.changed:
        return checked
    with uows() as uow:
        db = uow.session
        session_row = db.get(ClassSession, done.session_id)
        course = db.get(Course, done.course_id)
        unit = db.get(OrgUnit, done.class_unit_id)
        assert session_row is not None and course is not None and unit is not None
        year = totals.school_year_of(session_row.on_date)
        year_totals = totals.totals_of(db, done.changed, year)
        opened: list[AttendanceMeasure] = []
        for person_id in done.changed:
            person = db.get(Person, person_id)
            assert person is not None
            t = year_totals[person_id]
            hours = totals.course_absent_hours(db, person_id, course.id)
            try:
                outcome = thresholds.decide(db, uow.runtime, thresholds.Inputs(
                    t.absence_days, t.truancy_days, hours, course.contact_hours))
            except CertflowError as error:
                checked.problem = error.detail
                break
            if outcome is None:
                checked.problem = "考勤阈值决策表（attendance_thresholds）尚未部署：未判定处理"
                break
            checked.version = outcome.version
            kinds = sorted(outcome.measures) + (
                [MeasureKind.EXAM_VOID] if outcome.exam_void else [])
            for kind in kinds:
                measure = _open(uow, tenant_id=unit.tenant_id or unit.id, person=person,
                                kind=kind, year=year, session_row=session_row, course=course,
                                t=t, hours=hours, version=outcome.version)
                if measure is not None:
                    opened.append(measure)
        uow.commit(keep_loaded=True)
        opened_ids = [m.id for m in opened]
    problem = start_pending(done.changed, actor=actor, uows=uows)
    checked.problem = checked.problem or problem
    with uows(write=False) as uow:
        db = uow.session
        for measure in db.scalars(sa.select(AttendanceMeasure).where(
                AttendanceMeasure.id.in_(opened_ids)).order_by(AttendanceMeasure.id)):
            checked.opened.append(measure_view(
                measure, db.get(Person, measure.person_id),
                db.get(Course, measure.course_id) if measure.course_id else None))
    return checked


def _proposal_data(uow: UnitOfWork, measure: AttendanceMeasure) -> dict[str, Any]:
    db = uow.session
    person = db.get(Person, measure.person_id)
    assert person is not None
    unit = None
    if measure.session_id is not None:
        row = db.get(ClassSession, measure.session_id)
        unit = db.get(OrgUnit, row.class_unit_id) if row is not None else None
    facts = measure.facts
    employer = (person.employer or "").strip()
    letter = (employer_letter(employer, person.name, unit.name if unit is not None else "",
                              f"{measure.school_year}学年旷课 "
                              f"{_days(Decimal(str(facts.get('truancy_days', 0))))} 天",
                              db.get(OrgUnit, measure.tenant_id))
              if employer and measure.kind == MeasureKind.DISCIPLINE else "")
    return {"measure_id": measure.id, "measure": measure.kind,
            "measure_name": MEASURE_NAMES[MeasureKind(measure.kind)],
            "learner": person.name, "learner_number": person.number or "",
            "class_name": unit.name if unit is not None else "",
            "school_year": measure.school_year, "reason": measure.reason,
            "absence_days": facts.get("absence_days"), "truancy_days": facts.get("truancy_days"),
            "leave_days": facts.get("leave_days"), "employer": person.employer or "",
            "has_employer": bool(employer), "employer_letter": letter}


def employer_letter(employer: str, learner: str, class_name: str, absence: str,
                    school: OrgUnit | None) -> str:
    """The notice the 班级办公室 sends the learner's employer once 纪律处分 is decided (drafted
    when the proposal starts; the office records when and how it was sent)."""
    where = f"（{class_name}）" if class_name else ""
    signed = school.name if school is not None else ""
    return (f"{employer}：贵单位职工{learner}{where}在{absence}。依据学校学员考勤管理规定，"
            f"经分管领导决定，给予纪律处分。特此通知。{signed}")


def start_pending(person_ids: list[int], *, actor: Actor, uows: UnitOfWorkFactory
                  ) -> str | None:
    """Start the proposal process of every measure of these learners that has none yet."""
    with uows(write=False) as uow:
        pending = list(uow.session.scalars(sa.select(AttendanceMeasure).where(
            AttendanceMeasure.person_id.in_(person_ids),
            AttendanceMeasure.kind.in_(PROPOSED), AttendanceMeasure.instance_id.is_(None))
            .order_by(AttendanceMeasure.id)))
        work = [(m.id, m.person_id, _proposal_data(uow, m)) for m in pending]
        accounts = {m.person_id: uow.session.scalar(
            sa.select(User.id).where(User.person_id == m.person_id, User.active.is_(True))
            .order_by(User.id).limit(1)) for m in pending}
        subjects = {pid: load_actor(uow.session, uid) for pid, uid in accounts.items()
                    if uid is not None}
    problem = None
    for measure_id, person_id, data in work:
        # In the learner's name: they are told, answer as its initiator and see it as theirs.
        starter = subjects.get(person_id, actor)
        try:
            view = start_instance(PROCESS_ID, business_key=f"KQ-{measure_id}", data=data,
                                  actor=starter, uow=uows())
        except CertflowError as error:
            problem = f"考勤处理提议流程未能启动：{error.detail}"
            continue
        with uows() as uow:
            measure = uow.session.get(AttendanceMeasure, measure_id)
            if measure is not None and measure.instance_id is None:
                measure.instance_id = view.instance.id
            uow.commit()
    return problem

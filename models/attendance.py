"""Attendance (考勤): a class's courses and sessions, who was there, and the measures it led to.

A 班级 has courses with their 面授学时 per term; a course has sessions (课次) on a date and half
day; a session has one record per learner (present unless marked). What a mark counts as (请假 or
旷课) is decided when it is recorded, from the learner's leave. A measure (重读一年, 退学, 纪律处分,
考试成绩无效) is opened once per learner and school year (or course) and names the process it
started.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class SessionKind(StrEnum):
    LECTURE = "lecture"  # 面授课
    COMPUTER = "computer"  # 上机课
    LAB = "lab"  # 实验课
    EXAM = "exam"  # 考试


SESSION_KIND_NAMES = {SessionKind.LECTURE: "面授课", SessionKind.COMPUTER: "上机课",
                      SessionKind.LAB: "实验课", SessionKind.EXAM: "考试"}


class HalfDay(StrEnum):
    AM = "am"  # 上午
    PM = "pm"  # 下午


class Mark(StrEnum):
    """What the teacher marked."""

    PRESENT = "present"  # 出勤
    LATE = "late"  # 迟到
    ABSENT = "absent"  # 缺勤
    LEAVE = "leave"  # 请假 (as the teacher was told; counted only when a leave covers it)


class Counted(StrEnum):
    """What a record counts as, decided from the learner's leave when it is recorded."""

    PRESENT = "present"  # 出勤
    LATE = "late"  # 迟到
    LEAVE = "leave"  # 请假: covered by an approved leave
    TRUANCY = "truancy"  # 旷课: absent without an approved leave (refused, unrequested, 超假)


COUNTED_NAMES = {Counted.PRESENT: "出勤", Counted.LATE: "迟到", Counted.LEAVE: "请假",
                 Counted.TRUANCY: "旷课"}
ABSENT_COUNTED = (Counted.LEAVE.value, Counted.TRUANCY.value)


class MeasureKind(StrEnum):
    REPEAT_YEAR = "repeat_year"  # 重读一年: cumulative absence
    WITHDRAWAL = "withdrawal"  # 退学: 旷课
    DISCIPLINE = "discipline"  # 纪律处分: 旷课 below the withdrawal threshold
    EXAM_VOID = "exam_void"  # 期末考试成绩无效: absence over a share of a course's 面授学时


MEASURE_NAMES = {MeasureKind.REPEAT_YEAR: "重读一年", MeasureKind.WITHDRAWAL: "退学",
                 MeasureKind.DISCIPLINE: "纪律处分", MeasureKind.EXAM_VOID: "期末考试成绩无效"}


class Course(Base):
    """A course a 班级 takes in a term, with its 面授学时 (contact hours)."""

    __tablename__ = "course"
    __table_args__ = (
        sa.UniqueConstraint("class_unit_id", "term", "name", name="uq_course_class_term_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"))
    class_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"))
    name: Mapped[str] = mapped_column(sa.String(64))
    term: Mapped[str] = mapped_column(sa.String(16))  # e.g. 2026-2027-1
    contact_hours: Mapped[int] = mapped_column()  # 面授学时
    teacher_person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="SET NULL"))  # 任课教师
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ClassSession(Base):
    """One session (课次) of a course: a date, a half day, a kind and its hours."""

    __tablename__ = "class_session"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "on_date", "half", "period",
                            name="uq_class_session_slot"),
        sa.Index("ix_class_session_class_date", "class_unit_id", "on_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"))
    class_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"))
    on_date: Mapped[date] = mapped_column(sa.Date)
    half: Mapped[str] = mapped_column(sa.String(2))  # HalfDay
    period: Mapped[str] = mapped_column(sa.String(16), default="")  # 节次, e.g. 1-2
    kind: Mapped[str] = mapped_column(sa.String(16))  # SessionKind
    hours: Mapped[int] = mapped_column()  # 学时
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AttendanceRecord(Base):
    """One learner at one session: what was marked and what it counts as."""

    __tablename__ = "attendance_record"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "person_id", name="uq_attendance_record_session_person"),
        sa.Index("ix_attendance_record_person", "person_id", "counted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("class_session.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"))
    mark: Mapped[str] = mapped_column(sa.String(16))  # Mark
    counted: Mapped[str] = mapped_column(sa.String(16))  # Counted
    leave_instance_id: Mapped[int | None] = mapped_column()  # the leave that covers it
    note: Mapped[str | None] = mapped_column(sa.String(200))
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AttendanceMeasure(Base):
    """A threshold crossed: opened once per learner, kind and scope (school year or course)."""

    __tablename__ = "attendance_measure"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "kind", "scope", name="uq_attendance_measure_once"),
        sa.Index("ix_attendance_measure_tenant", "tenant_id", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # MeasureKind
    scope: Mapped[str] = mapped_column(sa.String(32))  # "2026-2027" or "course:<id>"
    school_year: Mapped[str] = mapped_column(sa.String(9))
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("class_session.id", ondelete="SET NULL"))  # the session that crossed it
    instance_id: Mapped[int | None] = mapped_column(sa.ForeignKey("process_instance.id"))
    reason: Mapped[str] = mapped_column(sa.String(255))  # shown to the learner
    facts: Mapped[dict[str, Any]] = mapped_column(sa.JSON)  # totals and the table's version
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SessionChange(Base):
    """A session changed or deleted after it was added: who, when, why, before and after.

    No foreign key to the session: the record of a deletion must outlive the session.
    """

    __tablename__ = "class_session_change"
    __table_args__ = (sa.Index("ix_class_session_change_class", "class_unit_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"))
    class_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"))
    session_id: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(sa.String(16))  # changed | deleted
    before: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

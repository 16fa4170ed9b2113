"""The school directory: organisation units, people, enrolments and positions.

An organisation unit tree per tenant: the root is a 机构 (a school or an assessment centre);
below it 系部, 专业, 班级 and 职能部门. ``path`` is the chain of ids from the root
(``"/1/4/9/"``), so "this unit and everything below it" is one indexed prefix comparison.
People belong to a tenant; a sign-in account (``app_user.person_id``) belongs to a person.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class UnitKind(StrEnum):
    INSTITUTION = "institution"  # 机构: a school or an assessment centre, a tenant's root
    DEPARTMENT = "department"  # 系部
    MAJOR = "major"  # 专业
    CLASS = "class"  # 班级
    OFFICE = "office"  # 职能部门 (教务处, 学生工作处, 招生就业处, 督导室)


UNIT_KIND_NAMES = {
    UnitKind.INSTITUTION: "机构",
    UnitKind.DEPARTMENT: "系部",
    UnitKind.MAJOR: "专业",
    UnitKind.CLASS: "班级",
    UnitKind.OFFICE: "职能部门",
}


class PositionRole(StrEnum):
    """What a person does in a unit; the role ids are the diagrams' lane ids."""

    CLASS_TEACHER = "class_teacher"  # 班主任 of a 班级
    TEACHER = "teacher"  # 任课教师 of a 班级 (recusal: the teacher of the candidate's class)
    CLASS_OFFICE = "class_office"  # 班级办公室
    DEPARTMENT_HEAD = "department_head"  # 系部主任
    LEADER = "leader"  # 分管领导 of a unit (one row per unit led)
    EXAMINER = "examiner"  # 考评员, with the occupations and levels they may assess
    ELIGIBILITY_REVIEWER = "eligibility_reviewer"  # 资格审核员
    EXAM_ADMIN = "exam_admin"  # 考务人员
    SCORE_REVIEWER = "score_reviewer"  # 成绩审核员
    QUALITY_SUPERVISOR = "quality_supervisor"  # 质量监督小组
    CERTIFICATE_OFFICER = "certificate_officer"  # 证书管理员
    LEADING_GROUP = "leading_group"  # 领导小组
    AUDITOR = "auditor"  # 审计员
    ADMIN = "admin"  # 系统管理员 (of a centre: also the fallback for unaddressable tasks)


ROLE_NAMES = {
    PositionRole.CLASS_TEACHER: "班主任",
    PositionRole.TEACHER: "任课教师",
    PositionRole.CLASS_OFFICE: "班级办公室",
    PositionRole.DEPARTMENT_HEAD: "系部主任",
    PositionRole.LEADER: "分管领导",
    PositionRole.EXAMINER: "考评员",
    PositionRole.ELIGIBILITY_REVIEWER: "资格审核员",
    PositionRole.EXAM_ADMIN: "考务人员",
    PositionRole.SCORE_REVIEWER: "成绩审核员",
    PositionRole.QUALITY_SUPERVISOR: "质量监督小组",
    PositionRole.CERTIFICATE_OFFICER: "证书管理员",
    PositionRole.LEADING_GROUP: "领导小组",
    PositionRole.AUDITOR: "审计员",
    PositionRole.ADMIN: "系统管理员",
}


def role_name(role: str) -> str:
    """The Chinese name of a position role (the id itself for one this version does not know)."""
    try:
        return ROLE_NAMES[PositionRole(role)]
    except ValueError:
        return role


class OrgUnit(Base):
    __tablename__ = "org_unit"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "code", name="uq_org_unit_tenant_code"),
        sa.Index("ix_org_unit_path", "path"),
        sa.Index("ix_org_unit_parent", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The root 机构 of this unit's tree; a root's is its own id (set when it is created).
    tenant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_unit.id"))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_unit.id"))
    path: Mapped[str] = mapped_column(sa.String(255), default="")
    kind: Mapped[str] = mapped_column(sa.String(16))
    code: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(128))
    active: Mapped[bool] = mapped_column(default=True)
    # A 班级's 年级 (1 = 一年级), raised by one when the rollover promotes it; a class keeps
    # its name (机电2301) and moves up with its learners. None elsewhere, and for a class
    # whose grade is not known.
    grade: Mapped[int | None] = mapped_column()


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (
        # 身份证号 is unique within a tenant (stored upper-cased); many people have none on file.
        sa.UniqueConstraint("tenant_id", "id_number", name="uq_person_tenant_id_number"),
        sa.Index("ix_person_tenant_number", "tenant_id", "number"),
        sa.Index("ix_person_tenant_name", "tenant_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"))
    name: Mapped[str] = mapped_column(sa.String(64))  # 姓名
    id_number: Mapped[str | None] = mapped_column(sa.String(18))  # 身份证号, check digit verified
    number: Mapped[str | None] = mapped_column(sa.String(32))  # 学号 / 工号
    mobile: Mapped[str | None] = mapped_column(sa.String(20))
    employer: Mapped[str | None] = mapped_column(sa.String(128))  # workers' 工作单位
    status: Mapped[str] = mapped_column(sa.String(16))  # models.statuses.PersonStatus
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Enrolment(Base):
    """A learner in a 班级 from one day to another (open-ended while studying)."""

    __tablename__ = "enrolment"
    __table_args__ = (
        sa.Index("ix_enrolment_person", "person_id"),
        sa.Index("ix_enrolment_unit", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"))
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)


class Position(Base):
    """A person's role in a unit for a period; a role at a unit covers the units below it."""

    __tablename__ = "position"
    __table_args__ = (
        sa.Index("ix_position_role_unit", "role", "unit_id"),
        sa.Index("ix_position_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"))
    role: Mapped[str] = mapped_column(sa.String(32))  # PositionRole
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)
    # 考评员: the occupations and levels they may assess ({"occupations": [...], "levels": [...]}).
    scope: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)


class Substitution(Base):
    """代理: while ``person_id`` is away, ``substitute_id`` may act on their tasks too."""

    __tablename__ = "substitution"
    __table_args__ = (sa.Index("ix_substitution_person", "person_id"),
                      sa.Index("ix_substitution_substitute", "substitute_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"))
    substitute_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"))
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_to: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConflictDeclaration(Base):
    """回避声明: a staff member declares a conflict with a person (kin, tutor, colleague…)."""

    __tablename__ = "conflict_declaration"
    __table_args__ = (sa.UniqueConstraint("person_id", "subject_id",
                                          name="uq_conflict_declaration_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.String(255))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime())

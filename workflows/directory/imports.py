"""Import a school into the directory: units by code, then people with their classes and
positions, row by row, each row checked by the same rules as any other writer.

The demo seed builds its school through here, and a spreadsheet import (one row per person)
maps its columns onto ``PersonRow``. A row that breaks a rule (bad 身份证号 check digit, unknown
class, unknown role) is reported with its row number and skipped; the others are stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Group, Membership, User
from models.directory import OrgUnit, Person, UnitKind
from models.statuses import PersonStatus
from workflows.core.errors import CertflowError, InvalidInput
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory.people import add_person, appoint, enrol
from workflows.directory.units import add_unit


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    kind: UnitKind
    parent_code: str | None  # None: directly under the centre


@dataclass(frozen=True)
class PersonRow:
    name: str
    status: PersonStatus
    number: str | None = None  # 学号 / 工号: a person already imported with it is skipped
    id_number: str | None = None
    mobile: str | None = None
    employer: str | None = None
    class_code: str | None = None  # a learner's 班级
    positions: tuple[tuple[str, str], ...] = ()  # (role, unit code)
    username: str | None = None  # with a password: a sign-in account for the person
    password: str | None = None
    role: str = "reviewer"  # the account's role (applicant, reviewer, admin, auditor)
    valid_from: date | None = None


@dataclass
class ImportResult:
    units: int = 0
    people: int = 0
    accounts: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def import_units(session: Session, centre: OrgUnit, rows: list[UnitRow],
                 result: ImportResult) -> None:
    """Create the units that do not exist yet (by code), parents before children; a unit that
    exists under another parent is moved under the one named."""
    for row in rows:
        parent = centre if row.parent_code is None else _unit(session, centre, row.parent_code)
        if parent is None:
            result.problems.append(f"单元 {row.code}：上级单元 {row.parent_code} 不存在")
            continue
        existing = _unit(session, centre, row.code)
        if existing is None:
            add_unit(session, kind=row.kind, code=row.code, name=row.name, parent=parent)
            result.units += 1
        elif existing.parent_id != parent.id:
            move_unit(session, existing, parent)


def import_people(session: Session, centre: OrgUnit, rows: list[PersonRow], *,
                  uow: UnitOfWork, result: ImportResult) -> None:
    """Add each person (with enrolment, positions and account) in a savepoint of its own."""
    for index, row in enumerate(rows, start=1):
        if row.number and session.scalar(sa.select(Person.id).where(
                Person.tenant_id == centre.id, Person.number == row.number)):
            result.skipped += 1
            continue
        try:
            with session.begin_nested():
                _import_person(session, centre, row, uow=uow, result=result)
        except CertflowError as error:
            result.problems.append(f"第 {index} 行（{row.name}）：{error.detail}")


def _import_person(session: Session, centre: OrgUnit, row: PersonRow, *, uow: UnitOfWork,
                   result: ImportResult) -> None:
    person = add_person(session, tenant_id=centre.id, name=row.name, status=row.status,
                        now=uow.runtime.now(), id_number=row.id_number, number=row.number,
                        mobile=row.mobile, employer=row.employer)
    if row.class_code:
        unit = _unit(session, centre, row.class_code)
        if unit is None:
            raise _missing(row.class_code)
        enrol(session, person, unit, valid_from=row.valid_from)
    for role, code in row.positions:
        unit = _unit(session, centre, code)
        if unit is None:
            raise _missing(code)
        appoint(session, person, role, unit, valid_from=row.valid_from)
    result.people += 1
    if row.username and row.password and session.scalar(
            sa.select(User.id).where(User.username == row.username)) is None:
        user = User(username=row.username, display_name=row.name, role=row.role,
                    password_hash=uow.runtime.passwords.hash(row.password), active=True,
                    created_at=uow.runtime.now(), person_id=person.id)
        session.add(user)
        session.flush()
        groups = {role for role, _ in row.positions} | (
            {"applicant"} if row.role == "applicant" else set())
        for group in sorted(groups):
            if session.get(Group, group) is not None:
                session.add(Membership(user_id=user.id, group_id=group))
        result.accounts += 1


def move_unit(session: Session, unit: OrgUnit, parent: OrgUnit) -> None:
    """Hang a unit (and everything below it) under another parent of the same centre."""
    old, new = unit.path, f"{parent.path}{unit.id}/"
    session.execute(sa.update(OrgUnit).where(OrgUnit.path.startswith(old)).values(
        path=sa.literal(new) + sa.func.substr(OrgUnit.path, len(old) + 1)),
        execution_options={"synchronize_session": False})
    unit.parent_id = parent.id
    session.flush()
    session.expire_all()


def _unit(session: Session, centre: OrgUnit, code: str) -> OrgUnit | None:
    return session.scalar(sa.select(OrgUnit).where(OrgUnit.tenant_id == centre.id,
                                                   OrgUnit.code == code))


def _missing(code: str) -> CertflowError:
    return InvalidInput(f"本机构没有代码为 {code} 的组织单元")

"""An administrator's work on the people of their centre: find, add, edit, change status,
disable, reset a password, move a learner to another class, give and end positions.

Every change is one entry of the centre's directory history (``history.py``) with the values
before and after. Disabling a person disables their accounts and refuses their tokens from the
next request on; resetting a password also refuses the tokens issued before.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Enrolment, OrgUnit, Person, Position, User
from models.directory import ROLE_NAMES, PositionRole, UnitKind
from models.statuses import PersonStatus
from workflows.core import id_numbers
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory.acting import today_at
from workflows.directory.people import add_person, appoint, enrol
from workflows.directory.reads import person_view
from workflows.directory.role_groups import join_role_group
from workflows.directory.units import unit_of_centre
from workflows.identity.activation_codes import awaits_activation, withdraw_codes
from workflows.identity.password_policy import handed_over_password
from workflows.onboarding.accounts import account_of_centre
from workflows.onboarding.history import ChangeKind, ChangeLog, centre_log
from workflows.onboarding.imports import centre_of, end_enrolments, shown_values
from workflows.onboarding.position_end import after_position_end

SEARCH_LIMIT = 50
EDITABLE = ("name", "number", "id_number", "mobile", "employer", "status")


def find_people(session: Session, text: str, *, actor: Actor, today: date,
                limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
    """People of the centre by part of 姓名, a 学号/工号 (or its beginning), or the last digits
    of a 身份证号 (four or more), each with accounts, class and current positions."""
    tenant_id = centre_of(actor)
    text = text.strip()
    if not text:
        raise InvalidInput("请输入姓名、学号/工号或身份证号后几位")
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    matches = [Person.name.like(f"%{escaped}%", escape="\\"),
               Person.number.like(f"{escaped}%", escape="\\")]
    if len(text) >= 4 and (text.isdigit() or (text[:-1].isdigit() and text[-1] in "xX")):
        matches.append(Person.id_number.like(f"%{escaped.upper()}", escape="\\"))
    people = list(session.scalars(sa.select(Person).where(Person.tenant_id == tenant_id,
                                                          sa.or_(*matches))
                                  .order_by(Person.name, Person.id).limit(limit)))
    return [_card(session, person, today=today) for person in people]


def person_card(session: Session, person_id: int, *, actor: Actor,
                today: date) -> dict[str, Any]:
    return _card(session, _person(session, person_id, centre_of(actor)), today=today)


def _card(session: Session, person: Person, *, today: date) -> dict[str, Any]:
    accounts = session.scalars(sa.select(User).where(User.person_id == person.id)
                               .order_by(User.id))
    open_enrolment = sa.or_(Enrolment.valid_to.is_(None), Enrolment.valid_to >= today)
    classes = session.execute(sa.select(Enrolment, OrgUnit).join(
        OrgUnit, OrgUnit.id == Enrolment.unit_id).where(Enrolment.person_id == person.id,
                                                        open_enrolment).order_by(Enrolment.id))
    positions = session.execute(sa.select(Position, OrgUnit).join(
        OrgUnit, OrgUnit.id == Position.unit_id).where(
        Position.person_id == person.id,
        sa.or_(Position.valid_to.is_(None), Position.valid_to >= today)).order_by(Position.id))
    return {
        **person_view(person),
        "accounts": [{"id": a.id, "username": a.username, "active": a.active,
                      "awaiting_activation": awaits_activation(session, a.id)}
                     for a in accounts],
        "enrolments": [{"id": e.id, "unit_id": u.id, "class_name": u.name,
                        "valid_from": e.valid_from, "valid_to": e.valid_to}
                       for e, u in classes],
        "positions": [{"id": p.id, "role": p.role,
                       "role_name": ROLE_NAMES.get(PositionRole(p.role), p.role),
                       "unit_id": u.id, "unit": u.name, "valid_from": p.valid_from,
                       "valid_to": p.valid_to} for p, u in positions],
    }


def create_person(fields: dict[str, Any], *, class_id: int | None, actor: Actor,
                  uow: UnitOfWork) -> int:
    """A new person of the centre; a learner given a 班级 is enrolled in it from today."""
    tenant_id = centre_of(actor)
    with uow:
        session = uow.session
        log = centre_log(uow, tenant_id, actor)
        status = PersonStatus(fields.get("status") or (
            PersonStatus.STUDYING if class_id is not None else PersonStatus.EMPLOYED))
        number = fields.get("number")
        if number and session.scalar(sa.select(Person.id).where(
                Person.tenant_id == tenant_id, Person.number == number)):
            raise Conflict(f"本机构已有学号/工号为 {number} 的人员")
        person = add_person(session, tenant_id=tenant_id, name=fields["name"], status=status,
                            now=uow.runtime.now(), id_number=fields.get("id_number"),
                            number=number, mobile=fields.get("mobile"),
                            employer=fields.get("employer"))
        log.add(ChangeKind.PERSON_ADDED, "person", person.id,
                after=shown_values({k: getattr(person, k) for k in EDITABLE}))
        if class_id is not None:
            unit = unit_of_centre(session, class_id, tenant_id)
            today = today_at(uow.runtime.now())
            enrol(session, person, unit, valid_from=today)
            log.add(ChangeKind.ENROLLED, "person", person.id,
                    after={"class": unit.name, "valid_from": today.isoformat()})
        log.flush()
        uow.commit()
        return person.id


def edit_person(person_id: int, changes: dict[str, Any], *, actor: Actor,
                uow: UnitOfWork) -> None:
    """Change a person's record; becoming 停用 disables their accounts as ``disable_person``."""
    tenant_id = centre_of(actor)
    with uow:
        session = uow.session
        log = centre_log(uow, tenant_id, actor)
        person = _person(session, person_id, tenant_id)
        before, after = {}, {}
        for key in EDITABLE:
            if key not in changes:
                continue
            value = changes[key]
            if isinstance(value, str):
                value = value.strip() or None
            if key == "name" and not value:
                raise InvalidInput("姓名不能为空")
            if key == "id_number" and value:
                reason = id_numbers.problem(value)
                if reason is not None:
                    raise InvalidInput(reason)
                value = id_numbers.normalize(value)
                _unique(session, Person.id_number, value, person, "身份证号")
            if key == "number" and value:
                _unique(session, Person.number, value, person, "学号/工号")
            if key == "mobile" and value and not (value.isdigit() and len(value) == 11
                                                  and value.startswith("1")):
                raise InvalidInput("手机号应为以 1 开头的11位数字")
            if key == "status":
                value = PersonStatus(value)
            if getattr(person, key) != value:
                before[key], after[key] = getattr(person, key), value
                setattr(person, key, value)
        if after:
            log.add(ChangeKind.PERSON_CHANGED, "person", person.id, before=shown_values(before),
                    after=shown_values(after))
        if after.get("status") == PersonStatus.DISABLED:
            if person.id == actor.person_id:
                raise NotAllowed("不能停用自己的账号")
            _disable_accounts(session, person, log, now=uow.runtime.now())
        log.flush()
        uow.commit()


def disable_person(person_id: int, *, actor: Actor, uow: UnitOfWork) -> None:
    """停用: the person's status and every account of theirs; their tokens stop working now."""
    edit_person(person_id, {"status": PersonStatus.DISABLED}, actor=actor, uow=uow)


def _disable_accounts(session: Session, person: Person, log: ChangeLog, *, now: Any) -> None:
    for user in session.scalars(sa.select(User).where(User.person_id == person.id,
                                                      User.active.is_(True))):
        user.active, user.tokens_valid_after = False, now
        log.add(ChangeKind.ACCOUNT_DISABLED, "person", person.id,
                before={"username": user.username, "active": True},
                after={"username": user.username, "active": False})


def reset_password(user_id: int, *, actor: Actor, uow: UnitOfWork) -> str:
    """A new random password for an account of the centre, shown once to the administrator;
    the account's earlier tokens are refused from now on."""
    tenant_id = centre_of(actor)
    with uow:
        session = uow.session
        log = centre_log(uow, tenant_id, actor)
        user, person = account_of_centre(session, user_id, tenant_id)
        if user.id == actor.id:
            raise NotAllowed("不能重置自己的密码：请用修改密码")
        password = handed_over_password()
        withdraw_codes(session, user.id, now=uow.runtime.now())  # the password replaces them
        user.password_hash = uow.runtime.passwords.hash(password)
        user.must_change_password = True
        user.tokens_valid_after = uow.runtime.now()
        log.add(ChangeKind.PASSWORD_RESET, "person", person.id,
                after={"username": user.username})
        log.flush()
        uow.commit()
        return password


def move_learner(person_id: int, unit_id: int, *, valid_from: date | None, actor: Actor,
                 uow: UnitOfWork) -> int:
    """Move a learner to another 班级 from a day (default today): the open enrolment ends the
    day before."""
    tenant_id = centre_of(actor)
    with uow:
        session = uow.session
        log = centre_log(uow, tenant_id, actor)
        person = _person(session, person_id, tenant_id)
        unit = unit_of_centre(session, unit_id, tenant_id)
        if unit.kind != UnitKind.CLASS:
            raise InvalidInput(f"“{unit.name}”不是班级")
        start = valid_from or today_at(uow.runtime.now())
        units = {u.id: u for u in session.scalars(sa.select(OrgUnit).where(
            OrgUnit.tenant_id == tenant_id))}
        end_enrolments(session, units, person, log, today=start)
        enrolment = enrol(session, person, unit, valid_from=start)
        log.add(ChangeKind.ENROLLED, "person", person.id,
                after={"enrolment_id": enrolment.id, "class": unit.name,
                       "valid_from": start.isoformat()})
        log.flush()
        uow.commit()
        return enrolment.id


def give_position(person_id: int, unit_id: int, *, role: str, valid_from: date | None,
                  valid_to: date | None, actor: Actor, uow: UnitOfWork) -> int:
    """A position for a period (e.g. 班主任 of 机电2301 from 2026-09-01); holders already in
    the role keep theirs (to replace a holder and hand over open tasks, appoint with
    ``replace`` at ``/directory/units/{unit_id}/positions``). Held today, it gives the
    holder's accounts the role's group at once (``role_groups.py``); starting later, the
    sweep gives it on its first day (``position_start.py``)."""
    tenant_id = centre_of(actor)
    with uow:
        session = uow.session
        log = centre_log(uow, tenant_id, actor)
        person = _person(session, person_id, tenant_id)
        unit = unit_of_centre(session, unit_id, tenant_id)
        if role == PositionRole.CLASS_TEACHER and unit.kind != UnitKind.CLASS:
            raise InvalidInput(f"班主任须任职于班级，“{unit.name}”不是班级")
        today = today_at(uow.runtime.now())
        start = valid_from or today
        position = appoint(session, person, role, unit, valid_from=start, valid_to=valid_to)
        joined = join_role_group(session, position, today=today)
        log.add(ChangeKind.POSITION_ADDED, "person", person.id,
                after={"position_id": position.id, "role": role, "unit": unit.name,
                       "valid_from": start.isoformat(),
                       "valid_to": valid_to.isoformat() if valid_to else None,
                       **({"groups_joined": joined} if joined else {})})
        log.flush()
        uow.commit()
        return position.id


def end_position(position_id: int, *, valid_to: date | None, actor: Actor,
                 uow: UnitOfWork) -> None:
    """A position ends on a day (default yesterday: it no longer holds today). When it was a
    staff member's last position, their tokens stop working now (``position_end.py``)."""
    tenant_id = centre_of(actor)
    with uow:
        session = uow.session
        log = centre_log(uow, tenant_id, actor)
        position = session.get(Position, position_id)
        person = session.get(Person, position.person_id) if position else None
        if position is None or person is None or person.tenant_id != tenant_id:
            raise NotFound(f"岗位 {position_id} 不存在")
        end = valid_to or today_at(uow.runtime.now()) - timedelta(days=1)
        if position.valid_from is not None and end < position.valid_from - timedelta(days=1):
            raise InvalidInput("结束日期早于任职开始日期")
        before = {"position_id": position.id, "role": position.role,
                  "valid_to": position.valid_to.isoformat() if position.valid_to else None}
        position.valid_to = end
        revoked = after_position_end(session, position, now=uow.runtime.now())
        log.add(ChangeKind.POSITION_ENDED, "person", person.id, before=before,
                after={"valid_to": end.isoformat(), **revoked})
        log.flush()
        uow.commit()


def _person(session: Session, person_id: int, tenant_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None or person.tenant_id != tenant_id:
        raise NotFound(f"人员 {person_id} 不存在")
    return person


def _unique(session: Session, column: Any, value: str, person: Person, label: str) -> None:
    other = session.scalar(sa.select(Person.id).where(Person.tenant_id == person.tenant_id,
                                                      column == value, Person.id != person.id))
    if other is not None:
        raise Conflict(f"本机构已有此{label}的人员")

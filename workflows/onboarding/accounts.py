"""Opening sign-in accounts for imported people, a class or a department at a time.

Each account gets a random password that is shown once — on the hand-over sheet the class
teacher prints — and must be replaced at the first sign-in; or, by the administrator's choice,
a one-time activation code instead, with which the person chooses their password
(``activation.py``). The user name is the person's 学号/工号 (they may sign in with it anyway),
or ``p<id>`` for someone without one. Learners get the applicant role; staff get the groups of
the positions they hold today.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Enrolment, Membership, OrgUnit, Person, Position, User
from models.statuses import PersonStatus
from workflows.core.actors import Actor
from workflows.core.errors import InvalidInput, NotFound
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory.acting import today_at
from workflows.directory.role_groups import groups_of_roles
from workflows.directory.units import unit_of_centre
from workflows.directory.validity import held_on
from workflows.identity.activation_codes import issue_code, open_codes
from workflows.identity.password_policy import handed_over_password
from workflows.onboarding.history import ChangeKind, ChangeLog, centre_log, lock_centre
from workflows.onboarding.imports import centre_of

MAX_ACCOUNTS_PER_REQUEST = 500  # one password hash each: a class or a department at a time
_CLOSED = {PersonStatus.DISABLED, PersonStatus.LEFT}


class Mode(StrEnum):
    """What the person is handed: an initial password, or an activation code."""

    PASSWORD = "password"
    ACTIVATION_CODE = "activation_code"


@dataclass(frozen=True)
class HandedOver:
    """One line of the hand-over sheet (the password or code appears nowhere else, ever)."""

    person_id: int
    name: str
    number: str | None
    unit: str | None
    username: str
    password: str | None = None
    activation_code: str | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Skipped:
    person_id: int
    name: str
    reason: str


def open_accounts(*, person_ids: list[int] | None, unit_id: int | None, actor: Actor,
                  uow: UnitOfWork, mode: Mode = Mode.PASSWORD
                  ) -> tuple[list[HandedOver], list[Skipped]]:
    """Accounts for the people named, or for everyone studying or working in a unit and
    below it; people who already have one, or have left, are skipped with the reason.

    With activation codes, an account still waiting for activation is not skipped: it gets
    a new code, and the old one stops working (a lost slip, an expired code).
    """
    tenant_id = centre_of(actor)
    if not person_ids and unit_id is None:
        raise InvalidInput("请指定人员或组织单元")
    with uow:
        session = uow.session
        log = centre_log(uow, tenant_id, actor)
        today = today_at(uow.runtime.now())
        people = _people(session, tenant_id, person_ids, unit_id, today)
        if len(people) > MAX_ACCOUNTS_PER_REQUEST:
            raise InvalidInput(f"一次最多开通 {MAX_ACCOUNTS_PER_REQUEST} 个账号，"
                               "请按班级或部门分批开通")
        handed, skipped = [], []
        # Nobody will ever know the password of an account opened for a code: one hash
        # serves the whole batch (and none is made when no account is new).
        unusable = cache(lambda: uow.runtime.passwords.hash(secrets.token_urlsafe(32)))
        for person in people:
            waiting = _waiting_account(session, person) if mode == Mode.ACTIVATION_CODE \
                else None
            reason = None if waiting else _why_not(session, person)
            if reason:
                skipped.append(Skipped(person.id, person.name, reason))
            elif mode == Mode.PASSWORD:
                handed.append(_with_password(uow, person, log, today=today))
            else:
                if waiting is None:
                    waiting, _ = _new_account(uow, person, today=today,
                                              must_change=False, password_hash=unusable())
                    log.add(ChangeKind.ACCOUNT_ADDED, "person", person.id,
                            after={"username": waiting.username, "role": waiting.role,
                                   "by": Mode.ACTIVATION_CODE.value})
                handed.append(hand_over_code(uow, waiting, person, log))
        log.flush()
        uow.commit()
        return handed, skipped


def _with_password(uow: UnitOfWork, person: Person, log: ChangeLog, *,
                   today: date) -> HandedOver:
    """A new account with a random password its holder must replace at the first sign-in."""
    password = handed_over_password()
    user, learner_of = _new_account(uow, person, today=today, must_change=True,
                                    password_hash=uow.runtime.passwords.hash(password))
    log.add(ChangeKind.ACCOUNT_ADDED, "person", person.id,
            after={"username": user.username, "role": user.role})
    return HandedOver(person.id, person.name, person.number, learner_of, user.username,
                      password=password)


def hand_over_code(uow: UnitOfWork, user: User, person: Person, log: ChangeLog) -> HandedOver:
    """A new activation code for the account (withdrawing any open one), recorded in the
    centre's history without the code."""
    now = uow.runtime.now()
    unit = _current_class(uow.session, person.id, today_at(now))
    issued = issue_code(uow.session, user.id, passwords=uow.runtime.passwords, now=now,
                        valid_for=timedelta(days=uow.runtime.settings.activation_code_days))
    log.add(ChangeKind.ACTIVATION_CODE_ISSUED, "person", person.id,
            after={"username": user.username, "expires_at": issued.expires_at.isoformat()})
    return HandedOver(person.id, person.name, person.number, unit, user.username,
                      activation_code=issued.code, expires_at=issued.expires_at)


def open_account_at_sign_on(person_id: int, *, uow: UnitOfWork) -> None:
    """An account for a person of the directory who signed in through the campus sign-on
    before anyone opened one (only where the administrators turned that on). Its password is
    random and never shown: the person signs in through the sign-on, or an administrator
    resets one. Recorded in the centre's history with no actor (the sign-on vouched)."""
    with uow:
        session = uow.session
        person = session.get(Person, person_id)
        if person is None or _why_not(session, person):
            return  # gone, closed or given an account meanwhile: the sign-in decides again
        lock_centre(session, person.tenant_id)
        now = uow.runtime.now()
        log = ChangeLog(session, person.tenant_id, actor_id=None, at=now,
                        key=uow.runtime.chain_key)
        user, _ = _new_account(uow, person, today=today_at(now), must_change=False,
                               password_hash=uow.runtime.passwords.hash(
                                   secrets.token_urlsafe(24)))
        log.add(ChangeKind.ACCOUNT_ADDED, "person", person.id,
                after={"username": user.username, "role": user.role, "by": "统一身份认证"})
        log.flush()
        uow.commit()


def _new_account(uow: UnitOfWork, person: Person, *, today: date,
                 password_hash: str, must_change: bool) -> tuple[User, str | None]:
    """The account of a person (learners: applicant; staff: the groups of their positions
    today), and the class they study in."""
    session = uow.session
    learner_of = _current_class(session, person.id, today)
    roles = set(session.scalars(sa.select(Position.role).where(
        Position.person_id == person.id, held_on(Position, today))))
    user = User(username=_username(session, person), display_name=person.name,
                role="applicant" if learner_of is not None and not roles else "reviewer",
                password_hash=password_hash, active=True,
                must_change_password=must_change, created_at=uow.runtime.now(),
                person_id=person.id)
    session.add(user)
    session.flush()
    wanted = groups_of_roles(session, roles | ({"applicant"} if learner_of is not None
                                               else set()))
    session.add_all(Membership(user_id=user.id, group_id=g) for g in sorted(wanted))
    return user, learner_of


def _people(session: Session, tenant_id: int, person_ids: list[int] | None,
            unit_id: int | None, today: date) -> list[Person]:
    if person_ids:
        found = {p.id: p for p in session.scalars(sa.select(Person).where(
            Person.id.in_(person_ids), Person.tenant_id == tenant_id))}
        missing = [i for i in person_ids if i not in found]
        if missing:
            raise NotFound(f"人员 {missing[0]} 不存在")
        return [found[i] for i in dict.fromkeys(person_ids)]
    assert unit_id is not None
    unit = unit_of_centre(session, unit_id, tenant_id)
    below = sa.select(OrgUnit.id).where(OrgUnit.tenant_id == tenant_id,
                                        OrgUnit.path.startswith(unit.path))
    members = sa.union(
        sa.select(Enrolment.person_id).where(Enrolment.unit_id.in_(below),
                                             held_on(Enrolment, today)),
        sa.select(Position.person_id).where(Position.unit_id.in_(below),
                                            held_on(Position, today)))
    return list(session.scalars(sa.select(Person).where(Person.id.in_(members))
                                .order_by(Person.number, Person.name, Person.id)))


def _why_not(session: Session, person: Person) -> str | None:
    if person.status in _CLOSED:
        return "人员已停用或离职"
    if session.scalar(sa.select(User.id).where(User.person_id == person.id,
                                               User.active.is_(True))) is not None:
        return "已有账号"
    return None


def _waiting_account(session: Session, person: Person) -> User | None:
    """The person's active account that still waits for activation (an open code), if any."""
    if person.status in _CLOSED:
        return None
    return session.scalar(sa.select(User).where(
        User.person_id == person.id, User.active.is_(True),
        sa.exists().where(open_codes(User.id))).order_by(User.id).limit(1))


def _username(session: Session, person: Person) -> str:
    for candidate in (person.number, f"p{person.id}"):
        if candidate and session.scalar(
                sa.select(User.id).where(User.username == candidate)) is None:
            return candidate
    return f"p{person.id}-{person.tenant_id}"


def _current_class(session: Session, person_id: int, today: date) -> str | None:
    return session.scalar(sa.select(OrgUnit.name).join(Enrolment, Enrolment.unit_id == OrgUnit.id)
                          .where(Enrolment.person_id == person_id, held_on(Enrolment, today))
                          .limit(1))



def account_of_centre(session: Session, user_id: int, tenant_id: int) -> tuple[User, Person]:
    """An account of a person of the centre, with its person; any other id, another centre's
    included, is the same 404, so an administrator cannot probe which accounts exist elsewhere."""
    user = session.get(User, user_id)
    person = session.get(Person, user.person_id) if user and user.person_id else None
    if user is None or person is None or person.tenant_id != tenant_id:
        raise NotFound(f"账号 {user_id} 不存在")
    return user, person

"""Who performs a user task, said as a relation over the directory (the ``performer`` property).

A diagram names the performer of a user task in a ``spiffworkflow:property`` named
``performer``::

    <spiffworkflow:property name="performer" value="class_teacher(applicant)" />

| expression            | the task goes to                                                     |
| --------------------- | -------------------------------------------------------------------- |
| ``initiator``         | the person who started the case (销假, 补正)                           |
| ``<role>(applicant)`` | the holder of ``<role>`` nearest to the applicant: their 班级, then    |
|                       | 专业, 系部 and centre, the first unit where someone holds the role     |
| ``<role>(centre)``    | the holders of ``<role>`` at the applicant's centre (机构)             |

A learner's task with no ``performer`` in a lane of a unit role (班主任, 任课教师, 班级办公室,
系部主任, 分管领导) goes to the holder nearest the learner as well (``nearest_holder``); only when
nobody in the learner's line holds the role is it offered to the role's group in the centre.

``<role>`` is a position role (``models.directory.PositionRole``): ``class_teacher`` (the
applicant's 班主任), ``department_head`` (head of the applicant's 系部), ``leader`` (分管领导),
``class_office``, ``eligibility_reviewer``, ``examiner``… The task stores the resolved address
— the role and the unit where it is held — never a list of names, so whoever holds that position
when the inbox is read sees the task. Parsed at deploy (an unknown role or anchor is a located
422) and resolved when the task is created (``resolve``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask, User
from models.directory import ROLE_NAMES, OrgUnit, Position, PositionRole, Substitution
from workflows.directory.validity import held_on, today_param

PROPERTY = "performer"
ADMIN = PositionRole.ADMIN.value
INITIATOR = "initiator"
ANCHORS = ("applicant", "centre")
_CALL = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$")
_ROLES = {role.value for role in PositionRole}


class InvalidAddress(ValueError):
    pass


@dataclass(frozen=True)
class Address:
    """A parsed performer expression: ``role`` at ``anchor``, or the initiator (role None)."""

    role: str | None
    anchor: str | None = None

    @property
    def text(self) -> str:
        return INITIATOR if self.role is None else f"{self.role}({self.anchor})"


def parse_address(value: str) -> Address:
    """The address an expression names; ``InvalidAddress`` says what is wrong, in Chinese."""
    text = value.strip()
    if text == INITIATOR:
        return Address(None)
    match = _CALL.match(text)
    if match is None:
        raise InvalidAddress(f"办理人表达式“{text}”无法解析："
                             "应为 initiator 或 角色(applicant|centre)")
    role, anchor = match.groups()
    if role not in _ROLES:
        raise InvalidAddress(f"办理人表达式“{text}”中的未知函数/角色 {role}；可用："
                             + ", ".join(sorted(_ROLES)))
    if anchor not in ANCHORS:
        raise InvalidAddress(f"办理人表达式“{text}”中的未知对象 {anchor}；可用：applicant, centre")
    return Address(role, anchor)


@dataclass(frozen=True)
class Resolved:
    """Where an addressed task goes: a role held at a unit; ``fallback`` when nobody held the
    role asked for and the unit's administrators were given it instead."""

    role: str
    unit_id: int | None  # None only for an applicant outside the directory
    fallback: bool = False
    wanted: str | None = None  # the role asked for, when it fell back


_HOLDERS = (
    sa.select(Position.unit_id)
    .where(Position.role == sa.bindparam("role"),
           Position.unit_id.in_(sa.bindparam("units", expanding=True)),
           held_on(Position, today_param()))
    .distinct()
)


def resolve(session: Session, address: Address, home_id: int, *, today: date) -> Resolved:
    """The unit nearest to the applicant's (``home_id``) where the role is held today.

    One query for the role, which reads the applicant's line from the unit's path itself; more
    only when nobody holds it (the administrators of the nearest unit that has one, or of the
    centre). Never everyone.
    """
    assert address.role is not None
    found = _nearest_to(session, address.role, home_id, today,
                        at_centre=address.anchor != "applicant")
    if found is not None:
        return Resolved(address.role, found)
    home = session.get(OrgUnit, home_id)
    assert home is not None, "a case's unit is a row of the directory (foreign key)"
    admin = _nearest(session, PositionRole.ADMIN, _chain(home), today)
    return Resolved(PositionRole.ADMIN, admin if admin is not None else home.tenant_id or home.id,
                    fallback=True, wanted=address.role)


_HOME = sa.orm.aliased(OrgUnit, name="home")
_HELD_TODAY = (Position.role == sa.bindparam("role"),
               held_on(Position, today_param()))
# The nearest unit of the applicant's line (the unit and those above it: the units whose path
# begins the applicant's unit's path) where the role is held today, in one round trip.
_NEAREST_IN_LINE = (
    sa.select(OrgUnit.id).join(Position, Position.unit_id == OrgUnit.id)
    .where(*_HELD_TODAY, OrgUnit.path != "",
           sa.select(_HOME.path).where(_HOME.id == sa.bindparam("home")).scalar_subquery()
           .startswith(OrgUnit.path, autoescape=False))
    .order_by(sa.func.length(OrgUnit.path).desc()).limit(1)
)
# The applicant's centre, when someone holds the role there today.
_AT_CENTRE = (
    sa.select(Position.unit_id)
    .where(*_HELD_TODAY, Position.unit_id == sa.select(sa.func.coalesce(_HOME.tenant_id, _HOME.id))
           .where(_HOME.id == sa.bindparam("home")).scalar_subquery())
    .limit(1)
)


def _nearest_to(session: Session, role: str, home_id: int, today: date, *,
                at_centre: bool = False) -> int | None:
    query = _AT_CENTRE if at_centre else _NEAREST_IN_LINE
    return session.scalar(query, {"role": role, "home": home_id, "today": today})


_HOLDER_ACCOUNTS = (
    sa.select(User.id)
    .join(Position, Position.person_id == User.person_id)
    .where(Position.role == sa.bindparam("role"), Position.unit_id == sa.bindparam("unit"),
           User.active.is_(True),
           held_on(Position, today_param()))
    .distinct()
)


_SUBSTITUTE_ACCOUNTS = (
    sa.select(User.id)
    .join(Substitution, Substitution.substitute_id == User.person_id)
    .join(Position, Position.person_id == Substitution.person_id)
    .where(Position.role == sa.bindparam("role"), Position.unit_id == sa.bindparam("unit"),
           User.active.is_(True),
           Substitution.valid_from <= sa.bindparam("today"),
           Substitution.valid_to >= sa.bindparam("today"),
           held_on(Position, today_param()))
    .distinct()
)


# Holders and their substitutes in one round trip (a reminder's recipients).
_HOLDER_OR_SUBSTITUTE_ACCOUNTS = sa.union(_HOLDER_ACCOUNTS, _SUBSTITUTE_ACCOUNTS)


def holders(session: Session, role: str, unit_id: int | None, *, today: date,
            substitutes: bool = False) -> list[int]:
    """The accounts of the people holding ``role`` at ``unit_id`` today (with
    ``substitutes``: and of those standing in for them today, 代理)."""
    if unit_id is None:
        return []
    params = {"role": role, "unit": unit_id, "today": today}
    query = _HOLDER_OR_SUBSTITUTE_ACCOUNTS if substitutes else _HOLDER_ACCOUNTS
    return sorted(set(session.scalars(query, params)))


def task_holders(session: Session, task: HumanTask, *, today: date) -> list[int] | None:
    """Who holds an open task, as accounts: its assignee, or the people holding the role at
    the unit it is addressed to today and those standing in for them; None for a task offered
    to a group as a whole."""
    if task.assignee_id is not None:
        return [task.assignee_id]
    if task.address_unit_id is None:
        return None
    return holders(session, task.candidate_group or "", task.address_unit_id, today=today,
                   substitutes=True)


def role_name(role: str) -> str:
    try:
        return ROLE_NAMES[PositionRole(role)]
    except ValueError:
        return role


# Roles held in a unit of the school (not centre-wide): a task of such a group that its diagram
# gives no performer goes to the holder nearest the applicant, as ``<role>(applicant)`` would.
UNIT_ROLES = frozenset({PositionRole.CLASS_TEACHER.value, PositionRole.TEACHER.value,
                        PositionRole.CLASS_OFFICE.value, PositionRole.DEPARTMENT_HEAD.value,
                        PositionRole.LEADER.value})


def nearest_holder(session: Session, group: str, home_id: int, *,
                   today: date) -> Resolved | None:
    """For a task with no ``performer`` whose group is a unit role: the unit nearest the
    applicant's (``home_id``) where someone holds it today. None (the group of the centre, as
    before) for other groups or when nobody in the applicant's line holds the role."""
    if group not in UNIT_ROLES:
        return None
    found = _nearest_to(session, group, home_id, today)
    return Resolved(group, found) if found is not None else None


def _chain(home: OrgUnit) -> list[int]:
    """The unit and its ancestors, nearest first (read from its path)."""
    return [int(part) for part in reversed(home.path.strip("/").split("/")) if part]


def _nearest(session: Session, role: str, chain: list[int], today: date) -> int | None:
    held = set(session.scalars(_HOLDERS, {"role": role, "units": chain, "today": today}))
    return next((unit for unit in chain if unit in held), None)

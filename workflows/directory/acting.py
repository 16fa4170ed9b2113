"""What a signed-in person may act as today: their current positions, and where a case lives.

The inbox asks once per page (``acting_positions``), claim and complete once per task
(``holds``); both are single prebuilt statements.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from models import HumanTask
from models.directory import Enrolment, OrgUnit, Person, Position, Substitution
from workflows.core.actors import Actor
from workflows.core.working_days import local_zone
from workflows.directory.validity import held_on, today_param


def today_at(now: datetime | None = None) -> date:
    """The calendar day at the school (positions are valid by day); readers without a runtime
    clock pass none and get the wall clock's day."""
    return (now or datetime.now(local_zone())).astimezone(local_zone()).date()


# The people the actor stands in for today (代理): they named the actor their substitute.
_REPRESENTED = (sa.select(Substitution.person_id)
                .where(Substitution.substitute_id == sa.bindparam("person"),
                       Substitution.valid_from <= sa.bindparam("today", type_=sa.Date),
                       Substitution.valid_to >= sa.bindparam("today", type_=sa.Date)))
_MINE_OR_REPRESENTED = sa.or_(Position.person_id == sa.bindparam("person"),
                              Position.person_id.in_(_REPRESENTED))
_POSITIONS = (sa.select(Position.role, Position.unit_id)
              .where(_MINE_OR_REPRESENTED, held_on(Position, today_param()))
              .distinct())
# Whose position the actor acts in: their own first, else the person they stand in for.
_HOLDS = (sa.select(Position.person_id)
          .where(_MINE_OR_REPRESENTED,
                 Position.role == sa.bindparam("role"), Position.unit_id == sa.bindparam("unit"),
                 held_on(Position, today_param()))
          .order_by((Position.person_id != sa.bindparam("person")), Position.person_id)
          .limit(1))
# The same, for the task a statement reads (its role and unit), as a column of that statement:
# the lock of a task reads whether the actor holds its address in the lock's round trip.
TASK_HOLDER = (sa.select(Position.person_id)
               .where(_MINE_OR_REPRESENTED,
                      Position.role == HumanTask.candidate_group,
                      Position.unit_id == HumanTask.address_unit_id,
                      held_on(Position, today_param()))
               .order_by((Position.person_id != sa.bindparam("person")), Position.person_id)
               .limit(1).scalar_subquery().label("holder"))
# Where a person's cases live, as one column: their 班级 (the latest enrolment held today),
# else the most specific unit of a position they hold today, else their centre. Scalar
# subqueries of the bound ``person`` and ``today``: the database stops at the first that
# answers, and a start reads it in the round trip that reads its definition.
_ENROLLED_UNIT = (sa.select(Enrolment.unit_id)
                  .where(Enrolment.person_id == sa.bindparam("person"),
                         held_on(Enrolment, today_param()))
                  .order_by(Enrolment.id.desc()).limit(1).scalar_subquery())
_POSTED_AT = aliased(OrgUnit, name="posted_at")
_POSTED_UNIT = (sa.select(Position.unit_id).join(_POSTED_AT, _POSTED_AT.id == Position.unit_id)
                .where(Position.person_id == sa.bindparam("person"),
                       held_on(Position, today_param()))
                .order_by(sa.func.length(_POSTED_AT.path).desc(), Position.id)
                .limit(1).scalar_subquery())
_CENTRE = (sa.select(Person.tenant_id).where(Person.id == sa.bindparam("person"))
           .scalar_subquery())
HOME_UNIT_ID: sa.ColumnElement[int] = sa.func.coalesce(_ENROLLED_UNIT, _POSTED_UNIT, _CENTRE)


_HOLDERS = "certflow_holders"


def acting_positions(session: Session, actor: Actor, *, today: date) -> list[tuple[str, int]]:
    """(role, unit id) of every position the actor holds today, or holds for someone who
    named them their substitute for today, sorted."""
    if actor.person_id is None:
        return []
    # Through the connection: plain rows, without the ORM's per-statement bookkeeping (the
    # inbox asks on every page).
    rows = session.connection().execute(_POSITIONS, {"person": actor.person_id,
                                                     "today": today}).all()
    return sorted((row.role, row.unit_id) for row in rows)


def holds(session: Session, actor: Actor, role: str | None, unit_id: int, *,
          today: date) -> bool:
    """Whether the actor holds ``role`` at exactly ``unit_id`` today (or stands in for
    someone who does)."""
    return holder(session, actor, role, unit_id, today=today) is not None


def holder(session: Session, actor: Actor, role: str | None, unit_id: int, *,
           today: date) -> int | None:
    """The person whose position the actor acts in: the actor's own person, the person they
    substitute for, or None."""
    if actor.person_id is None or role is None:
        return None
    # Asked more than once per transaction (may I see it, may I claim it, whose position did
    # I act in): one query, the answer kept for the rest of the transaction.
    known = _known_holders(session)
    key = (actor.person_id, role, unit_id, today)
    if key not in known:
        known[key] = session.scalar(_HOLDS, {"person": actor.person_id, "role": role,
                                             "unit": unit_id, "today": today})
    return known[key]


def remember_holder(session: Session, actor: Actor, role: str | None, unit_id: int, *,
                    today: date, person_id: int | None) -> None:
    """Keep for this transaction what a statement with ``TASK_HOLDER`` (bound to the actor
    and ``today``) read, so ``holds``/``holder`` need no query of their own."""
    if actor.person_id is not None and role is not None:
        _known_holders(session)[(actor.person_id, role, unit_id, today)] = person_id


def _known_holders(session: Session) -> dict[tuple[int, str, int, date], int | None]:
    transaction, known = session.info.get(_HOLDERS, (None, {}))
    if transaction is not session.get_transaction():
        known = {}
        session.info[_HOLDERS] = (session.get_transaction(), known)
    return known


def offered_to(actor: Actor, positions: list[tuple[str, int]]) -> sa.ColumnElement[bool]:
    """SQL: a human task is offered to the actor — to a group of theirs as a whole (no unit)
    within their centre, or addressed to a role they hold at its unit. Applicants are offered
    no group's tasks."""
    criteria: list[sa.ColumnElement[bool]] = []
    if actor.groups and actor.role != "applicant":
        centre = (HumanTask.tenant_id.is_(None) if actor.tenant_id is None
                  else HumanTask.tenant_id == actor.tenant_id)
        criteria.append(sa.and_(centre, HumanTask.address_unit_id.is_(None),
                                HumanTask.candidate_group.in_(sorted(actor.groups))))
    criteria += [sa.and_(HumanTask.address_unit_id == unit, HumanTask.candidate_group == role)
                 for role, unit in positions]
    return sa.or_(*criteria) if criteria else sa.false()

"""Relations between two people the separation-of-duties rules ask about (回避).

Each is one prebuilt statement: whether the actor teaches the candidate's class, shares the
candidate's employer, or declared a conflict with the candidate.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from models import User
from models.directory import ConflictDeclaration, Enrolment, Person, Position, PositionRole
from workflows.directory.validity import held_on, today_param

TEACHING_ROLES = (PositionRole.CLASS_TEACHER.value, PositionRole.TEACHER.value)


_CANDIDATE_CLASSES = (sa.select(Enrolment.unit_id)
                      .where(Enrolment.person_id == sa.bindparam("candidate"),
                             held_on(Enrolment, today_param())))
_TEACHES = (sa.select(Position.unit_id)
            .where(Position.person_id == sa.bindparam("actor"),
                   Position.role.in_(TEACHING_ROLES), held_on(Position, today_param()),
                   Position.unit_id.in_(_CANDIDATE_CLASSES))
            .limit(1))
_actor, _candidate = aliased(Person), aliased(Person)
_SAME_EMPLOYER = (sa.select(_actor.employer)
                  .join(_candidate, sa.and_(_candidate.id == sa.bindparam("candidate"),
                                            _candidate.employer == _actor.employer))
                  .where(_actor.id == sa.bindparam("actor"), _actor.employer.is_not(None),
                         _actor.employer != ""))
_DECLARED = (sa.select(ConflictDeclaration.reason)
             .where(ConflictDeclaration.person_id == sa.bindparam("actor"),
                    ConflictDeclaration.subject_id == sa.bindparam("candidate")).limit(1))


def person_of(session: Session, user_id: int | None) -> int | None:
    if user_id is None:
        return None
    return session.scalar(sa.select(User.person_id).where(User.id == user_id))


def teaches_class_of(session: Session, actor_person: int, candidate_person: int | None, *,
                     today: date) -> bool:
    """The actor is 班主任 or 任课教师 of a class the candidate is enrolled in."""
    if candidate_person is None:
        return False
    return session.scalar(_TEACHES, {"actor": actor_person, "candidate": candidate_person,
                                     "today": today}) is not None


def same_employer(session: Session, actor_person: int, candidate_person: int) -> str | None:
    """The employer both work for, if any."""
    return session.scalar(_SAME_EMPLOYER, {"actor": actor_person, "candidate": candidate_person})


def declared_conflict(session: Session, actor_person: int, candidate_person: int) -> str | None:
    """The reason of the actor's 回避声明 about the candidate, if they made one."""
    return session.scalar(_DECLARED, {"actor": actor_person, "candidate": candidate_person})

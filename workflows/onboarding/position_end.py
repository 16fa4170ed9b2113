"""What ending a position takes away besides the position: a staff member's sign-in.

A staff member's powers come from two places. Their positions (role + unit, by day) address
tasks to them, let them claim those and let supervisors and heads read cases; these lapse by
themselves on the first day the position no longer holds, since every request asks for today's
positions. Their account's group memberships (``membership``, given when the account was opened
from the positions held then) let them claim tasks addressed to a whole group, and a token only
carries the account. So when a position that no longer holds today was its holder's last (no
other position and no enrolment held today: learners keep their enrolment's access), every
token of their accounts is refused from now on (``tokens_valid_after``) and the memberships of
the position's role, held for no other position, are taken away. A position ending today or
later changes nothing yet (docs/onboarding.md). The caller writes the returned facts into the
history entry of the position's end.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Enrolment, Membership, Position, User
from workflows.directory.acting import today_at
from workflows.directory.validity import held_on, not_ended_by


def after_position_end(session: Session, position: Position, *, now: datetime) -> dict[str, Any]:
    """Revoke the holder's tokens and drop the groups of the position's role when it was their
    last position (``position.valid_to`` already set); the facts for the history entry."""
    assert position.valid_to is not None
    session.flush()  # the new end counts in the queries below
    today = today_at(now)
    person_id = position.person_id
    if (position.valid_to >= today
            or _holds_other(session, Position, person_id, today, position.id)
            or _holds_other(session, Enrolment, person_id, today, None)):
        return {}
    facts: dict[str, Any] = {"tokens_revoked": True}
    accounts = sa.select(User.id).where(User.person_id == person_id)
    session.execute(sa.update(User).where(User.id.in_(accounts)).values(tokens_valid_after=now),
                    execution_options={"synchronize_session": False})
    if not session.scalar(
            sa.select(Position.id).where(Position.person_id == person_id,
                                         Position.role == position.role,
                                         not_ended_by(Position, today)).limit(1)):
        of_role = sa.and_(Membership.user_id.in_(accounts), Membership.group_id == position.role)
        if session.scalar(sa.select(Membership.user_id).where(of_role).limit(1)) is not None:
            session.execute(sa.delete(Membership).where(of_role),
                            execution_options={"synchronize_session": False})
            facts["groups_left"] = [position.role]
    return facts


def _holds_other(session: Session, model: type[Position] | type[Enrolment], person_id: int,
                 day: date, except_id: int | None) -> bool:
    query = sa.select(model.id).where(model.person_id == person_id, held_on(model, day))
    if except_id is not None:
        query = query.where(model.id != except_id)
    return session.scalar(query.limit(1)) is not None

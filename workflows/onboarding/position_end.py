"""What ending a position takes away besides the position: a staff member's sign-in.

A staff member's powers come from two places. Their positions (role + unit, by day) address
tasks to them, let them claim those and let supervisors and heads read cases; these lapse by
themselves on the first day the position no longer holds, since every request asks for today's
positions. Their account's group memberships (``membership``, given when the account was opened
and when a position starts: ``position_start.py``) let them claim tasks addressed to a whole
group, and a token only carries the account. So when a position that no longer holds today was
its holder's last (no other position and no enrolment held today: learners keep their
enrolment's access), every token of their accounts is refused from now on
(``tokens_valid_after``) and the memberships of the position's role, held for no other
position, are taken away. A position ending today or later changes nothing yet: the periodic
sweep does the same once the day after its end has come (``revoke_lapsed``), and records it in
the history as ``tokens_revoked``. The caller of ``after_position_end`` writes the returned
facts into the history entry of the position's end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Enrolment, Membership, Person, Position, User
from workflows.core.unit_of_work import UnitOfWork, UnitOfWorkFactory
from workflows.core.working_days import local_zone
from workflows.directory.acting import today_at
from workflows.directory.validity import held_on, not_ended_by
from workflows.onboarding.history import ChangeKind, ChangeLog, lock_centre

# How far back the sweep looks for positions that ended (a service down for days still catches up).
LOOK_BACK_DAYS = 7


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


def revoke_lapsed(*, uows: UnitOfWorkFactory) -> int:
    """Positions that ended on a past day (up to ``LOOK_BACK_DAYS`` ago) whose holder's tokens
    were not refused since: revoke as ``after_position_end``; how many people lost their tokens.

    An end given ahead of time (this year's last day, a transfer next month) so takes effect
    within one sweep of the day after it; ends already handled have ``tokens_valid_after``
    at or after that day's start and are skipped.
    """
    uow = uows()
    with uow:
        session, now = uow.session, uow.runtime.now()
        today = today_at(now)
        ended = session.execute(
            sa.select(Position, Person.tenant_id).join(Person, Person.id == Position.person_id)
            .where(Position.valid_to < today,
                   Position.valid_to >= today - timedelta(days=LOOK_BACK_DAYS))
            .order_by(Position.valid_to, Position.id)).all()
        lapsed = [(position, tenant_id) for position, tenant_id in ended
                  if _tokens_older_than(session, position)]
        revoked = record_by_centre(
            uow, lapsed, ChangeKind.TOKENS_REVOKED, dated="valid_to",
            apply=lambda position: after_position_end(session, position, now=now))
        uow.commit()
    return revoked


def record_by_centre(uow: UnitOfWork, rows: Iterable[tuple[Position, int]], kind: ChangeKind,
                     *, dated: str, apply: Callable[[Position], dict[str, Any] | None]) -> int:
    """The sweep's changes to positions, centre by centre under the centre's lock: ``apply``
    does one and says what it did (None: nothing), recorded as ``kind`` without an actor with
    the position and its ``dated`` day as "before"; how many positions changed something."""
    session, now = uow.session, uow.runtime.now()
    by_centre: dict[int, list[Position]] = defaultdict(list)
    for position, tenant_id in rows:
        by_centre[tenant_id].append(position)
    changed = 0
    for tenant_id, positions in sorted(by_centre.items()):
        lock_centre(session, tenant_id)
        log = ChangeLog(session, tenant_id, actor_id=None, at=now, key=uow.runtime.chain_key)
        for position in positions:
            facts = apply(position)
            if facts:
                changed += 1
                day = getattr(position, dated)
                log.add(kind, "person", position.person_id,
                        before={"position_id": position.id, "role": position.role,
                                dated: day.isoformat() if day else None},
                        after=facts)
        log.flush()
    return changed


def _tokens_older_than(session: Session, position: Position) -> bool:
    """Whether an active account of the holder still accepts tokens issued before the first
    day the position no longer held."""
    assert position.valid_to is not None
    gone = datetime.combine(position.valid_to + timedelta(days=1), time(), local_zone())
    for valid_after in session.scalars(sa.select(User.tokens_valid_after).where(
            User.person_id == position.person_id, User.active.is_(True))):
        if valid_after is None or valid_after < gone:
            return True
    return False

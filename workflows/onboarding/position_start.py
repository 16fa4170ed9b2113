"""What a position starting on a later day gives on that day: the group of its role.

Giving a position that holds today adds the role's group to the holder's accounts at once
(``role_groups.join_role_group``, written into the ``position_added`` history entry). A
position given ahead (a transfer next month, next term's 资格审核员) gives nothing until its
first day; the periodic sweep then finds it (begun within the last ``LOOK_BACK_DAYS``, an
active account of its holder still lacking the group) and gives the group, recorded in the
history as ``groups_joined`` without an actor — the mirror of ``position_end.revoke_lapsed``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from models import Group, Membership, Person, Position, User
from workflows.core.unit_of_work import UnitOfWorkFactory
from workflows.directory.acting import today_at
from workflows.directory.role_groups import join_role_group
from workflows.directory.validity import held_on
from workflows.onboarding.history import ChangeKind
from workflows.onboarding.position_end import LOOK_BACK_DAYS, record_by_centre


def grant_started(*, uows: UnitOfWorkFactory) -> int:
    """Positions held today that began within the last ``LOOK_BACK_DAYS`` and whose holder has
    an active account without the role's group: give it; how many positions gave a group."""
    uow = uows()
    with uow:
        session, now = uow.session, uow.runtime.now()
        today = today_at(now)
        lacking = sa.exists().where(
            User.person_id == Position.person_id, User.active.is_(True),
            ~sa.exists().where(Membership.user_id == User.id,
                               Membership.group_id == Position.role)
            .correlate_except(Membership))
        started = session.execute(
            sa.select(Position, Person.tenant_id).join(Person, Person.id == Position.person_id)
            .where(Position.valid_from >= today - timedelta(days=LOOK_BACK_DAYS),
                   held_on(Position, today), Position.role.in_(sa.select(Group.id)), lacking)
            .order_by(Position.valid_from, Position.id)).all()

        def join(position: Position) -> dict[str, Any] | None:
            joined = join_role_group(session, position, today=today)
            return {"groups_joined": joined} if joined else None

        granted = record_by_centre(uow, started, ChangeKind.GROUPS_JOINED, dated="valid_from",
                                   apply=join)
        uow.commit()
    return granted

"""Which group a position's role gives its holder's accounts, and giving it when it starts.

A role id is also the id of the group of the same name (the diagrams' lanes): a 资格审核员
position gives the ``eligibility_reviewer`` group, where such a group exists (``班主任`` and
the like address tasks by position alone when the centre defines no group for them). Opening
an account, appointing someone and the periodic sweep all ask ``groups_of_roles``, so a
position held today means the same group everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Group, Membership, User
from models.directory import Position


def groups_of_roles(session: Session, roles: Iterable[str]) -> set[str]:
    """The groups that the given roles (or ``applicant``) give an account."""
    wanted = set(roles)
    if not wanted:
        return set()
    return set(session.scalars(sa.select(Group.id).where(Group.id.in_(wanted))))


def join_role_group(session: Session, position: Position, *, today: date) -> list[str]:
    """Add the group of the position's role to every active account of its holder lacking it,
    when the position holds today; the groups joined (for the history entry), else ``[]``.

    A position starting later gives nothing yet: the periodic sweep gives it on that day.
    """
    session.flush()  # the position just given counts
    starts, ends = position.valid_from, position.valid_to
    if (starts is not None and starts > today) or (ends is not None and ends < today):
        return []
    if not groups_of_roles(session, [position.role]):
        return []
    lacking = list(session.scalars(sa.select(User.id).where(
        User.person_id == position.person_id, User.active.is_(True),
        ~sa.exists().where(Membership.user_id == User.id,
                           Membership.group_id == position.role)).order_by(User.id)))
    session.add_all(Membership(user_id=user_id, group_id=position.role) for user_id in lacking)
    session.flush()
    return [position.role] if lacking else []

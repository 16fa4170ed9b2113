"""A person changes their own password: the only thing open after signing in with one an
administrator handed over (a new account, a reset)."""

from __future__ import annotations

import sqlalchemy as sa

from models import Person, User
from workflows.core.actors import Actor
from workflows.core.errors import InvalidInput, NotAuthenticated, Problem
from workflows.core.unit_of_work import UnitOfWork
from workflows.identity.password_policy import check_password
from workflows.identity.users import load_actor


def change_own_password(actor: Actor, *, current: str, new: str, uow: UnitOfWork) -> Actor:
    """Check the current password and the policy, store the new one, and refuse every token
    issued before (other devices sign in again); returns the actor to issue a fresh token for."""
    with uow:
        session = uow.session
        user = session.get(User, actor.id)
        if user is None or not user.active:
            raise NotAuthenticated("the account no longer exists or is disabled")
        if not uow.runtime.passwords.verify(user.password_hash, current):
            raise InvalidInput("原密码不正确", problems=[
                Problem("原密码不正确", pointer="/current_password")])
        number = session.scalar(sa.select(Person.number).where(Person.id == user.person_id)) \
            if user.person_id is not None else None
        check_password(new, username=user.username, number=number, current=current)
        user.password_hash = uow.runtime.passwords.hash(new)
        user.must_change_password = False
        user.tokens_valid_after = uow.runtime.now()
        uow.commit()
        return load_actor(session, actor.id)

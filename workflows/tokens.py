"""Token revocation: sign out one token, or every token of a user (an administrator's call).

Tokens are signed and expire on their own; revocation only needs to remember a token until
then. Checking a request costs one primary-key lookup (``revoked_token.jti``) plus the user
row that is loaded anyway to build the actor.
"""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import RevokedToken, User
from workflows import clock
from workflows.actors import Actor
from workflows.errors import NotAllowed, NotAuthenticated, NotFound
from workflows.unit_of_work import UnitOfWork
from workflows.users import load_actor

log = logging.getLogger("certflow.auth")


def actor_for_token(session: Session, *, user_id: int, jti: str, issued_at: float) -> Actor:
    """The token's actor, unless the token was revoked or issued before a "revoke all"."""
    if session.get(RevokedToken, jti) is not None:
        raise NotAuthenticated("the token has been revoked; sign in again")
    actor = load_actor(session, user_id)
    user = session.get(User, user_id)  # already in the session: no second query
    valid_after = user.tokens_valid_after if user is not None else None
    if valid_after is not None and issued_at < valid_after.timestamp():
        raise NotAuthenticated("the token has been revoked; sign in again")
    return actor


def revoke_token(*, jti: str, user_id: int, expires_at: datetime, uow: UnitOfWork) -> None:
    """Refuse this token from now on (sign out); forget revocations that have expired."""
    with uow:
        now = clock.utcnow()
        uow.session.execute(sa.delete(RevokedToken).where(RevokedToken.expires_at < now))
        if uow.session.get(RevokedToken, jti) is None:
            uow.session.add(RevokedToken(jti=jti, user_id=user_id, expires_at=expires_at,
                                         revoked_at=now))
        uow.commit()


def revoke_all_tokens(user_id: int, *, actor: Actor, uow: UnitOfWork) -> None:
    """Refuse every token the user holds now (lost device, left the school); admins only."""
    if not actor.is_admin:
        raise NotAllowed("only administrators revoke another user's tokens")
    with uow:
        user = uow.session.get(User, user_id)
        if user is None:
            raise NotFound(f"user {user_id} does not exist")
        user.tokens_valid_after = clock.utcnow()
        uow.commit()
    log.info("all tokens of user %s revoked by %s", user_id, actor.username)

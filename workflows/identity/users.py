"""Users, groups and sign-in checks."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from models import Group, Membership, User
from workflows.core import clock
from workflows.core.actors import Actor
from workflows.core.errors import NotAuthenticated
from workflows.core.unit_of_work import UnitOfWork

_hasher = PasswordHasher()
# Verifying against this keeps "no such user" as slow as "wrong password".
_DUMMY_HASH = _hasher.hash("certflow-timing-equaliser")


def configure_hashing(*, time_cost: int, memory_cost_kib: int) -> None:
    """Set the Argon2 cost (lowered in tests, where hashing would dominate)."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost_kib)
    _DUMMY_HASH = _hasher.hash("certflow-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def authenticate(session: Session, username: str, password: str) -> Actor:
    """The actor for valid credentials; one vague error for every failure."""
    user = session.scalar(sa.select(User).where(User.username == username))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        raise NotAuthenticated("unknown user name or wrong password") from None
    if user is None or not user.active:
        raise NotAuthenticated("unknown user name or wrong password")
    return load_actor(session, user.id)


def load_actor(session: Session, user_id: int | None) -> Actor:
    """The acting user with their groups; NotAuthenticated if none, gone or deactivated."""
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        raise NotAuthenticated("the account no longer exists or is disabled")
    groups = session.scalars(sa.select(Membership.group_id).where(Membership.user_id == user_id))
    return Actor(user.id, user.username, user.display_name, user.role, frozenset(groups))


def seed_users(seed_file: Path, *, uow: UnitOfWork) -> int:
    """Create the groups and users of a seed file that do not exist yet; returns users added."""
    seed = json.loads(seed_file.read_text(encoding="utf-8"))
    added = 0
    with uow:
        session = uow.session
        for group in seed.get("groups", []):
            if session.get(Group, group["id"]) is None:
                session.add(Group(id=group["id"], name=group["name"]))
        session.flush()
        for entry in seed.get("users", []):
            if session.scalar(sa.select(User.id).where(User.username == entry["username"])):
                continue
            user = User(username=entry["username"], display_name=entry["display_name"],
                        password_hash=hash_password(entry["password"]), role=entry["role"],
                        active=True, created_at=clock.utcnow(),
                        class_name=entry.get("class_name"))
            session.add(user)
            session.flush()
            for group_id in entry.get("groups", []):
                session.add(Membership(user_id=user.id, group_id=group_id))
            added += 1
        uow.commit()
    return added

"""Users, groups and sign-in checks."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Group, Membership, Person, User
from workflows.core.actors import Actor
from workflows.core.errors import NotAuthenticated
from workflows.core.runtime import PasswordHashing
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory.people import attach_account
from workflows.identity.activation_codes import awaits_activation


def authenticate(session: Session, username: str, password: str, *,
                 passwords: PasswordHashing) -> Actor:
    """The actor for valid credentials; one vague error for every failure.

    An account waiting for activation (an open activation code) has no password to sign in
    with: its holder activates it first.
    """
    user = account_named(session, username)
    if not passwords.verify(user.password_hash if user else None, password):
        raise NotAuthenticated("unknown user name or wrong password")
    if user is None or not user.active:
        raise NotAuthenticated("unknown user name or wrong password")
    if awaits_activation(session, user.id):
        raise NotAuthenticated("unknown user name or wrong password")
    return load_actor(session, user.id)


def account_named(session: Session, name: str) -> User | None:
    """The account a sign-in name means: its user name, or the 学号/工号 of its person when
    exactly one active account carries it (two centres may give the same number: then only
    the user name works)."""
    user = session.scalar(sa.select(User).where(User.username == name))
    if user is None and name:
        owners = session.scalars(sa.select(User).join(Person, Person.id == User.person_id)
                                 .where(Person.number == name, User.active.is_(True))
                                 .limit(2)).all()
        user = owners[0] if len(owners) == 1 else None
    return user


def load_actor(session: Session, user_id: int | None) -> Actor:
    """The acting user with their groups; NotAuthenticated if none, gone or deactivated."""
    row = session.execute(sa.select(User, Person.tenant_id).outerjoin(
        Person, Person.id == User.person_id).where(User.id == user_id)).first() \
        if user_id is not None else None
    if row is None or not row[0].active:
        raise NotAuthenticated("the account no longer exists or is disabled")
    user, tenant_id = row
    groups = session.scalars(sa.select(Membership.group_id).where(Membership.user_id == user_id))
    return Actor(user.id, user.username, user.display_name, user.role, frozenset(groups),
                 person_id=user.person_id, tenant_id=tenant_id,
                 must_change_password=user.must_change_password)


def seed_users(seed_file: Path, *, uow: UnitOfWork) -> int:
    """Create the groups and users of a seed file that do not exist yet, each with its person
    in the directory; returns users added."""
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
                        password_hash=uow.runtime.passwords.hash(entry["password"]),
                        role=entry["role"], active=True, created_at=uow.runtime.now(),
                        class_name=entry.get("class_name"))
            session.add(user)
            session.flush()
            for group_id in entry.get("groups", []):
                session.add(Membership(user_id=user.id, group_id=group_id))
            attach_account(session, user, groups=list(entry.get("groups", [])),
                           class_name=entry.get("class_name"), now=uow.runtime.now())
            added += 1
        uow.commit()
    return added

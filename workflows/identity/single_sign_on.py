"""Single sign-on: the person a campus sign-on (统一身份认证) vouches for, as an actor.

The provider's answer has been verified by the adapter (signature, issuer, audience, nonce);
what is left is the rule of who may come in: the 学号/工号 the provider gives (its subject or a
configured claim) must belong to exactly one person of the directory who holds an active
account. Nobody else gets in, and each refusal says why in words the person can act on.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from models import Person, User
from models.statuses import PersonStatus
from workflows.core.actors import Actor
from workflows.core.errors import NotAllowed
from workflows.core.unit_of_work import UnitOfWork
from workflows.identity.users import load_actor

log = logging.getLogger("certflow.auth")
_CLOSED = {PersonStatus.DISABLED, PersonStatus.LEFT}


class NotInDirectory(NotAllowed):
    """The provider vouched for someone certflow cannot let in (unknown, closed, ambiguous)."""

    title = "统一身份认证登录被拒绝"
    title_en = "Single sign-on refused"


class NoAccountYet(NotInDirectory):
    """A person of the directory without an active account (one may be opened for them)."""

    def __init__(self, detail: str, *, person_id: int, detail_en: str | None = None) -> None:
        super().__init__(detail, detail_en=detail_en)
        self.person_id = person_id


@dataclass(frozen=True)
class SignedOnIdentity:
    """What the provider said about the person: its subject and the number we match by."""

    issuer: str
    subject: str
    claim: str  # the claim holding the 学号/工号 ("sub": the subject itself)
    number: str | None
    name: str | None = None


def sign_in_by_identity(identity: SignedOnIdentity, *, uow: UnitOfWork) -> Actor:
    """The actor of the one active account whose person carries the identity's 学号/工号."""
    number = (identity.number or "").strip()
    if not number:
        raise NotInDirectory(
            f"统一身份认证没有提供学号/工号（声明 {identity.claim}），无法对应到本系统的人员；"
            "请联系管理员检查单点登录的配置",
            detail_en=f"the sign-on provider gave no 学号/工号 (claim {identity.claim})")
    session = uow.session  # reads only: no write transaction
    people = session.scalars(sa.select(Person).where(Person.number == number)
                             .order_by(Person.id).limit(3)).all()
    if not people:
        log.info("single sign-on refused: %s=%s is not in the directory",
                 identity.claim, number)
        raise NotInDirectory(
            f"学号/工号 {number} 不在本系统的人员名录中，不能通过统一身份认证登录；"
            "请联系本校管理员登记后再试",
            detail_en=f"学号/工号 {number} is not in the directory; ask an administrator")
    open_people = [p for p in people if p.status not in _CLOSED]
    if not open_people:
        raise NotInDirectory(f"学号/工号 {number} 对应的人员已停用或离职，不能登录",
                             detail_en=f"the person with 学号/工号 {number} is disabled "
                                       "or has left")
    if len(open_people) > 1:
        raise NotInDirectory(
            f"学号/工号 {number} 对应多个机构的人员，无法确定是谁；请用用户名和密码登录",
            detail_en=f"学号/工号 {number} belongs to people of several centres")
    person = open_people[0]
    user_id = session.scalar(sa.select(User.id).where(
        User.person_id == person.id, User.active.is_(True)).order_by(User.id).limit(1))
    if user_id is None:
        raise NoAccountYet(
            f"{person.name}（{number}）在本系统还没有可用的账号；请联系管理员开通账号",
            person_id=person.id,
            detail_en=f"{number} has no active account yet; ask an administrator")
    actor = load_actor(session, user_id)
    if actor.must_change_password:
        actor = _retire_handed_over_password(user_id, uow=uow)
    log.info("single sign-on of user %s (%s=%s, subject %s at %s)", actor.username,
             identity.claim, number, identity.subject, identity.issuer)
    return actor


def _retire_handed_over_password(user_id: int, *, uow: UnitOfWork) -> Actor:
    """The campus sign-on proved who this is: the password handed over on the class teacher's
    sheet (seen by others) stops working instead of being forced to change; an administrator
    resets one if the person ever needs a local password."""
    with uow:
        user = uow.session.get(User, user_id, with_for_update=True)
        assert user is not None
        user.password_hash = uow.runtime.passwords.hash(secrets.token_urlsafe(32))
        user.must_change_password = False
        uow.commit()
    return load_actor(uow.session, user_id)

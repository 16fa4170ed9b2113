"""Activating an account with a one-time code: the person proves who they are with the code
an administrator handed over, chooses their own password and is signed in.

Issuing a code for one account (``issue_activation_code``) is the administrator's way to hand
over a code instead of a password — for an account still waiting for activation, or as a reset
for one already in use (its password and tokens stop working at once). Activation
(``activate_account``) is public: its attempts are counted with the sign-ins of the same name
and address (``identity.sign_in``), and every failure — no such account, a wrong, used,
withdrawn or expired code — gets the same answer, so it tells nobody whether an account exists.
Both are entries of the centre's directory history; the code itself is never recorded.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from models import ActivationCode, Person, User
from workflows.core.actors import Actor
from workflows.core.errors import InvalidInput, NotAllowed
from workflows.core.unit_of_work import UnitOfWork
from workflows.identity.activation_codes import normalized, open_code
from workflows.identity.password_policy import check_password
from workflows.identity.sign_in import AddressLimit, count_attempt, forget_attempt
from workflows.identity.users import account_named, load_actor
from workflows.onboarding.accounts import HandedOver, account_of_centre, hand_over_code
from workflows.onboarding.history import ChangeKind, ChangeLog, centre_log, lock_centre
from workflows.onboarding.imports import centre_of


class ActivationRefused(InvalidInput):
    """The sign-in name and code do not activate an account (whatever the reason)."""

    title = "激活失败"
    title_en = "Activation failed"

    def __init__(self) -> None:
        super().__init__(
            "账号或激活码不正确，或激活码已使用、已过期、已被重新发放。请核对登录名（用户名、"
            "学号或工号）和激活码后重试；仍不行请联系班主任或管理员重新发放激活码。",
            detail_en="The sign-in name or the activation code is not right, or the code has "
                      "been used, has expired or was replaced by a newer one. Check both and "
                      "try again, or ask your class teacher or an administrator for a new code.")


def issue_activation_code(user_id: int, *, actor: Actor, uow: UnitOfWork) -> HandedOver:
    """A new code for an account of the administrator's centre, shown this once. Any open
    code is withdrawn; the account's password and tokens stop working until it is activated."""
    tenant_id = centre_of(actor)
    with uow:
        session = uow.session
        log = centre_log(uow, tenant_id, actor)
        user, person = account_of_centre(session, user_id, tenant_id)
        if user.id == actor.id:
            raise NotAllowed("不能给自己的账号发放激活码：请用修改密码")
        if not user.active:
            raise NotAllowed(f"账号 {user.username} 已停用，不能发放激活码")
        user.password_hash = uow.runtime.passwords.hash(secrets.token_urlsafe(32))
        user.must_change_password = False
        user.tokens_valid_after = uow.runtime.now()
        handed = hand_over_code(uow, user, person, log)
        log.flush()
        uow.commit()
        return handed


def activate_account(name: str, code: str, new_password: str, *, client: str, uow: UnitOfWork,
                     address_limit: AddressLimit) -> Actor:
    """Set the password of the account ``name`` means (user name, 学号 or 工号) with its open,
    unexpired code, use the code up, and return the actor to sign in.

    The code is checked before the password policy: a person with the right code whose new
    password breaks a rule is told which rule, and the code still works for the next try.
    """
    attempt = count_attempt(name, client=client, uow=uow, address_limit=address_limit)
    session = uow.session
    user = account_named(session, name)
    pending = open_code(session, user.id) if user is not None and user.active else None
    matches = uow.runtime.passwords.verify(pending.code_hash if pending else None,
                                           normalized(code))
    if not matches or pending is None or pending.expires_at <= uow.runtime.now():
        session.rollback()  # end the read transaction of the check
        raise ActivationRefused()
    assert user is not None and user.person_id is not None
    code_id, user_id, person_id = pending.id, user.id, user.person_id
    number = session.scalar(sa.select(Person.number).where(Person.id == person_id))
    session.rollback()
    forget_attempt(attempt, uow=uow)  # the code was right: the name and address start afresh
    check_password(new_password, username=user.username, number=number)
    _use_code(code_id, user_id, person_id, new_password, uow=uow)
    return load_actor(uow.session, user_id)


def _use_code(code_id: int, user_id: int, person_id: int, new_password: str, *,
              uow: UnitOfWork) -> None:
    """Store the password and use the code up, unless a concurrent request (or a new code,
    or the clock) got there first."""
    password_hash = uow.runtime.passwords.hash(new_password)
    with uow:
        session = uow.session
        person = session.get(Person, person_id)
        assert person is not None
        lock_centre(session, person.tenant_id)
        now = uow.runtime.now()
        pending = session.get(ActivationCode, code_id, with_for_update=True,
                              populate_existing=True)
        user = session.get(User, user_id, populate_existing=True)
        if (pending is None or pending.used_at is not None or pending.withdrawn_at is not None
                or pending.expires_at <= now or user is None or not user.active):
            raise ActivationRefused()
        pending.used_at = now
        user.password_hash = password_hash
        user.must_change_password = False
        user.tokens_valid_after = now
        log = ChangeLog(session, person.tenant_id, actor_id=user.id, at=now,
                        key=uow.runtime.chain_key)
        log.add(ChangeKind.ACCOUNT_ACTIVATED, "person", person.id,
                after={"username": user.username})
        log.flush()
        uow.commit()

"""Signing in with throttling: repeated failures from one client lock that user name out.

Failures are counted per (user name, client address) in ``sign_in_attempt``. The first
``FREE_FAILURES`` cost nothing; each further failure locks the pair for twice as long as the
previous one (30 s, 1 min, 2 min ... up to 15 min). While locked, sign-in is refused with
``TooManyAttempts`` before the password is even checked, so guessing costs the attacker time
and us no hashing. Time comes from the runtime's clock, so tests move it instead of sleeping.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import SignInAttempt
from workflows.core.actors import Actor
from workflows.core.errors import NotAuthenticated, TooManyAttempts
from workflows.core.unit_of_work import UnitOfWork
from workflows.identity.users import authenticate

FREE_FAILURES = 5
FIRST_LOCKOUT = timedelta(seconds=30)
LONGEST_LOCKOUT = timedelta(minutes=15)
# Attempts older than this are forgotten (and their rows purged), locked or not.
FORGET_AFTER = timedelta(days=1)


def lockout_after(failures: int) -> timedelta | None:
    """How long a pair is locked after ``failures`` consecutive failures (None: not locked)."""
    if failures < FREE_FAILURES:
        return None
    return min(FIRST_LOCKOUT * 2 ** (failures - FREE_FAILURES), LONGEST_LOCKOUT)


def sign_in(username: str, password: str, *, client: str, uow: UnitOfWork) -> Actor:
    """The actor for valid credentials, unless this user name is locked for this client."""
    key = (username[:64], (client or "unknown")[:64])
    now = uow.runtime.now()
    # Read outside the write transaction: the password check is slow and must not hold it.
    uow.session.rollback()
    attempt = uow.session.get(SignInAttempt, key)
    if attempt is not None and attempt.locked_until is not None and attempt.locked_until > now:
        raise TooManyAttempts(
            "too many failed sign-ins for this user name; try again later",
            retry_after_s=max(1, math.ceil((attempt.locked_until - now).total_seconds())))
    try:
        actor = authenticate(uow.session, username, password, passwords=uow.runtime.passwords)
    except NotAuthenticated:
        _record_failure(key, now, uow=uow)
        raise
    if attempt is not None:
        with uow:
            uow.session.execute(sa.delete(SignInAttempt).where(
                SignInAttempt.username == key[0], SignInAttempt.client == key[1]))
            uow.commit()
    return actor


def _record_failure(key: tuple[str, str], now: datetime, *, uow: UnitOfWork) -> None:
    with uow:
        session = uow.session
        session.execute(sa.delete(SignInAttempt).where(
            SignInAttempt.last_failed_at < now - FORGET_AFTER))
        attempt = session.get(SignInAttempt, key, populate_existing=True)
        if attempt is None:
            attempt = SignInAttempt(username=key[0], client=key[1], failures=0)
            session.add(attempt)
        attempt.failures += 1
        attempt.last_failed_at = now
        lockout = lockout_after(attempt.failures)
        attempt.locked_until = now + lockout if lockout else None
        try:
            uow.commit()
        except IntegrityError:  # a concurrent first failure inserted the row: one uncounted
            session.rollback()

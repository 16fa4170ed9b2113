"""Signing in with throttling: guessing one user's password, or spraying one password over many
user names, costs the attacker time and us no hashing.

Two counts, both taken **before** the password is checked, in one short write transaction:

* per (user name, client address) in ``sign_in_attempt``: the first ``FREE_FAILURES``
  attempts are free; the attempt that reaches ``FREE_FAILURES`` (and each one after a lock has
  passed) locks the pair at once for twice as long as the previous lock (30 s, 1 min, 2 min ...
  up to 15 min). A successful sign-in forgets the pair.
* per client address over every user name, in ``rate_limit_window`` (scope ``sign_in``):
  at most ``address_limit`` unsuccessful attempts per fixed window; a successful sign-in gives
  its attempt back, so a school whose pupils share one address is not locked out by their
  sign-ins, only by their failures.

Counting at the start (rather than after a failure) is what makes the limits hold under
concurrency: sixteen simultaneous guesses are serialised by the row lock (``BEGIN IMMEDIATE``
on SQLite, ``FOR UPDATE`` on PostgreSQL), so only the first ``FREE_FAILURES`` are checked and
the rest are refused with ``TooManyAttempts``. Time comes from the runtime's clock, so tests
move it instead of sleeping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import RateLimitWindow, SignInAttempt
from workflows.core.actors import Actor
from workflows.core.errors import NotAuthenticated, TooManyAttempts
from workflows.core.unit_of_work import UnitOfWork
from workflows.identity.users import authenticate

FREE_FAILURES = 5
FIRST_LOCKOUT = timedelta(seconds=30)
LONGEST_LOCKOUT = timedelta(minutes=15)
# Attempts older than this are forgotten (and their rows purged), locked or not.
FORGET_AFTER = timedelta(days=1)
ADDRESS_SCOPE = "sign_in"
# A concurrent first attempt may insert the same row: the loser starts over (once is enough).
_RETRIES = 3


@dataclass(frozen=True)
class AddressLimit:
    """Unsuccessful sign-ins one client address may make per window, over all user names."""

    attempts: int = 30
    window_s: int = 900


def lockout_after(failures: int) -> timedelta | None:
    """How long a pair is locked after ``failures`` consecutive failures (None: not locked)."""
    if failures < FREE_FAILURES:
        return None
    return min(FIRST_LOCKOUT * 2 ** (failures - FREE_FAILURES), LONGEST_LOCKOUT)


@dataclass(frozen=True)
class Attempt:
    """One counted attempt: the (user name, address) pair and the address window it took."""

    key: tuple[str, str]
    window: datetime | None


def sign_in(username: str, password: str, *, client: str, uow: UnitOfWork,
            address_limit: AddressLimit = AddressLimit()) -> Actor:
    """The actor for valid credentials, unless this client has used up its attempts."""
    attempt = count_attempt(username, client=client, uow=uow, address_limit=address_limit)
    try:
        actor = authenticate(uow.session, username, password, passwords=uow.runtime.passwords)
    except NotAuthenticated:
        uow.session.rollback()  # end the read transaction of the password check
        raise
    forget_attempt(attempt, uow=uow)
    return actor


def count_attempt(username: str, *, client: str, uow: UnitOfWork,
                  address_limit: AddressLimit = AddressLimit()) -> Attempt:
    """Count an attempt to prove who one is (a password, an activation code) before checking
    it, or refuse it with ``TooManyAttempts``; both kinds share these counts."""
    key = (username[:64], (client or "unknown")[:64])
    return Attempt(key, _count_attempt(key, address_limit, uow=uow))


def forget_attempt(attempt: Attempt, *, uow: UnitOfWork) -> None:
    """The attempt succeeded: forget the pair's failures, give the address its attempt back."""
    _forget_attempt(attempt.key, attempt.window, uow=uow)


def _count_attempt(key: tuple[str, str], limit: AddressLimit, *, uow: UnitOfWork
                   ) -> datetime | None:
    """Count one attempt of the pair and of the address, or refuse it (counting nothing).

    Returns the address window the attempt was counted in (None: no address limit).
    """
    for attempt in range(_RETRIES):
        try:
            with uow:
                now = uow.runtime.now()
                window = _count_for_address(uow.session, key[1], now, limit)
                _count_for_pair(uow.session, key, now)
                uow.commit()
            return window
        except IntegrityError:
            if attempt == _RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _count_for_pair(session: Session, key: tuple[str, str], now: datetime) -> None:
    session.execute(sa.delete(SignInAttempt).where(
        SignInAttempt.last_failed_at < now - FORGET_AFTER))
    row = session.get(SignInAttempt, key, populate_existing=True, with_for_update=True)
    if row is not None and row.locked_until is not None and row.locked_until > now:
        raise TooManyAttempts(
            "too many failed sign-ins for this user name; try again later",
            retry_after_s=_seconds_until(row.locked_until, now))
    if row is None:
        row = SignInAttempt(username=key[0], client=key[1], failures=0)
        session.add(row)
    row.failures += 1
    row.last_failed_at = now
    lockout = lockout_after(row.failures)
    row.locked_until = now + lockout if lockout else None
    session.flush()  # a concurrent first attempt's row: IntegrityError, the caller retries


def _count_for_address(session: Session, client: str, now: datetime, limit: AddressLimit
                       ) -> datetime | None:
    if limit.attempts <= 0:
        return None
    start = _window_start(now, limit.window_s)
    where = (RateLimitWindow.scope == ADDRESS_SCOPE, RateLimitWindow.client == client,
             RateLimitWindow.window_start == start)
    row = session.scalars(sa.select(RateLimitWindow).where(*where).with_for_update()
                          .execution_options(populate_existing=True)).first()
    if row is None:
        session.execute(sa.delete(RateLimitWindow).where(
            RateLimitWindow.scope == ADDRESS_SCOPE, RateLimitWindow.window_start < start))
        row = RateLimitWindow(scope=ADDRESS_SCOPE, client=client, window_start=start, hits=0)
        session.add(row)
    if row.hits >= limit.attempts:
        raise TooManyAttempts(
            f"too many failed sign-ins from this address (at most {limit.attempts} per "
            f"{limit.window_s // 60} min, whatever the user name); try again later",
            retry_after_s=_seconds_until(start + timedelta(seconds=limit.window_s), now))
    row.hits += 1
    session.flush()
    return start


def _forget_attempt(key: tuple[str, str], window: datetime | None, *, uow: UnitOfWork) -> None:
    """A successful sign-in: forget the pair's failures, give the address its attempt back.

    The address row is locked before the pair's, in the order ``_count_attempt`` takes them:
    a concurrent attempt of the same pair then waits instead of deadlocking.
    """
    with uow:
        session = uow.session
        if window is not None:
            session.execute(
                sa.update(RateLimitWindow)
                .where(RateLimitWindow.scope == ADDRESS_SCOPE,
                       RateLimitWindow.client == key[1], RateLimitWindow.window_start == window,
                       RateLimitWindow.hits > 0)
                .values(hits=RateLimitWindow.hits - 1)
                .execution_options(synchronize_session=False))
        session.execute(sa.delete(SignInAttempt).where(
            SignInAttempt.username == key[0], SignInAttempt.client == key[1]))
        uow.commit()


def _window_start(now: datetime, window_s: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % window_s, UTC)


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))

"""One-time activation codes: what they look like, how they are kept, which are still open.

A code replaces the initial password an administrator would hand over: the person types it,
with their sign-in name and a password of their own, on the activation screen. It is short
enough to type on a phone (ten characters, shown as two groups of five), drawn from letters
and digits nobody confuses on paper, and kept only as an Argon2 hash (like passwords): a
copy of the database gives nobody a usable code. A code is open until it is used or
withdrawn (a newer code, a password reset); an open code blocks password sign-in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute, Session

from models import ActivationCode
from workflows.core.runtime import PasswordHashing

# Upper-case letters and digits without 0/O, 1/I/L: typed from a slip of paper on a phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 10  # 31**10 ≈ 8·10^14 codes; guessing is throttled as sign-in is


@dataclass(frozen=True)
class IssuedCode:
    """A code in the form shown to the person (``ABCDE-FGHJK``), this once, and its expiry."""

    code: str
    expires_at: datetime


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    """Two groups of five, easier to read out and type than ten in a row."""
    return f"{code[:5]}-{code[5:]}"


def normalized(typed: str) -> str:
    """What a person typed, as the code was hashed: any case, spaces and hyphens ignored."""
    return "".join(typed.split()).replace("-", "").upper()


def open_codes(user_id: int | QueryableAttribute[int]) -> sa.ColumnElement[bool]:
    """The filter of the account's codes neither used nor withdrawn (expired ones included:
    the account still waits for activation, with a code issued again); ``User.id`` makes it
    a correlated filter."""
    return sa.and_(ActivationCode.user_id == user_id, ActivationCode.used_at.is_(None),
                   ActivationCode.withdrawn_at.is_(None))


def open_code(session: Session, user_id: int) -> ActivationCode | None:
    """The account's open code, the newest if several (there is never more than one)."""
    return session.scalar(sa.select(ActivationCode).where(open_codes(user_id))
                          .order_by(ActivationCode.id.desc()).limit(1))


def awaits_activation(session: Session, user_id: int) -> bool:
    return session.scalar(sa.select(ActivationCode.id).where(open_codes(user_id))
                          .limit(1)) is not None


def withdraw_codes(session: Session, user_id: int, *, now: datetime) -> int:
    """Withdraw the account's open codes (a newer code or a password replaces them)."""
    result = session.execute(sa.update(ActivationCode).where(open_codes(user_id))
                             .values(withdrawn_at=now)
                             .execution_options(synchronize_session=False))
    return int(result.rowcount)  # type: ignore[attr-defined]


def issue_code(session: Session, user_id: int, *, passwords: PasswordHashing, now: datetime,
               valid_for: timedelta) -> IssuedCode:
    """A new code for the account, withdrawing any open one; the clear code is returned this
    once and kept nowhere."""
    withdraw_codes(session, user_id, now=now)
    code = new_code()
    expires_at = now + valid_for
    session.add(ActivationCode(user_id=user_id, code_hash=passwords.hash(code), issued_at=now,
                               expires_at=expires_at))
    return IssuedCode(shown(code), expires_at)

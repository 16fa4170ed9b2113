"""Sign-in state kept in the database: revoked tokens, failed sign-in attempts and the
activation codes of accounts not yet activated."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class RevokedToken(Base):
    """A signed-out token, refused until it would have expired anyway (then purged)."""

    __tablename__ = "revoked_token"

    # The token's ``jti``: every authenticated request looks it up by primary key.
    jti: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SignInAttempt(Base):
    """Consecutive failed sign-ins per user name and client address, and the lockout."""

    __tablename__ = "sign_in_attempt"

    username: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    client: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ActivationCode(Base):
    """A one-time code an administrator hands over instead of a password: its holder chooses
    their own password with it. Only its Argon2 hash is kept, as for passwords.

    A code is open while it is neither used nor withdrawn (a newer code or a password reset
    withdraws it); an account with an open code signs in with no password until activated.
    """

    __tablename__ = "activation_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id", ondelete="CASCADE"),
                                         index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

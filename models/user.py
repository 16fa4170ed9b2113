"""Users, groups and memberships: who may act on which tasks."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime

ROLES = ("admin", "auditor", "reviewer", "applicant")


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(128))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Tokens issued before this moment are refused ("sign out everywhere", set by an admin).
    tokens_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The class a teacher/examiner teaches or a learner attends (e.g. "机电2301"): the
    # separation-of-duties rule ``recusal:class`` keeps examiners off their own class (回避).
    class_name: Mapped[str | None] = mapped_column(sa.String(64))
    # A password an administrator handed over (a new account, a reset): the holder must
    # choose their own before doing anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False,
                                                       server_default=sa.false())
    # The person of the directory this account belongs to (models/directory.py).
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), index=True)
    # Where notifications are e-mailed when SMTP is configured (set by the user); None: none.
    email: Mapped[str | None] = mapped_column(sa.String(320))


class Group(Base):
    __tablename__ = "user_group"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(128))


class Membership(Base):
    __tablename__ = "membership"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[str] = mapped_column(
        sa.ForeignKey("user_group.id", ondelete="CASCADE"), primary_key=True, index=True
    )

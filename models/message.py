"""Message waits (an instance waiting for a named message) and messages nobody waited for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class MessageSubscription(Base):
    """One waiting message catch event / receive task; correlated by business key and name."""

    __tablename__ = "message_subscription"
    __table_args__ = (
        sa.Index("ix_message_sub_lookup", "business_key", "message_name", "status"),
        sa.Index("ix_message_sub_instance", "instance_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"))
    business_key: Mapped[str] = mapped_column(sa.String(128))
    message_name: Mapped[str] = mapped_column(sa.String(128))
    spiff_task_id: Mapped[str] = mapped_column(sa.String(36))
    task_name: Mapped[str] = mapped_column(sa.String(128))
    status: Mapped[str] = mapped_column(sa.String(16))  # waiting, delivered, cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class UnmatchedMessage(Base):
    """A message no instance waited for: kept so it is never lost silently."""

    __tablename__ = "unmatched_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_name: Mapped[str] = mapped_column(sa.String(128))
    business_key: Mapped[str] = mapped_column(sa.String(128), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    sent_by: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())

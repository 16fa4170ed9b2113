"""Notifications (reminders, escalations) for one user or every member of a group."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (
        sa.Index("ix_notification_user", "recipient_user_id", "id"),
        sa.Index("ix_notification_group", "recipient_group", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    recipient_group: Mapped[str | None] = mapped_column(sa.String(64))
    instance_id: Mapped[int | None] = mapped_column(sa.ForeignKey("process_instance.id"))
    task_name: Mapped[str | None] = mapped_column(sa.String(128))
    kind: Mapped[str] = mapped_column(sa.String(32))  # reminder, escalation, info
    subject: Mapped[str] = mapped_column(sa.String(255))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

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
        sa.Index("ix_notification_delivery_state", "delivery_state", "id"),
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
    # NULL until the delivery job has looked at it (e-mail, webhook: docs/operations.md);
    # then "planned" whatever it found to send.
    delivery_state: Mapped[str | None] = mapped_column(sa.String(16))


class NotificationDelivery(Base):
    """One notification on its way out through one channel: an e-mail to one address, or the
    school's signed webhook. Sent after the notification's transaction committed, by the
    periodic delivery job, retried with backoff; never part of the user's transaction."""

    __tablename__ = "notification_delivery"
    __table_args__ = (sa.Index("ix_notification_delivery_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(sa.ForeignKey("notification.id"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(16))  # email, webhook
    address: Mapped[str] = mapped_column(sa.String(320))  # the e-mail address, or the URL
    status: Mapped[str] = mapped_column(sa.String(16))  # pending, sending, sent, failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

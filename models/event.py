"""Append-only history; each row is hash-chained to the previous one of its instance."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class ProcessEvent(Base):
    __tablename__ = "process_event"
    __table_args__ = (
        sa.UniqueConstraint("instance_id", "seq", name="uq_event_instance_seq"),
        sa.Index("ix_event_actor", "actor_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null for events that belong to no instance (a definition deployed).
    instance_id: Mapped[int | None] = mapped_column(sa.ForeignKey("process_instance.id"))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    task_name: Mapped[str | None] = mapped_column(sa.String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))
    # How ``hash`` was made: 1 plain SHA-256 (events written before chains were keyed),
    # 2 HMAC-SHA256 under the chain key (workflows/core/history.py; docs/audit.md).
    hash_version: Mapped[int] = mapped_column(sa.SmallInteger, server_default=sa.text("1"))

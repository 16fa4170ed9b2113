"""Audit trail support: signed anchors over all chain heads, and the auditors' access log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class AuditAnchor(Base):
    """A signed checkpoint of every chain head, linked to the previous anchor.

    ``entries`` holds only the heads that changed since the previous anchor (a delta), so an
    anchor stays small however many instances exist; folding all anchors in ``id`` order gives
    the full map instance -> (seq, hash) that must still be found in the history.
    """

    __tablename__ = "audit_anchor"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(sa.String(64))
    # [[instance_id, last_seq, head_hash], ...] sorted by instance id; the delta since prev.
    entries: Mapped[list[Any]] = mapped_column(sa.JSON)
    # Head of the definition (instance-less) chain at anchor time: [seq, hash] or null.
    definitions_head: Mapped[list[Any] | None] = mapped_column(sa.JSON)
    instance_count: Mapped[int]
    # Unique: an anchor has at most one successor, so two concurrent anchorers cannot fork.
    prev_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hash: Mapped[str] = mapped_column(sa.String(64))
    # HMAC-SHA256 of ``hash`` with the audit signing key: a database writer cannot forge it.
    signature: Mapped[str] = mapped_column(sa.String(64))
    # 2: written once event chains were keyed (part of ``hash`` then). The first such anchor
    # adopts the unkeyed events it attests; no unkeyed event after it is accepted.
    chain_version: Mapped[int] = mapped_column(sa.SmallInteger, server_default=sa.text("1"))


class AuditAccessLog(Base):
    """One auditor read of personal data: who, when, what, which instance.

    No foreign key to the instance: the record of a read must outlive whatever was read.
    """

    __tablename__ = "audit_access_log"
    __table_args__ = (
        sa.Index("ix_audit_access_actor", "actor_id", "id"),
        sa.Index("ix_audit_access_instance", "instance_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    role: Mapped[str] = mapped_column(sa.String(16))
    action: Mapped[str] = mapped_column(sa.String(64))
    resource: Mapped[str] = mapped_column(sa.String(512))
    instance_id: Mapped[int | None]
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

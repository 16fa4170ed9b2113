"""The certificate register (证书登记): one row per certificate number ever issued.

A row is never deleted: revoking or reissuing changes its ``status`` and appends a
``certificate_event``, so the register answers "was this number ever valid, and what happened
to it" for as long as the system runs. Numbers follow ``docs/certificates.md``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class Certificate(Base):
    __tablename__ = "certificate"
    __table_args__ = (
        sa.UniqueConstraint("issuer_code", "year", "level", "sequence",
                            name="uq_certificate_sequence"),
        # Register searches: by holder, and by occupation/level/status for reports.
        sa.Index("ix_certificate_holder", "holder_name", "id"),
        sa.Index("ix_certificate_occupation", "occupation", "level", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_no: Mapped[str] = mapped_column(sa.String(32), unique=True)
    issuer_code: Mapped[str] = mapped_column(sa.String(8))
    year: Mapped[int]
    level: Mapped[int]  # 5 = 五级/初级工 … 1 = 一级/高级技师
    sequence: Mapped[int]
    holder_name: Mapped[str] = mapped_column(sa.String(64))
    id_number: Mapped[str] = mapped_column(sa.String(18), index=True)
    holder_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"), index=True)
    occupation: Mapped[str] = mapped_column(sa.String(64))
    exam_session: Mapped[str | None] = mapped_column(sa.String(32))
    scores: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    issued_on: Mapped[date] = mapped_column(sa.Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    # The process instance whose service task created this row (idempotency key for retries).
    source_instance_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("process_instance.id"), unique=True)
    business_key: Mapped[str | None] = mapped_column(sa.String(128))
    # A reissued certificate points at the one it replaces (补发); the old one at its successor.
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificate.id"))
    replaced_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificate.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text)


class CertificateEvent(Base):
    """What happened to a certificate, in order (issued, reissued, replaced, revoked)."""

    __tablename__ = "certificate_event"
    __table_args__ = (sa.Index("ix_certificate_event_cert", "certificate_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certificate.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    instance_id: Mapped[int | None] = mapped_column(sa.ForeignKey("process_instance.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class CertificateSequence(Base):
    """The last sequence number used per issuing body, year and level (row-locked to allocate)."""

    __tablename__ = "certificate_sequence"

    issuer_code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[int] = mapped_column(primary_key=True)
    last_sequence: Mapped[int] = mapped_column(default=0)

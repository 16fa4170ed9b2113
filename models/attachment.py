"""Attachments: an uploaded file's record, and the files of the database store.

A file's bytes are addressed by their SHA-256 and kept by the configured store (a local
directory, or the ``attachment_blob`` tables of the database); ``attachment`` is one upload of
such a file by one person, attached to at most one case. The public id is random, so no URL of
a file can be guessed, and the display name is never used as a path.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class Attachment(Base):
    __tablename__ = "attachment"
    __table_args__ = (
        sa.Index("ix_attachment_instance", "instance_id"),
        sa.Index("ix_attachment_sha256", "sha256"),
        # The orphan sweep: uploads still unattached, oldest first.
        sa.Index("ix_attachment_unattached", "instance_id", "uploaded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(48), unique=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    media_type: Mapped[str] = mapped_column(sa.String(64))
    filename: Mapped[str] = mapped_column(sa.String(255))
    uploaded_by: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Null until a submitted form attaches it to its case; then it belongs to that case.
    instance_id: Mapped[int | None] = mapped_column(sa.ForeignKey("process_instance.id"))
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StoredBlob(Base):
    """A file kept by the database store (``CERTFLOW_ATTACHMENT_STORE=database``)."""

    __tablename__ = "attachment_blob"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StoredChunk(Base):
    """One piece of a stored file, so neither writing nor reading holds it whole in memory."""

    __tablename__ = "attachment_blob_chunk"

    sha256: Mapped[str] = mapped_column(sa.ForeignKey("attachment_blob.sha256"),
                                        primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)

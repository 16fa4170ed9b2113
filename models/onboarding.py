"""Onboarding a school: spreadsheet imports awaiting confirmation, and the directory's history.

``directory_import`` keeps an uploaded sheet's parsed rows between the preview and the
administrator's confirmation, so nothing of it touches the directory before then.
``directory_change`` is the history of the directory: one row per change (who, when, what it
was before and after), hash-chained per centre like an instance's history, so auditors can
see every change and a removed or altered row shows.
``person_detail`` holds what the import sheets carry beyond the directory's person record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class DirectoryImport(Base):
    __tablename__ = "directory_import"
    __table_args__ = (sa.Index("ix_directory_import_tenant", "tenant_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"))
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # learners | staff
    filename: Mapped[str] = mapped_column(sa.String(255))
    digest: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of the uploaded file
    status: Mapped[str] = mapped_column(sa.String(16))  # models.statuses.ImportStatus
    rows: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)  # the parsed rows, in order
    summary: Mapped[dict[str, Any]] = mapped_column(sa.JSON)  # counts of the last preview
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DirectoryChange(Base):
    __tablename__ = "directory_change"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "seq", name="uq_directory_change_tenant_seq"),
        sa.Index("ix_directory_change_subject", "tenant_id", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"))
    seq: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))  # workflows.onboarding.history.ChangeKind
    subject_type: Mapped[str] = mapped_column(sa.String(16))  # person | account | unit
    subject_id: Mapped[int] = mapped_column()
    import_id: Mapped[int | None] = mapped_column(sa.ForeignKey("directory_import.id"))
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))


class PersonDetail(Base):
    """性别 and 入学年份 as the school's sheets give them."""

    __tablename__ = "person_detail"

    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    gender: Mapped[str | None] = mapped_column(sa.String(2))  # 男 | 女
    entry_year: Mapped[int | None] = mapped_column()  # 入学年份

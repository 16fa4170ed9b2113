"""Onboarding a school: spreadsheet imports awaiting confirmation, and the directory's history.

``directory_import`` keeps an uploaded sheet's parsed rows between the preview and the
administrator's confirmation, so nothing of it touches the directory before then.
``directory_change`` is the history of the directory: one row per change (who, when, what it
was before and after), hash-chained per centre like an instance's history, so auditors can
see every change and a removed or altered row shows.
``person_detail`` holds what the import sheets carry beyond the directory's person record.
``directory_import_job`` is the progress of an import confirmed as background work, in the
database so that any API process can answer a poll, with a heartbeat so that a job whose
process died is seen to have stopped.
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


class DirectoryImportJob(Base):
    """One background confirmation of an import (started again only after it ended)."""

    __tablename__ = "directory_import_job"

    import_id: Mapped[int] = mapped_column(
        sa.ForeignKey("directory_import.id", ondelete="CASCADE"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"))
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    state: Mapped[str] = mapped_column(sa.String(16))  # queued, running, done, failed
    phase: Mapped[str] = mapped_column(sa.String(16))  # queued, planning, writing, committing
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    runner: Mapped[str | None] = mapped_column(sa.String(128))  # host:pid running it
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Written with each progress report, and every few seconds while nothing moves.
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime())
    summary: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # Why it failed, as the domain error it raised (rendered as a problem when polled).
    failure: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)


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

"""Deployed process definitions: immutable, versioned per process id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class ProcessDefinition(Base):
    __tablename__ = "process_definition"
    __table_args__ = (
        sa.UniqueConstraint("process_id", "version", name="uq_definition_version"),
        sa.UniqueConstraint("process_id", "content_hash", name="uq_definition_content"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(sa.String(128), index=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(255))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    # Every file of the bundle by name (BPMN, DMN, JSON form schemas), as deployed. Deferred:
    # tens of KB that the hot path never needs (specs and forms come from the spec cache).
    files: Mapped[dict[str, str]] = mapped_column(sa.JSON, deferred=True)
    bpmn_file: Mapped[str] = mapped_column(sa.String(255))
    # Per user-task metadata extracted at deploy time (lane/group, title, form, due).
    task_meta: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deployed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))

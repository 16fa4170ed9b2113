"""Process instances: pinned definition, engine state and an optimistic-lock counter."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class ProcessInstance(Base):
    __tablename__ = "process_instance"
    __table_args__ = (
        sa.Index("ix_instance_business_key", "business_key"),
        sa.Index("ix_instance_started_by", "started_by", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(sa.ForeignKey("process_definition.id"))
    process_id: Mapped[str] = mapped_column(sa.String(128), index=True)
    business_key: Mapped[str] = mapped_column(sa.String(128))
    status: Mapped[str] = mapped_column(sa.String(16))
    # Serialized engine state without the spec (specs are cached per definition).
    state: Mapped[str] = mapped_column(sa.Text)
    serializer_version: Mapped[str] = mapped_column(sa.String(16))
    # Snapshot of the process data, so reads never deserialize the engine state.
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    error: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    version: Mapped[int] = mapped_column(default=1)
    started_by: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    # The applicant's unit when the case started (their 班级, else their own unit) and its
    # centre: tasks are addressed from it and the case is seen within its centre only.
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_unit.id"))
    tenant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Head of this instance's hash chain; the next event links to it.
    last_event_seq: Mapped[int] = mapped_column(default=0)
    last_event_hash: Mapped[str] = mapped_column(sa.String(64), default="")

    # Read once by the mapper; SQLAlchemy's typing declares it per instance, not ClassVar.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

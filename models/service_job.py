"""Background service-task executions and the incidents left when one fails for good."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class ServiceJob(Base):
    __tablename__ = "service_job"
    __table_args__ = (sa.Index("ix_service_job_instance_status", "instance_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"))
    spiff_task_id: Mapped[str] = mapped_column(sa.String(36))
    task_name: Mapped[str] = mapped_column(sa.String(128))
    operation: Mapped[str] = mapped_column(sa.String(128))
    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Incident(Base):
    """A service task that failed after every retry (an administrator retries it after a fix),
    or an engine run stopped at its budget (no job: operation ``engine.run``)."""

    __tablename__ = "incident"
    __table_args__ = (sa.Index("ix_incident_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_job.id"))
    task_name: Mapped[str] = mapped_column(sa.String(128))
    operation: Mapped[str] = mapped_column(sa.String(128))
    error_type: Mapped[str] = mapped_column(sa.String(128))
    message: Mapped[str] = mapped_column(sa.Text)
    # The last frames of the traceback (file:line function), not the whole stack.
    stack: Mapped[list[Any]] = mapped_column(sa.JSON)
    attempts: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(16))  # open, retried
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retried_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retried_by: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))

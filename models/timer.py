"""Waiting BPMN timers: one row per armed timer with its due time, so firing is an indexed scan.

The engine keeps its own timer task; this row is certflow's record of *when* it is due (computed
with certflow's injectable clock and working-day calendar) and of who fired it, exactly once.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class Timer(Base):
    __tablename__ = "timer"
    __table_args__ = (
        # The firing job: pending timers by due time.
        sa.Index("ix_timer_status_due", "status", "due_at"),
        sa.Index("ix_timer_instance_status", "instance_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"))
    spiff_task_id: Mapped[str] = mapped_column(sa.String(36))
    # The engine's task spec name (replay needs it) and the diagram element id.
    task_name: Mapped[str] = mapped_column(sa.String(128))
    element_id: Mapped[str] = mapped_column(sa.String(128))
    kind: Mapped[str] = mapped_column(sa.String(16))  # boundary, intermediate, start, gateway
    interrupting: Mapped[bool | None]
    attached_to: Mapped[str | None] = mapped_column(sa.String(128))
    # Interrupting timers that hand the work to another group (property ``escalatesTo``).
    escalates_to: Mapped[str | None] = mapped_column(sa.String(64))
    expression: Mapped[str] = mapped_column(sa.String(255))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The working-day calendar the due time was computed with (WorkCalendar.version).
    calendar_version: Mapped[str | None] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(16))
    claimed_by: Mapped[str | None] = mapped_column(sa.String(128))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)

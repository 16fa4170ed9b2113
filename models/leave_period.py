"""A leave (请假) as a period of school days: who, which kind, from when to when, and how it ended.

One row per leave case, kept current by the leave process (``workflows/attendance``): requested
when the learner asks, approved or refused at the decision, returned or overstay at 销假 (or when
an unclosed leave is closed automatically). Attendance reads these rows to tell 请假 from 旷课.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class LeavePeriodRow(Base):
    __tablename__ = "leave_period"
    __table_args__ = (
        sa.Index("ix_leave_period_person_dates", "person_id", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), unique=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"))
    leave_type: Mapped[str] = mapped_column(sa.String(16))  # sick | personal
    start_date: Mapped[date] = mapped_column(sa.Date)
    start_half: Mapped[str] = mapped_column(sa.String(2))  # am: from the morning; pm: afternoon
    end_date: Mapped[date] = mapped_column(sa.Date)
    end_half: Mapped[str] = mapped_column(sa.String(2))  # am: until noon; pm: end of the day
    # School days counted in half days (5 = 2.5 days): exact on every database.
    half_days: Mapped[int] = mapped_column(sa.Integer)
    sessions: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)  # courses it affects
    status: Mapped[str] = mapped_column(sa.String(16))  # models.statuses.LeaveStatus
    returned_on: Mapped[date | None] = mapped_column(sa.Date)
    overstay_half_days: Mapped[int] = mapped_column(sa.Integer, default=0)  # 超假
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

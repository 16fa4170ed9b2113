"""The holiday calendar kept in the database: one row per revision of one year.

The bundled file (``config/holidays_cn.json``) covers the years it was shipped with;
administrators add later years (and correct earlier ones) here without a release. A revision
replaces its year as a whole and is never changed afterwards: the calendar in effect at any
instant is the file overlaid with, per year, the newest revision made by then, so a deadline
computed last month can be recomputed exactly (replay) after the calendar changed.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class CalendarRevision(Base):
    __tablename__ = "calendar_revision"
    __table_args__ = (sa.Index("ix_calendar_revision_year", "year", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    # {"2027-10-01": "国庆节", ...}: public holidays and rest days moved by 调休
    holidays: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    # {"2027-09-26": "调休上班", ...}: weekend days that are working days
    workdays: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

"""Objections raised during a result's public notice (公示异议).

Who objected is kept here and shown only to the 质量监督小组 (and administrators, auditors):
what reaches the case itself (its data and history, which the candidate reads) is the reason
and the objection's number, never the objector.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class NoticeObjection(Base):
    __tablename__ = "notice_objection"
    __table_args__ = (sa.Index("ix_notice_objection_instance", "instance_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"))
    business_key: Mapped[str] = mapped_column(sa.String(128))
    reason: Mapped[str] = mapped_column(sa.Text)
    # A signed-in objector, or the name and contact given on the public page.
    objector_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    objector_name: Mapped[str | None] = mapped_column(sa.String(64))
    objector_contact: Mapped[str | None] = mapped_column(sa.String(100))
    # new_task: it opened the 异议处理 task; joined: added to the one already open.
    routing: Mapped[str] = mapped_column(sa.String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())

"""Published certification plans (认定计划): what a centre announces before applications open.

A plan is identified by its ``code``; publishing the same code again writes a new version and
the newest one is in effect. Old versions are never changed, so an application keeps pointing
at the exact notice it was made under (its ``plan_version``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class CertificationPlan(Base):
    __tablename__ = "certification_plan"
    __table_args__ = (
        sa.UniqueConstraint("code", "version", name="uq_certification_plan_version"),
        sa.Index("ix_certification_plan_window", "apply_until", "apply_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    # The assessment centre (认定机构) that runs the plan; its 质量监督小组 handles objections.
    centre: Mapped[str] = mapped_column(sa.String(100), default="")
    # [{"occupation": "电工", "levels": [5, 4, 3]}, ...]
    occupations: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # The application window, Beijing dates; the last day runs to 24:00.
    apply_from: Mapped[date] = mapped_column(sa.Date)
    apply_until: Mapped[date] = mapped_column(sa.Date)
    # A last day that is a statutory holiday or rest day moves to the next working day
    # (民法典 第二百零三条); the plan may switch this off.
    apply_until_extends: Mapped[bool] = mapped_column(sa.Boolean, default=True,
                                                      server_default=sa.true())
    # [{"part": "theory"|"practical"|"comprehensive", "date": "2026-12-12", "venue": "..."}]
    exams: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    exam_mode: Mapped[str] = mapped_column(sa.String(16))  # closed_book 闭卷 / computer 机考
    requirements: Mapped[str] = mapped_column(sa.Text, default="")
    published_by: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())

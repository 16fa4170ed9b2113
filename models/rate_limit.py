"""Request counts per client and time window, shared by every process through the database."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class RateLimitWindow(Base):
    """Requests one client made to one limited endpoint (``scope``) in one fixed window."""

    __tablename__ = "rate_limit_window"

    scope: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    client: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True, index=True)
    hits: Mapped[int] = mapped_column(default=0)

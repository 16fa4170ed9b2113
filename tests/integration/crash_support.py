"""Shared guard for the crash and load tests: they need PostgreSQL and a real broker, and
they use a database of their own beside the suite's (its schema is dropped and recreated),
so the suite's tables are never touched."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

__all__ = ["BROKER_URL", "DATABASE_URL", "own_database", "requirements"]

BROKER_URL = os.environ.get("BROKER_URL", "")
DATABASE_URL = os.environ.get("DATABASE_URL", "")


def requirements() -> list[pytest.MarkDecorator]:
    return [pytest.mark.broker,
            pytest.mark.skipif(not BROKER_URL, reason="needs a real broker: set BROKER_URL"),
            pytest.mark.skipif(not DATABASE_URL.startswith("postgresql"),
                               reason="needs PostgreSQL: set DATABASE_URL=postgresql+psycopg://…")]


def own_database(suffix: str) -> str:
    """``<suite database>_<suffix>`` on the same server (created on first use)."""
    url = sa.engine.make_url(DATABASE_URL)
    return url.set(database=f"{url.database}_{suffix}").render_as_string(hide_password=False)

"""Engine wiring per dialect: SQLite gets WAL and BEGIN IMMEDIATE for writes.

SQLite upgrades a read transaction to a write lazily and then fails with "database is locked"
when two writers meet; taking the write lock at BEGIN makes concurrent use cases queue instead.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa

write_transaction: ContextVar[bool] = ContextVar("write_transaction", default=False)


def configure_engine(engine: sa.Engine) -> None:
    """Install dialect-specific connection behaviour (idempotent per engine)."""
    if engine.dialect.name != "sqlite" or getattr(engine, "_certflow_configured", False):
        return
    engine._certflow_configured = True  # type: ignore[attr-defined]

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_transaction.get() else "BEGIN")


def init_database(app: Any, database_url: str) -> None:
    """Bind ``models.db`` to a Flask app (the API's or the worker's) and configure its engine.

    A SQLite file's folder is created first, so a new user needs nothing but Python.
    """
    from pathlib import Path

    from models import db

    if database_url.startswith("sqlite:///") and ":memory:" not in database_url:
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)

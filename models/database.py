"""Engine wiring per dialect: SQLite gets WAL and BEGIN IMMEDIATE for writes; PostgreSQL
transactions that only read end with COMMIT.

SQLite upgrades a read transaction to a write lazily and then fails with "database is locked"
when two writers meet; taking the write lock at BEGIN makes concurrent use cases queue instead.

psycopg forgets every prepared statement at each ROLLBACK (and sends ``DEALLOCATE ALL``), so a
request that only read, closed by a rollback, would cost the next requests on that connection
their prepared plans: PostgreSQL would parse and plan the token check, the lock and the inbox
statement again and again. A transaction that sent nothing but ``SELECT`` ends with COMMIT
instead, which for it is the same; one that sent anything else (a write left uncommitted by a
failure) is still rolled back.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

write_transaction: ContextVar[bool] = ContextVar("write_transaction", default=False)
# In a connection's ``info`` while its transaction has sent a statement other than a SELECT.
_SENT_WRITE = "certflow_sent_write"


def configure_engine(engine: sa.Engine) -> None:
    """Install dialect-specific connection behaviour (idempotent per engine)."""
    if getattr(engine, "_certflow_configured", False):
        return
    engine._certflow_configured = True  # type: ignore[attr-defined]
    if engine.dialect.name == "postgresql":
        _track_writes(engine)
    if engine.dialect.name != "sqlite":
        return

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


def _track_writes(engine: sa.Engine) -> None:
    """Mark a connection's transaction as soon as it sends anything but a SELECT (a CTE that
    may write, DML, DDL) or a statement fails: such a transaction is never ended by a COMMIT
    in place of its rollback."""

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _before(connection: sa.Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if not connection.info.get(_SENT_WRITE) and not _is_select(statement):
            connection.info[_SENT_WRITE] = True

    @sa.event.listens_for(engine, "handle_error")
    def _failed(context: sa.engine.ExceptionContext) -> None:
        if context.connection is not None:  # a statement failed: the transaction rolls back
            context.connection.info[_SENT_WRITE] = True

    @sa.event.listens_for(engine, "commit")
    @sa.event.listens_for(engine, "rollback")
    def _ended(connection: sa.Connection) -> None:
        connection.info.pop(_SENT_WRITE, None)


def _is_select(statement: str) -> bool:
    """A plain query (``(SELECT …) UNION ALL (SELECT …)`` included); a ``WITH`` may write."""
    return statement.lstrip(" \n\t(")[:6].upper() == "SELECT"


def end_read_transaction(session: Session) -> None:
    """End the session's transaction with COMMIT when it sent nothing but SELECTs (PostgreSQL),
    so the driver keeps its prepared statements; anything else is left to the session's close,
    which rolls back."""
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    connection = session.connection()  # the transaction's own: it is already begun
    if connection.dialect.name != "postgresql" or connection.info.get(_SENT_WRITE):
        return
    try:
        session.commit()
    except sa.exc.SQLAlchemyError:  # the connection went away meanwhile: nothing to keep
        session.rollback()


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

    # Registered after Flask-SQLAlchemy's own teardown, so it runs before it (Flask runs them in
    # reverse): the session is still open here, and closed (rolled back if still open) after.
    @app.teardown_appcontext
    def _end_read_transaction(_error: BaseException | None) -> None:
        if "sqlalchemy" in app.extensions:
            end_read_transaction(db.session())

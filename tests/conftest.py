"""Shared fixtures: one app per session, a clean database per test, signed-in API clients.

The same suite runs on SQLite (default, a temp file) and PostgreSQL (``DATABASE_URL`` set).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from api import create_app
from config import Settings
from models import Base, db
from tests.api_client import ApiClient
from tests.keys import AUDIT_KEY, SECRET_KEY
from workflows.core.clock import FrozenClock, system_clock
from workflows.core.runtime import Runtime, runtime_of
from workflows.core.unit_of_work import UnitOfWork
from workflows.definitions import spec_cache
from workflows.identity.users import seed_users

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=_database_url(tmp_path_factory.mktemp("db")),
        attachment_dir=tmp_path_factory.mktemp("attachments"),
        secret_key=SECRET_KEY,
        audit_signing_key=AUDIT_KEY,
        password_time_cost=1,
        password_memory_cost_kib=1024,
        # Long enough that a busy machine never times out an ordinary script, or its replay.
        script_time_limit_s=2.0,
    )


@pytest.fixture(scope="session")
def app(settings: Settings) -> Iterator[Flask]:
    application = create_app(settings)
    with application.app_context():
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _truncate_all() -> None:
    engine = db.engine
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text(
                f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(sa.text(f"DELETE FROM {table}"))


@pytest.fixture(scope="session")
def runtime(app: Flask) -> Runtime:
    """The suite app's runtime: its clock, job dispatch, service functions..."""
    return runtime_of(app)


@pytest.fixture()
def clean_db(app: Flask, settings: Settings, runtime: Runtime) -> Iterator[None]:
    """Empty tables and the demo users before each test."""
    with app.app_context():
        db.session.remove()
        _truncate_all()
        spec_cache.clear()
        seed_users(settings.seed_file, uow=UnitOfWork(runtime))
        db.session.remove()
    yield
    runtime.clock = system_clock


@pytest.fixture()
def frozen_clock(runtime: Runtime) -> Iterator[FrozenClock]:
    """The app's clock stopped on a Monday morning; tests move it (never sleep)."""
    frozen = FrozenClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))  # a Monday
    runtime.clock = frozen
    yield frozen
    runtime.clock = system_clock


@pytest.fixture()
def api(app: Flask, clean_db: None) -> ApiClient:
    """An HTTP client with helpers to sign in as any demo user.

    No app context is held open around the test: each request gets its own, and so its own
    session and transaction, exactly as under gunicorn.
    """
    return ApiClient(app.test_client())


@pytest.fixture()
def leave_api(api: ApiClient) -> ApiClient:
    """The API with the bundled leave-approval process deployed by the administrator."""
    response = api.deploy_bundle(ROOT / "bpmn" / "leave_approval.bpmn", as_="admin")
    assert response.status_code == 201, response.get_json()
    return api

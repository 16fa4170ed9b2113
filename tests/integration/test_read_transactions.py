"""How a request's transaction ends on PostgreSQL: COMMIT when it only read, so the driver
keeps its prepared statements (psycopg drops them all at every ROLLBACK), and ROLLBACK whenever
it sent anything else that was not committed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from models import User, db
from tests.api_client import ApiClient
from tests.test_support import engine_events

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgresql")
pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not POSTGRES, reason="needs DATABASE_URL=postgresql...")]


class Endings:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def commit(self, _connection: Any) -> None:
        self.seen.append("COMMIT")

    def rollback(self, _connection: Any) -> None:
        self.seen.append("ROLLBACK")


@pytest.fixture()
def endings(app: Flask) -> Iterator[Endings]:
    seen = Endings()
    with engine_events(app, commit=seen.commit, rollback=seen.rollback):
        yield seen


def _prepared_statements(app: Flask) -> int:
    with app.app_context():
        count = db.session.scalar(sa.text("SELECT count(*) FROM pg_prepared_statements"))
        db.session.remove()
    return int(count or 0)


def test_reading_requests_end_with_commit_and_keep_prepared_statements(
        app: Flask, leave_api: ApiClient, endings: Endings) -> None:
    leave_api.token("chen")
    for _ in range(8):  # psycopg prepares a statement from its fifth use on
        assert leave_api.get("/api/v1/tasks", as_="chen").status_code == 200
    assert "ROLLBACK" not in endings.seen
    assert endings.seen.count("COMMIT") >= 8
    assert _prepared_statements(app) > 0


def test_a_transaction_that_wrote_and_was_not_committed_is_rolled_back(
        app: Flask, leave_api: ApiClient, endings: Endings) -> None:
    with app.app_context():
        db.session.execute(sa.update(User).where(User.username == "chen")
                           .values(display_name="未提交的改动"))
    # the app context ended without a commit: the change must be gone
    with app.app_context():
        assert db.session.scalar(sa.select(User.display_name)
                                 .where(User.username == "chen")) == "陈审核"
        db.session.remove()
    assert endings.seen[0] == "ROLLBACK"


def test_an_object_changed_and_not_committed_is_rolled_back(
        app: Flask, leave_api: ApiClient) -> None:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "chen"))
        assert user is not None
        user.display_name = "未提交的改动"  # pending in the session, never flushed
    with app.app_context():
        assert db.session.scalar(sa.select(User.display_name)
                                 .where(User.username == "chen")) == "陈审核"
        db.session.remove()


def test_a_transaction_whose_query_failed_is_rolled_back_not_committed(
        app: Flask, leave_api: ApiClient, endings: Endings) -> None:
    with app.app_context(), pytest.raises(sa.exc.DBAPIError):
        db.session.execute(sa.text("SELECT 1 / 0"))
    assert endings.seen == ["ROLLBACK"]

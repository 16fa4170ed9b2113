"""Shared guard for the crash and load tests: they need PostgreSQL and a real broker, and
they use a database of their own beside the suite's (its schema is dropped and recreated),
so the suite's tables are never touched."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from celery import _state as celery_state

from workflows import background

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


@contextmanager
def process_globals_kept() -> Iterator[None]:
    """The bench builds its own apps in this process (``create_app`` installs a dispatcher
    and a default Celery app); put the suite's back so later tests are unaffected."""
    dispatcher, default_app = background.get_dispatcher(), celery_state.default_app
    try:
        yield
    finally:
        background.set_dispatcher(dispatcher)
        celery_state.set_default_app(default_app)

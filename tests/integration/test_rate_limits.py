"""The database-backed rate limit counts every request once, even from concurrent processes."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from flask import Flask

from api import rate_limits
from api.context import unit_of_work
from models import RateLimitWindow, db
from workflows.core.clock import FrozenClock

THREADS, EACH = 4, 5


def test_concurrent_requests_are_each_counted_once(app: Flask, clean_db: None,
                                                   frozen_clock: FrozenClock) -> None:
    """Threads (standing in for gunicorn processes) race to open and count one window."""
    barrier, errors = threading.Barrier(THREADS), []

    def client() -> None:
        with app.app_context():
            try:
                barrier.wait()
                for _ in range(EACH):
                    rate_limits.hit("test", "203.0.113.7", limit=1000, window_s=60,
                                    uow=unit_of_work())
            except Exception as error:  # reported below, not lost in the thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        rows = db.session.execute(sa.select(RateLimitWindow.client, RateLimitWindow.hits)).all()
        db.session.remove()
    assert rows == [("203.0.113.7", THREADS * EACH)]


def test_a_new_window_forgets_the_ended_ones(app: Flask, clean_db: None,
                                             frozen_clock: FrozenClock) -> None:
    with app.app_context():
        for address in ("203.0.113.7", "203.0.113.8"):
            rate_limits.hit("test", address, limit=2, window_s=60, uow=unit_of_work())
        frozen_clock.advance(seconds=60)
        assert rate_limits.hit("test", "203.0.113.7", limit=2, window_s=60,
                               uow=unit_of_work()) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RateLimitWindow)) == 1
        with pytest.raises(rate_limits.RateLimited) as refused:
            for _ in range(2):
                rate_limits.hit("test", "203.0.113.7", limit=2, window_s=60, uow=unit_of_work())
        assert refused.value.retry_after_s == 60
        db.session.remove()

"""Fixed-window request limits per client address, counted in the database.

Used for the public certificate verification (``docs/certificates.md``): anyone may ask, so
one client must not be able to try numbers and names by the thousand. The count lives in
``rate_limit_window`` rather than in process memory, so every gunicorn process (and every host
on a shared PostgreSQL) sees the same count, and the embedded SQLite default needs nothing
more. One atomic ``UPDATE … SET hits = hits + 1`` per request; the first request of a window
inserts its row (a concurrent first insert is retried once as an update). Time comes from
``workflows.core.clock``, so tests move it instead of sleeping.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import RateLimitWindow
from workflows.core.errors import TooManyAttempts
from workflows.core.unit_of_work import UnitOfWork


class RateLimited(TooManyAttempts):
    """More requests from this client than the endpoint allows per window (429)."""

    title = "Too many requests"


def window_start(now: datetime, window_s: int) -> datetime:
    """The start of the fixed window holding ``now`` (windows align to the epoch)."""
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % window_s, UTC)


def hit(scope: str, client: str, *, limit: int, window_s: int, uow: UnitOfWork) -> int:
    """Count one request of ``client``; ``RateLimited`` once it is past ``limit`` in this window.

    Returns the requests counted so far in the window. A ``limit`` of 0 disables the check.
    """
    if limit <= 0:
        return 0
    now = uow.runtime.now()
    start = window_start(now, window_s)
    key = (scope[:32], (client or "unknown")[:64])
    try:
        hits = _count(key, start, uow=uow)
    except IntegrityError:  # another process opened this window at the same moment
        hits = _count(key, start, uow=uow)
    if hits > limit:
        end = start + timedelta(seconds=window_s)
        raise RateLimited(
            f"at most {limit} requests per {window_s} s from one address; try again later",
            retry_after_s=max(1, math.ceil((end - now).total_seconds())))
    return hits


def _count(key: tuple[str, str], start: datetime, *, uow: UnitOfWork) -> int:
    with uow:
        session = uow.session
        hits = _increment(session, key, start)
        if hits is None:
            # The client's first request in this window: forget the scope's ended windows.
            session.execute(sa.delete(RateLimitWindow).where(
                RateLimitWindow.scope == key[0], RateLimitWindow.window_start < start))
            session.add(RateLimitWindow(scope=key[0], client=key[1], window_start=start,
                                        hits=1))
            hits = 1
        uow.commit()
    return hits


def _increment(session: Session, key: tuple[str, str], start: datetime) -> int | None:
    """Add one to the window's count; its new value, or None if the window has no row yet."""
    where = (RateLimitWindow.scope == key[0], RateLimitWindow.client == key[1],
             RateLimitWindow.window_start == start)
    updated = session.execute(sa.update(RateLimitWindow).where(*where)
                              .values(hits=RateLimitWindow.hits + 1)
                              .execution_options(synchronize_session=False))
    if updated.rowcount == 0:  # type: ignore[attr-defined]
        return None
    return session.scalar(sa.select(RateLimitWindow.hits).where(*where))

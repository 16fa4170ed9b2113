"""Claiming due timers for firing: exactly one worker or none holds a timer's claim.

Step 1 of ``timers.py`` (its docstring tells the whole story): due timers are claimed in one
``UPDATE … RETURNING``; one timer by id for the ``certflow.fire_timer`` task; claims a crashed
worker left behind are released by the sweep.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta
from typing import Any, cast

import sqlalchemy as sa

from models import ProcessInstance, Timer
from models.statuses import InstanceStatus, TimerStatus
from workflows.core.unit_of_work import UnitOfWork, UnitOfWorkFactory

STALE_CLAIM = timedelta(minutes=5)


def worker_token() -> str:
    """Who claims: host, process and a random part (unique per call, readable in the row)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim_due(token: str, *, uows: UnitOfWorkFactory, limit: int,
              exclude: set[int] | None = None,
              claim_lease: timedelta = STALE_CLAIM) -> list[int]:
    """Mark up to ``limit`` due timers nobody else holds mine, in due order, and commit.

    Due timers pending, or claimed longer ago than ``claim_lease`` (the worker that claimed
    them died: firing re-checks the claim under the instance lock, so its claim, if it ever
    comes back, fires nothing), in one ``UPDATE … RETURNING``. The rows are picked by a
    ``MATERIALIZED`` ``WITH`` query (``FOR UPDATE SKIP LOCKED`` on PostgreSQL: concurrent
    claimers skip each other's rows; SQLite serialises writers), evaluated once, so the batch
    never exceeds ``limit`` (an ``IN (SELECT … LIMIT …)`` may be run again per row). Stale
    claims of timers not due, or of a suspended instance, are left to the sweep
    (``release_stale_claims``).
    """
    uow = uows()
    with uow:
        now = uow.runtime.now()
        rows = uow.session.connection().execute(_CLAIM_DUE, {
            "now": now, "stale_before": now - claim_lease, "limit": limit, "token": token,
            "exclude": sorted(exclude or ())}).all()
        uow.commit()
    return [timer_id for timer_id, _ in sorted(rows, key=lambda row: (row[1], row[0]))]


def _of_suspended_instance() -> sa.ColumnElement[bool]:
    """A suspended instance's timers stay pending (a subquery: FOR UPDATE locks timers only);
    they are due when it resumes, so the first sweep after that fires them."""
    return sa.exists().where(ProcessInstance.id == Timer.instance_id,
                             ProcessInstance.status == InstanceStatus.SUSPENDED)


_DUE = (
    sa.select(Timer.id)
    .where(Timer.due_at <= sa.bindparam("now"),
           sa.or_(Timer.status == TimerStatus.PENDING,
                  sa.and_(Timer.status == TimerStatus.CLAIMED,
                          Timer.claimed_at < sa.bindparam("stale_before"))),
           ~_of_suspended_instance(),
           Timer.id.not_in(sa.bindparam("exclude", expanding=True)))
    .order_by(Timer.due_at, Timer.id).limit(sa.bindparam("limit"))
    .with_for_update(skip_locked=True)
    .cte("due").prefix_with("MATERIALIZED")
)
# Built once (bind parameters; ``exclude`` expanding: an empty list excludes nothing).
_CLAIM_DUE = (
    sa.update(Timer).where(Timer.id.in_(sa.select(_DUE.c.id)))
    .values(status=TimerStatus.CLAIMED, claimed_by=sa.bindparam("token"),
            claimed_at=sa.bindparam("now"))
    .returning(Timer.id, Timer.due_at)
)


def claim_one(timer_id: int, token: str, *, uows: UnitOfWorkFactory) -> bool:
    """Claim one timer by id (the ``certflow.fire_timer`` task); False if not pending."""
    uow = uows()
    with uow:
        claimed = _updated(uow,
            sa.update(Timer).where(Timer.id == timer_id, Timer.status == TimerStatus.PENDING)
            .values(status=TimerStatus.CLAIMED, claimed_by=token, claimed_at=uow.runtime.now()))
        uow.commit()
    return claimed == 1


def release_stale_claims(*, uows: UnitOfWorkFactory,
                         older_than: timedelta = STALE_CLAIM) -> int:
    """Claims a crashed worker left behind become pending again (at-least-once → exactly once
    still holds: firing re-checks the claim under the instance lock)."""
    uow = uows()
    with uow:
        cutoff = uow.runtime.now() - older_than
        released = _updated(uow,
            sa.update(Timer).where(Timer.status == TimerStatus.CLAIMED, Timer.claimed_at < cutoff)
            .values(status=TimerStatus.PENDING, claimed_by=None, claimed_at=None))
        uow.commit()
    return released


def _updated(uow: UnitOfWork, statement: sa.Update) -> int:
    """Run a bulk UPDATE (loaded objects left as they are); how many rows it changed."""
    result = uow.session.execute(statement.execution_options(synchronize_session=False))
    return cast("sa.CursorResult[Any]", result).rowcount or 0



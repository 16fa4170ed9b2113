"""Bringing a case's timer rows in step with what the engine waits on after a run.

The rows the engine no longer waits on are cancelled, those it still waits on are kept as they
are, and only the timers without a row get one (on PostgreSQL the cancel and the insert are one
statement, elsewhere two); what was inserted is reported, so a calendar warning is given for
new deadlines only.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from models import Timer, db
from models.statuses import TimerStatus
from tests.api_client import ApiClient
from tests.e2e.test_leave_approval import request_leave
from workflows.core.runtime import Runtime
from workflows.core.unit_of_work import UnitOfWork
from workflows.instances.wait_rows import _cancel_stale_and_arm


def _row(timer: Timer, **changes: object) -> dict[str, object]:
    row = {column: getattr(timer, column) for column in (
        "instance_id", "spiff_task_id", "task_name", "element_id", "kind", "interrupting",
        "attached_to", "escalates_to", "expression", "due_at", "status", "calendar_version",
        "created_at", "attempts", "last_error")}
    return {**row, **changes}


def test_stale_rows_are_cancelled_kept_rows_untouched_and_only_new_timers_inserted(
        app: Flask, leave_api: ApiClient, runtime: Runtime) -> None:
    started = request_leave(leave_api, 1)
    with app.app_context():
        timers = db.session.scalars(sa.select(Timer).where(
            Timer.instance_id == started["id"]).order_by(Timer.id)).all()
        assert len(timers) >= 2, "a 1-day leave's first task has two boundary timers"
        kept, stale = timers[0], timers[1:]
        kept_id, kept_due = kept.id, kept.due_at
        new_due = kept.due_at + timedelta(days=3)
        wanted = {kept.spiff_task_id: _row(kept, due_at=new_due),  # already armed: not again
                  "f0000000-0000-4000-8000-000000000001": _row(
                      kept, spiff_task_id="f0000000-0000-4000-8000-000000000001",
                      due_at=new_due)}
        db.session.remove()

        uow = UnitOfWork(runtime)
        with uow:
            armed = _cancel_stale_and_arm(uow, started["id"], wanted)
            uow.commit()
        db.session.remove()

        assert armed == {"f0000000-0000-4000-8000-000000000001"}
        rows = {row.spiff_task_id: row for row in db.session.scalars(
            sa.select(Timer).where(Timer.instance_id == started["id"]))}
        assert rows[kept.spiff_task_id].id == kept_id
        assert rows[kept.spiff_task_id].due_at == kept_due  # kept as it was
        assert rows[kept.spiff_task_id].status == TimerStatus.PENDING
        assert all(rows[row.spiff_task_id].status == TimerStatus.CANCELLED for row in stale)
        new = rows["f0000000-0000-4000-8000-000000000001"]
        assert (new.status, new.due_at, new.element_id) == (
            TimerStatus.PENDING, new_due, kept.element_id)
        assert len(rows) == len(timers) + 1
        db.session.remove()

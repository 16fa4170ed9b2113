"""What a unit of work writes at commit: the changed rows and the history, or nothing.

On PostgreSQL the changed rows and the history go out as one statement; on SQLite through the
ORM's flush. Either way what was written is exactly what the objects hold; on PostgreSQL, where
another transaction can write while a unit of work runs (SQLite has one writer at a time), an
instance changed since it was read fails the commit (409) and leaves no trace.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from flask import Flask

from models import HumanTask, ProcessEvent, ProcessInstance, db
from tests.api_client import ApiClient
from tests.e2e.test_leave_approval import request_leave
from workflows.core.errors import InstanceBusy
from workflows.core.history import EventKind
from workflows.core.runtime import Runtime
from workflows.core.unit_of_work import UnitOfWork

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgresql")


def _events(instance_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ProcessEvent)
                             .where(ProcessEvent.instance_id == instance_id)) or 0


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="needs DATABASE_URL=postgresql...")
def test_an_instance_changed_meanwhile_fails_the_commit_and_writes_nothing(
        app: Flask, leave_api: ApiClient, runtime: Runtime) -> None:
    started = request_leave(leave_api, 1)
    task_id = started["open_tasks"][0]["id"]
    with app.app_context():
        before = _events(started["id"])
        uow = UnitOfWork(runtime)
        with uow:
            instance = uow.session.get(ProcessInstance, started["id"])  # read, not locked
            task = uow.session.get(HumanTask, task_id)
            assert instance is not None and task is not None
            instance.data = {**(instance.data or {}), "note": "changed"}
            task.title = "改过的标题"
            uow.record(EventKind.INSTANCE_RESUMED, instance, actor_id=None)
            with db.engine.begin() as other:  # another writer moves the instance on
                other.execute(sa.update(ProcessInstance)
                              .where(ProcessInstance.id == started["id"])
                              .values(version=ProcessInstance.version + 1))
            with pytest.raises(InstanceBusy):
                uow.commit()
        db.session.remove()
        assert _events(started["id"]) == before
        assert db.session.get(HumanTask, task_id).title != "改过的标题"  # type: ignore[union-attr]
        db.session.remove()


def test_the_changed_rows_and_the_history_are_written_as_held(
        app: Flask, leave_api: ApiClient, runtime: Runtime) -> None:
    started = request_leave(leave_api, 1)
    task_id = started["open_tasks"][0]["id"]
    with app.app_context():
        before = _events(started["id"])
        uow = UnitOfWork(runtime)
        with uow:
            instance = uow.lock_instance(started["id"])
            version = instance.version
            task = uow.session.get(HumanTask, task_id)
            assert task is not None
            instance.data = {**(instance.data or {}), "note": "已核对"}
            task.title = "改过的标题"
            uow.record(EventKind.INSTANCE_RESUMED, instance, actor_id=None)
            uow.commit(keep_loaded=True)
            assert instance.version == version + 1
        db.session.remove()
        stored = db.session.get(ProcessInstance, started["id"])
        assert stored is not None
        assert (stored.version, stored.data["note"]) == (version + 1, "已核对")
        assert db.session.get(HumanTask, task_id).title == "改过的标题"  # type: ignore[union-attr]
        assert _events(started["id"]) == before + 1
        db.session.remove()

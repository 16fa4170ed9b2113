"""What ``celery -A worker.main`` builds: database, runtime and Celery, nothing of HTTP; named
tasks with time limits that read the settings when they run; one schedule for beat and the
embedded loop."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from config import Settings
from models import Incident, ServiceJob, User, db
from tests.background_support import FIXTURES
from worker.celery_app import beat_schedule, create_worker_app
from worker.schedule import SCHEDULE, active
from workflows.automation.service_registry import ServiceContext, service
from workflows.core.runtime import runtime_of
from workflows.core.unit_of_work import UnitOfWork
from workflows.definitions.deploy import deploy_definition
from workflows.identity.users import load_actor
from workflows.instances.lifecycle import start_instance

TASKS = ("certflow.fire_due_timers", "certflow.fire_timer", "certflow.run_service_task",
         "certflow.sweep", "certflow.audit_anchor", "certflow.remove_orphan_attachments",
         "certflow.deliver_notifications")


@pytest.fixture()
def worker_app(settings: Settings, clean_db: None) -> Iterator[Flask]:
    app = create_worker_app(settings)  # the suite's database, a runtime of its own
    yield app
    with app.app_context():
        db.session.remove()


def test_the_worker_builds_no_http_api_and_names_every_task(worker_app: Flask) -> None:
    assert worker_app.blueprints == {}
    assert {rule.endpoint for rule in worker_app.url_map.iter_rules()} == {"static"}
    tasks = worker_app.extensions["celery"].tasks
    for name in TASKS:
        assert tasks[name].name == name
        assert 0 < tasks[name].soft_time_limit < tasks[name].time_limit


def test_beat_and_the_embedded_loop_read_one_table(settings: Settings) -> None:
    beat = beat_schedule(settings)
    assert {entry.task for entry in active(settings)} == {e["task"] for e in beat.values()}
    for entry in active(settings):
        assert beat[entry.entry]["schedule"] == entry.interval(settings)
    assert {entry.task for entry in SCHEDULE} <= set(TASKS)
    quiet = settings.replace(audit_anchor_seconds=0)
    assert "certflow.audit_anchor" not in {entry.task for entry in active(quiet)}


def _always_down(ctx: ServiceContext, *, holder: str, level: int) -> dict[str, Any]:
    raise ConnectionError("register down")


def test_a_task_reads_the_settings_when_it_runs(worker_app: Flask, settings: Settings) -> None:
    runtime = runtime_of(worker_app)
    runtime.services.add(service("tests.lookup_certificate",
                                 params={"holder": "str", "level": "int"})(_always_down))
    # Changed after the tasks were registered: the next run must use it.
    runtime.settings = settings.replace(service_task_max_retries=0)
    with worker_app.app_context():
        deploy_definition({"service_call.bpmn": (FIXTURES / "service_call.bpmn").read_bytes()},
                          actor=None, uow=UnitOfWork(runtime))
        user_id = db.session.scalar(sa.select(User.id).where(User.username == "xiaoming"))
        start_instance("service_call", business_key="W-1", data={"holder": "小明", "level": 3},
                       actor=load_actor(db.session, user_id), uow=UnitOfWork(runtime))
        attempts = db.session.scalar(sa.select(ServiceJob.attempts))
        incidents = db.session.scalar(sa.select(sa.func.count(Incident.id)))
    assert (attempts, incidents) == (1, 1)  # no retry: max_retries 0 was read at run time

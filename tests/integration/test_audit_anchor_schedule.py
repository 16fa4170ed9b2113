"""The audit trail is anchored on a schedule (beat, or the embedded thread), not only on demand.

Runs the ``certflow.audit_anchor`` task the way beat would (eagerly here) against a real
database: an intact trail gets a signed anchor of the heads that moved, a tampered one gets none
and reports its first broken link.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from models import AuditAnchor, ProcessEvent, db
from tests.api_client import ApiClient
from tests.e2e.test_leave_approval import request_leave
from worker.celery_app import beat_schedule
from workflows.core.runtime import runtime_of


def run_anchor_task(app: Flask) -> dict:
    with app.app_context():
        return app.extensions["celery"].tasks["certflow.audit_anchor"].apply().get()


def anchor_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditAnchor))


def test_beat_schedules_the_anchor_at_the_configured_interval(app: Flask) -> None:
    settings = runtime_of(app).settings
    entry = app.extensions["celery"].conf.beat_schedule["certflow-audit-anchor"]
    assert entry["task"] == "certflow.audit_anchor"
    assert entry["schedule"] == settings.audit_anchor_seconds == 3600
    assert "certflow-audit-anchor" not in beat_schedule(settings.replace(audit_anchor_seconds=0))


def test_the_scheduled_task_anchors_an_intact_trail_and_refuses_a_broken_one(
        app: Flask, leave_api: ApiClient) -> None:
    instance_id = request_leave(leave_api, 1)["id"]
    first = run_anchor_task(app)
    assert first["ok"] is True and first["new_anchor"] is not None
    assert first["new_anchor"]["instances_in_delta"] >= 1
    assert anchor_count(app) == 1

    again = run_anchor_task(app)  # nothing moved: no new anchor
    assert again["ok"] is True and again["new_anchor"] is None
    assert anchor_count(app) == 1

    with app.app_context(), db.engine.begin() as connection:
        connection.execute(sa.update(ProcessEvent.__table__)
                           .where(ProcessEvent.__table__.c.instance_id == instance_id,
                                  ProcessEvent.__table__.c.seq == 1)
                           .values(actor_id=None))
    broken = run_anchor_task(app)
    assert broken["ok"] is False and broken["new_anchor"] is None
    assert broken["first_broken"]["instance_id"] == instance_id
    assert anchor_count(app) == 1

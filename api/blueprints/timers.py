"""Timers: what is armed and when it is due, and firing due timers on demand."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api.auth import current_actor, login_required
from api.context import runtime
from api.openapi import CertflowBlueprint, problems
from api.schemas.background import FireReportSchema, TimerQuerySchema, TimerSchema
from models import db
from workflows.automation import demo_timers, timers
from workflows.core.unit_of_work import units_of
from workflows.instances.lifecycle import get_instance

bp = CertflowBlueprint("timers", __name__, url_prefix="/api/v1", description="Durable timers")


@bp.get("/timers")
@login_required()
@bp.arguments(TimerQuerySchema, location="query")
@bp.response(200, TimerSchema(many=True))
@problems(404, 422)
def list_all(query: dict[str, Any]) -> Any:
    """Timers by due time; administrators and auditors see all, others one instance's."""
    actor = current_actor()
    instance_id = query.get("instance_id")
    if not (actor.is_admin or actor.is_auditor):
        if instance_id is None:
            return []
        get_instance(db.session(), instance_id, actor=actor)  # 404 unless visible
    return timers.list_timers(db.session(), actor=actor, instance_id=instance_id,
                              status=query.get("status"))


@bp.post("/timers/fire-due")
@login_required("admin")
@bp.response(200, FireReportSchema)
def fire_due() -> Any:
    """Fire every timer due now (what the periodic job does), e.g. after downtime."""
    settings = runtime().settings
    return timers.fire_due_timers(uows=units_of(runtime()),
                                  batch_size=settings.timer_batch_size,
                                  claim_lease=timedelta(seconds=settings.claim_lease_seconds))


@bp.post("/timers/<int:timer_id>/fire-now")
@login_required("admin")
@bp.response(200, FireReportSchema)
@problems(403, 404, 409)
def fire_now(timer_id: int) -> Any:
    """Demo mode only: fire a waiting timer now (e.g. end a notice period), recorded in the
    case's history; outside the demo mode 403."""
    outcome = demo_timers.fire_timer_now(timer_id, actor=current_actor(),
                                    uows=units_of(runtime()))
    return {"claimed": 1, "fired": len(outcome.fired_ids),
            "skipped": int(outcome.status == "skipped"), "errors": int(outcome.status == "error")}

from __future__ import annotations

from typing import Any

from api.auth import current_actor, login_required
from api.context import unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.instances import (
    EventSchema,
    InstanceControlSchema,
    InstanceListQuerySchema,
    InstancePageSchema,
    InstanceSchema,
    InstanceStartSchema,
    InstanceTerminateSchema,
    instance_payload,
    user_names,
)
from models import db
from workflows.core import history
from workflows.instances import control as instance_control
from workflows.instances import lifecycle as instances
from workflows.instances import visibility

EVENT_FIELDS = ("id", "seq", "kind", "at", "actor_id", "task_name", "payload", "prev_hash", "hash")

bp = CertflowBlueprint("instances", __name__, url_prefix="/api/v1",
                       description="Process instances")


@bp.post("/instances")
@login_required()
@bp.arguments(InstanceStartSchema)
@bp.response(201, InstanceSchema)
@problems(403, 404, 422)
def start(body: dict[str, Any]) -> dict[str, Any]:
    """Start an instance and run it until it waits on people."""
    view = instances.start_instance(
        body["process_id"], business_key=body["business_key"], data=body["data"],
        version=body.get("version"), actor=current_actor(), uow=unit_of_work())
    return instance_payload(view)


@bp.get("/instances")
@login_required()
@bp.arguments(InstanceListQuerySchema, location="query")
@bp.response(200, InstancePageSchema)
def list_all(query: dict[str, Any]) -> dict[str, Any]:
    """Instances I may see, newest first."""
    rows, total = instances.list_instances(
        db.session(), actor=current_actor(), process_id=query.get("process_id"),
        business_key=query.get("business_key"), status=query.get("status"),
        page=query["page"], per_page=query["per_page"])
    return {"items": rows, "total": total, "page": query["page"], "per_page": query["per_page"]}


@bp.get("/instances/<int:instance_id>")
@login_required()
@bp.response(200, InstanceSchema)
@problems(404)
def get(instance_id: int) -> dict[str, Any]:
    """Status, data, open tasks and completed steps of one instance."""
    return instance_payload(instances.get_instance(db.session(), instance_id,
                                                   actor=current_actor()))


@bp.get("/instances/<int:instance_id>/events")
@login_required()
@bp.response(200, EventSchema(many=True))
@problems(404)
def events(instance_id: int) -> list[Any]:
    """The instance's history, in order."""
    actor = current_actor()
    view = instances.get_instance(db.session(), instance_id, actor=actor)  # visibility check
    rows = history.list_events(db.session(), instance_id)
    names = user_names({row.actor_id for row in rows if row.actor_id is not None})
    fields = visibility.readable_fields(db.session(), view.instance)
    return [{**{column: getattr(row, column) for column in EVENT_FIELDS},
             "payload": visibility.readable_payload(db.session(), view.instance, actor,
                                                    row.kind, row.payload, fields=fields,
                                                    known=True),
             "actor_name": names.get(row.actor_id) if row.actor_id is not None else None}
            for row in rows]


@bp.post("/instances/<int:instance_id>/suspend")
@login_required("admin")
@bp.arguments(InstanceControlSchema)
@bp.response(200, InstanceSchema)
@problems(404, 409, 422)
def suspend(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """Stop the instance moving on (claims, completions, timers, service jobs) until resumed."""
    return instance_payload(instance_control.suspend_instance(
        instance_id, reason=body.get("reason"), actor=current_actor(), uow=unit_of_work()))


@bp.post("/instances/<int:instance_id>/resume")
@login_required("admin")
@bp.arguments(InstanceControlSchema)
@bp.response(200, InstanceSchema)
@problems(404, 409, 422)
def resume(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """Let a suspended instance continue; timers that fell due meanwhile fire on the next sweep."""
    return instance_payload(instance_control.resume_instance(
        instance_id, reason=body.get("reason"), actor=current_actor(), uow=unit_of_work()))


@bp.post("/instances/<int:instance_id>/terminate")
@login_required("admin")
@bp.arguments(InstanceTerminateSchema)
@bp.response(200, InstanceSchema)
@problems(404, 409, 422)
def terminate(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """Cancel the instance for good, closing its tasks, timers and jobs; a reason is required."""
    return instance_payload(instance_control.terminate_instance(
        instance_id, reason=body["reason"], actor=current_actor(), uow=unit_of_work()))

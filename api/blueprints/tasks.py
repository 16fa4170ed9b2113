from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from api.auth import current_actor, login_required
from api.context import now, unit_of_work
from api.masking import mask_text
from api.openapi import CertflowBlueprint, problems
from api.schemas.instances import InstanceSchema, instance_payload
from api.schemas.tasks import (
    InboxPageSchema,
    InboxQuerySchema,
    TaskCompleteQuerySchema,
    TaskCompleteSchema,
    TaskDetailSchema,
    TaskSchema,
    inbox_items,
)
from models import HumanTask, db
from workflows.tasks import actions as human_tasks
from workflows.tasks.inbox import InboxFilter, list_inbox
from workflows.tasks.summaries import task_summaries

bp = CertflowBlueprint("tasks", __name__, url_prefix="/api/v1",
                       description="User tasks and the inbox")


@bp.get("/tasks")
@login_required()
@bp.arguments(InboxQuerySchema(), location="query")  # one instance: not rebuilt per request
@bp.response(200, InboxPageSchema)
@problems(422)
def inbox(query: dict[str, Any]) -> Response:
    """Tasks I can act on: unclaimed in my groups and claimed by me."""
    filters = InboxFilter(process_id=query.get("process_id"), group=query.get("group"),
                          status=query.get("status"), business_key=query.get("business_key"),
                          overdue=query.get("overdue"), sort=query["sort"])
    at = now()
    page = list_inbox(db.session(), current_actor(), filters, now=at, page=query["page"],
                      per_page=query["per_page"])
    # Already serialized (the schema above documents it): see inbox_items.
    items = inbox_items(page.tasks, at)
    summaries = task_summaries(db.session(), page.tasks)
    for item in items:
        item["summary"] = [{"label": entry["label"], "value": mask_text(entry["value"])}
                           for entry in summaries.get(item["id"], [])]
    return jsonify({
        "items": items, "total": page.total,
        "total_is_exact": page.total_is_exact, "page": page.page, "per_page": page.per_page})


@bp.get("/tasks/<int:task_id>")
@login_required()
@bp.response(200, TaskDetailSchema)
@problems(404)
def get(task_id: int) -> dict[str, Any]:
    """One task with its form's JSON Schema."""
    task = human_tasks.get_task(db.session(), task_id, actor=current_actor())
    payload = {column.key: getattr(task, column.key) for column in HumanTask.__table__.columns}
    payload["form_schema"] = human_tasks.task_form_schema(db.session(), task)
    payload["summary"] = task_summaries(db.session(), [task]).get(task.id, [])
    return payload


@bp.post("/tasks/<int:task_id>/claim")
@login_required()
@bp.response(200, TaskSchema)
@problems(403, 404, 409)
def claim(task_id: int) -> Any:
    """Claim an unclaimed task of one of my groups."""
    return human_tasks.claim_task(task_id, actor=current_actor(), uow=unit_of_work())


@bp.post("/tasks/<int:task_id>/release")
@login_required()
@bp.response(200, TaskSchema)
@problems(403, 404, 409)
def release(task_id: int) -> Any:
    """Give a task I claimed back to its group."""
    return human_tasks.release_task(task_id, actor=current_actor(), uow=unit_of_work())


@bp.post("/tasks/<int:task_id>/complete")
@login_required()
@bp.arguments(TaskCompleteSchema)
@bp.arguments(TaskCompleteQuerySchema, location="query")
@bp.response(200, InstanceSchema)
@problems(403, 404, 409, 422)
def complete(body: dict[str, Any], query: dict[str, Any], task_id: int) -> dict[str, Any]:
    """Complete a task I claimed with its form data; returns the instance afterwards.

    With ``?claim=true`` an unclaimed task of mine to take is claimed and completed in one
    request and one transaction (the web app's 办理).
    """
    view = human_tasks.complete_task(
        task_id, data=body["data"], actor=current_actor(), uow=unit_of_work(),
        claim_if_ready=query["claim"])
    return instance_payload(view)

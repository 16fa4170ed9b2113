"""Bulk work: list the open tasks of one kind (e.g. one exam session's score sheets) and
complete many in one request, each task in its own transaction with its own result."""

from __future__ import annotations

from typing import Any

from api.auth import current_actor, login_required
from api.context import runtime
from api.errors import domain_problem
from api.openapi import CertflowBlueprint, problems
from api.schemas.certification import (
    BatchCompleteSchema,
    BatchResultSchema,
    BatchTaskListSchema,
    BatchTaskQuerySchema,
)
from models import db
from workflows.core.unit_of_work import units_of
from workflows.tasks import batch

bp = CertflowBlueprint("batch", __name__, url_prefix="/api/v1", description="Bulk task work")


@bp.get("/batch/tasks")
@login_required()
@bp.arguments(BatchTaskQuerySchema, location="query")
@bp.response(200, BatchTaskListSchema)
@problems(422)
def open_tasks(query: dict[str, Any]) -> dict[str, Any]:
    """Open tasks of one kind I can do (my groups' unclaimed, or claimed by me), optionally of
    one exam session, occupation or level, each with who it is about (at most 500)."""
    filters = batch.BatchTaskFilter(
        task_name=query["task_name"], process_id=query.get("process_id"),
        exam_session=query.get("exam_session"), occupation=query.get("occupation"),
        level=query.get("level"))
    rows = batch.open_tasks(db.session(), current_actor(), filters)
    items = [{**{c.key: getattr(task, c.key) for c in task.__table__.columns}, "case": case}
             for task, case in rows]
    return {"items": items, "total": len(items)}


@bp.post("/batch/complete")
@login_required()
@bp.arguments(BatchCompleteSchema)
@bp.response(200, BatchResultSchema)
@problems(403, 422)
def complete(body: dict[str, Any]) -> dict[str, Any]:
    """Complete many tasks (claiming unclaimed ones of my groups first, unless ``claim`` is
    false). Each task is validated and completed on its own: a failure is reported for that
    task with the problem the single call would give, and changes nothing for it."""
    items = [batch.BatchItem(item["task_id"], item["data"]) for item in body["items"]]
    results = batch.complete_many(
        items, actor=current_actor(), uows=units_of(runtime()), common=body["data"],
        claim=body["claim"])
    shaped = []
    for result in results:
        status, problem = domain_problem(result.error) if result.error else (200, None)
        shaped.append({"task_id": result.task_id, "ok": result.ok, "status": status,
                       "instance_id": result.instance_id,
                       "instance_status": result.instance_status, "problem": problem})
    completed = sum(1 for r in results if r.ok)
    return {"completed": completed, "failed": len(results) - completed, "results": shaped}

"""我的申请 (the applicant's cases in words) and what a task shows its doer first."""

from __future__ import annotations

from typing import Any

from api.auth import current_actor, login_required
from api.openapi import CertflowBlueprint, problems
from api.schemas.applicants import ApplicantCaseSchema, MyCasesQuerySchema, TaskGuidanceSchema
from models import db
from workflows.tasks.applicant_view import my_cases
from workflows.tasks.task_guidance import task_guidance

bp = CertflowBlueprint("applicants", __name__, url_prefix="/api/v1",
                       description="My cases in words, and a task's reason and deadline")


@bp.get("/my-cases")
@login_required()
@bp.arguments(MyCasesQuerySchema, location="query")
@bp.response(200, ApplicantCaseSchema(many=True))
@problems(422)
def mine(query: dict[str, Any]) -> Any:
    """The cases I started: where each is, who holds it, and how and why it ended."""
    return my_cases(db.session(), actor=current_actor(), status=query.get("status"))


@bp.get("/tasks/<int:task_id>/guidance")
@login_required()
@bp.response(200, TaskGuidanceSchema)
@problems(404)
def guidance(task_id: int) -> Any:
    """Why the task came (back) and by when, and the answers already given."""
    return task_guidance(db.session(), task_id, actor=current_actor())

"""Incidents: service tasks that failed after every retry, and the administrator's retry."""

from __future__ import annotations

from typing import Any

from api.auth import current_actor, login_required
from api.context import unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.background import IncidentPageSchema, IncidentQuerySchema, IncidentSchema
from models import db
from workflows.automation import incidents

bp = CertflowBlueprint("incidents", __name__, url_prefix="/api/v1",
               description="Failed background steps (incidents)")


@bp.get("/incidents")
@login_required("admin", "auditor")
@bp.arguments(IncidentQuerySchema, location="query")
@bp.response(200, IncidentPageSchema)
@problems(422)
def list_all(query: dict[str, Any]) -> dict[str, Any]:
    """Incidents, newest first (filters: ``status``, ``instance_id``)."""
    rows, total = incidents.list_incidents(
        db.session(), actor=current_actor(), status=query.get("status"),
        instance_id=query.get("instance_id"), page=query["page"], per_page=query["per_page"])
    return {"items": rows, "total": total, "page": query["page"], "per_page": query["per_page"]}


@bp.get("/incidents/<int:incident_id>")
@login_required("admin", "auditor")
@bp.response(200, IncidentSchema)
@problems(404)
def get(incident_id: int) -> Any:
    """One incident: error, stack summary, attempts."""
    return incidents.get_incident(db.session(), incident_id, actor=current_actor())


@bp.post("/incidents/<int:incident_id>/retry")
@login_required("admin")
@bp.response(200, IncidentSchema)
@problems(404, 409)
def retry(incident_id: int) -> Any:
    """Re-queue the failed service task after a fix; the retry is recorded in the history."""
    return incidents.retry_incident(incident_id, actor=current_actor(), uow=unit_of_work())

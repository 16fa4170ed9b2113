"""GET /supervision/cases: the 质量监督小组's read-only view of every case of its centre."""

from __future__ import annotations

from typing import Any

from api.auth import current_actor, login_required
from api.context import now
from api.openapi import CertflowBlueprint, problems
from api.schemas.supervision import CentreCasePageSchema, CentreCaseQuerySchema
from models import db
from workflows.instances import supervision

bp = CertflowBlueprint("supervision", __name__, url_prefix="/api/v1",
                       description="Quality supervision: every case of the supervisor's centre")


@bp.get("/supervision/cases")
@login_required()
@bp.arguments(CentreCaseQuerySchema, location="query")
@bp.response(200, CentreCasePageSchema)
@problems(403, 422)
def centre_cases(query: dict[str, Any]) -> dict[str, Any]:
    """Every case of my centre, newest first, with its applicant and the steps it waits at
    (质量监督小组 only; read only: each case opens with GET /instances/{id})."""
    filters = supervision.CentreCaseFilter(process_id=query.get("process_id"),
                                           status=query.get("status"),
                                           business_key=query.get("business_key"))
    rows, total = supervision.list_centre_cases(db.session(), current_actor(), filters,
                                                now=now(), page=query["page"],
                                                per_page=query["per_page"])
    return {"items": rows, "total": total, "page": query["page"], "per_page": query["per_page"]}

"""Certification reports as JSON, and the same rows as CSV downloads (``….csv``)."""

from __future__ import annotations

from typing import Any

from flask import Response

from api.auth import current_actor, login_required
from api.context import now
from api.openapi import CertflowBlueprint, problems
from api.schemas.certification import CaseCountSchema, OverdueSchema, SessionRateSchema
from models import db
from workflows.certification import reports

bp = CertflowBlueprint("reports", __name__, url_prefix="/api/v1",
                       description="Certification reports")

CSV_DOC = {"responses": {"200": {"description": "CSV with a header row (UTF-8 with BOM)",
                                 "content": {"text/csv": {"schema": {"type": "string"}}}}}}


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...], name: str) -> Response:
    return Response(reports.to_csv(rows, columns), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}.csv"'})


@bp.get("/reports/certification/cases")
@login_required()
@problems(403)
@bp.response(200, CaseCountSchema(many=True))
def cases() -> list[dict[str, Any]]:
    """Certification cases counted by occupation, level and status (in_progress or outcome)."""
    return reports.case_counts(db.session(), current_actor())


@bp.get("/reports/certification/cases.csv")
@login_required()
@problems(403)
@bp.doc(**CSV_DOC)
def cases_csv() -> Response:
    """The case counts as CSV."""
    rows = reports.case_counts(db.session(), current_actor())
    return _csv(rows, reports.CASE_COLUMNS, "certification-cases")


@bp.get("/reports/certification/sessions")
@login_required()
@problems(403)
@bp.response(200, SessionRateSchema(many=True))
def sessions() -> list[dict[str, Any]]:
    """Pass rate per exam session (passed / judged; absent candidates counted apart)."""
    return reports.session_pass_rates(db.session(), current_actor())


@bp.get("/reports/certification/sessions.csv")
@login_required()
@problems(403)
@bp.doc(**CSV_DOC)
def sessions_csv() -> Response:
    """The pass rates per session as CSV."""
    rows = reports.session_pass_rates(db.session(), current_actor())
    return _csv(rows, reports.SESSION_COLUMNS, "exam-sessions")


@bp.get("/reports/tasks/overdue")
@login_required()
@problems(403)
@bp.response(200, OverdueSchema(many=True))
def overdue() -> list[dict[str, Any]]:
    """Open tasks past their due time, per candidate group and process."""
    return reports.overdue_tasks(db.session(), current_actor(), now=now())


@bp.get("/reports/tasks/overdue.csv")
@login_required()
@problems(403)
@bp.doc(**CSV_DOC)
def overdue_csv() -> Response:
    """Overdue tasks per group as CSV."""
    rows = reports.overdue_tasks(db.session(), current_actor(), now=now())
    return _csv(rows, reports.OVERDUE_COLUMNS, "overdue-tasks")

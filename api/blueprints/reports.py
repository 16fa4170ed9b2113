"""Certification reports as JSON, and the same rows as CSV downloads (``….csv``)."""

from __future__ import annotations

from typing import Any

from flask import Response

from api.auth import current_actor, login_required
from api.context import now
from api.openapi import CertflowBlueprint, problems
from api.schemas.certification import (
    CaseCountSchema,
    OverdueSchema,
    PassRateSchema,
    SessionRateSchema,
    StepCountSchema,
)
from models import db
from workflows.certification import report_book, reports

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


@bp.get("/reports/certification/pass-rates")
@login_required()
@problems(403)
@bp.response(200, PassRateSchema(many=True))
def pass_rates() -> list[dict[str, Any]]:
    """Pass rate per occupation and level (passed / judged)."""
    return reports.pass_rates(db.session(), current_actor())


@bp.get("/reports/certification/pass-rates.csv")
@login_required()
@problems(403)
@bp.doc(**CSV_DOC)
def pass_rates_csv() -> Response:
    """The pass rates per occupation and level as CSV."""
    rows = reports.pass_rates(db.session(), current_actor())
    return _csv(rows, reports.PASS_RATE_COLUMNS, "pass-rates")


@bp.get("/reports/certification/steps")
@login_required()
@problems(403)
@bp.response(200, StepCountSchema(many=True))
def steps() -> list[dict[str, Any]]:
    """Running certification cases per step they wait at."""
    return reports.cases_per_step(db.session(), current_actor())


@bp.get("/reports/certification/steps.csv")
@login_required()
@problems(403)
@bp.doc(**CSV_DOC)
def steps_csv() -> Response:
    """The cases per step as CSV."""
    rows = reports.cases_per_step(db.session(), current_actor())
    return _csv(rows, reports.STEP_COLUMNS, "cases-per-step")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/reports/certification.xlsx")
@login_required()
@problems(403)
@bp.doc(responses={"200": {"description": "every report, one sheet each, Chinese headers",
                           "content": {XLSX: {"schema": {"type": "string",
                                                         "format": "binary"}}}}})
def workbook() -> Response:
    """Every certification report in one .xlsx workbook."""
    body = report_book.workbook(db.session(), current_actor(), now=now())
    return Response(body, mimetype=XLSX, headers={
        "Content-Disposition": 'attachment; filename="certification-reports.xlsx"'})

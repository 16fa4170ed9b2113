"""Onboarding a school: import templates, sheet imports (preview, confirm), and the
directory's history for administrators and auditors of a centre."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, request

from api.auth import current_actor, login_required
from api.context import runtime, unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.onboarding import (
    HistoryQuerySchema,
    HistorySchema,
    ImportQuerySchema,
    ImportSchema,
    TemplateQuerySchema,
)
from models import db
from workflows.core.errors import FileTooLarge, InvalidInput, NotAllowed, NotFound
from workflows.directory.acting import today_at
from workflows.onboarding import history, imports
from workflows.onboarding.sheets import SheetKind, template_csv, template_xlsx

bp = CertflowBlueprint("onboarding", __name__, url_prefix="/api/v1",
                       description="Onboarding: importing people from sheets, the directory's "
                                   "history")

MAX_SHEET_BYTES = 20 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_BODY = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary",
                                "description": ".xlsx, or CSV in UTF-8 or GBK"}}}}},
}
FILE_DOC = {"responses": {"200": {"description": "the template", "content": {
    XLSX: {"schema": {"type": "string", "format": "binary"}},
    "text/csv": {"schema": {"type": "string"}}}}}}


@bp.get("/directory/import-templates/<kind>")
@login_required("admin")
@bp.arguments(TemplateQuerySchema, location="query")
@bp.doc(**FILE_DOC)
@problems(404, 422)
def template(query: dict[str, Any], kind: str) -> Response:
    """The import template, ``learners`` (学员) or ``staff`` (教职工), with Chinese column
    headers and an example row."""
    if kind not in (SheetKind.LEARNERS, SheetKind.STAFF):
        raise NotFound("没有这种导入模板：请用 learners 或 staff")
    sheet = SheetKind(kind)
    name = "学员导入模板" if sheet is SheetKind.LEARNERS else "教职工导入模板"
    if query["format"] == "csv":
        body, mimetype, suffix = template_csv(sheet), "text/csv", "csv"
    else:
        body, mimetype, suffix = template_xlsx(sheet), XLSX, "xlsx"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{kind}.{suffix}\"; filename*=UTF-8''"
        f"{quote(name)}.{suffix}")
    return response


@bp.post("/directory/imports")
@login_required("admin")
@bp.arguments(ImportQuerySchema, location="query")
@bp.doc(requestBody=UPLOAD_BODY)
@bp.response(201, ImportSchema)
@problems(403, 413, 422)
def preview(query: dict[str, Any]) -> dict[str, Any]:
    """Upload a sheet: the answer previews every row (add, update, unchanged) and every
    problem with its row, column and reason; nothing is written until it is confirmed."""
    if request.content_length is not None and request.content_length > MAX_SHEET_BYTES:
        raise FileTooLarge("文件超过 20 MB，请拆分后上传")
    request.max_content_length = MAX_SHEET_BYTES
    if not request.mimetype.startswith("multipart/form-data"):
        raise InvalidInput("请以 multipart/form-data 上传，文件放在名为 file 的字段中")
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("请求中没有文件：请把文件放在名为 file 的字段中上传")
    return imports.preview_import(SheetKind(query["kind"]), upload.filename or "",
                                  upload.read(), actor=current_actor(), uow=unit_of_work())


@bp.get("/directory/imports/<int:import_id>")
@login_required("admin")
@bp.response(200, ImportSchema)
@problems(403, 404)
def show(import_id: int) -> dict[str, Any]:
    """An import; a preview not yet confirmed is planned again against the directory now."""
    return imports.show_import(import_id, actor=current_actor(), session=db.session(),
                               today=today_at(runtime().now()))


@bp.post("/directory/imports/<int:import_id>/confirm")
@login_required("admin")
@bp.response(200, ImportSchema)
@problems(403, 404, 409, 422)
def confirm(import_id: int) -> dict[str, Any]:
    """Write the import, every row or none: refused (422, each problem located) while any row
    has a problem; confirming a sheet whose rows are all unchanged writes nothing."""
    return imports.confirm_import(import_id, actor=current_actor(), uow=unit_of_work())


@bp.post("/directory/imports/<int:import_id>/discard")
@login_required("admin")
@bp.response(204)
@problems(403, 404, 409)
def discard(import_id: int) -> None:
    """Throw a preview away."""
    imports.discard_import(import_id, actor=current_actor(), uow=unit_of_work())


@bp.get("/directory/history")
@login_required("admin", "auditor")
@bp.arguments(HistoryQuerySchema, location="query")
@bp.response(200, HistorySchema)
@problems(403)
def changes(query: dict[str, Any]) -> dict[str, Any]:
    """The directory's history of the caller's centre, newest first, with actor and before/
    after; ``intact`` says whether the centre's hash chain verifies."""
    actor = current_actor()
    if actor.tenant_id is None:
        raise NotAllowed("此账号不属于任何机构")
    person = query.get("person_id")
    return history.changes(db.session(), actor.tenant_id, key=runtime().chain_key,
                           subject_type="person" if person else None, subject_id=person,
                           limit=query["limit"])

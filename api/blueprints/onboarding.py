"""Onboarding a school: import templates, sheet imports (preview, confirm), and the
directory's history for administrators and auditors of a centre."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, request

from api.auth import current_actor, login_required
from api.context import runtime, unit_of_work
from api.import_jobs import import_jobs
from api.openapi import CertflowBlueprint, problems
from api.schemas.onboarding import (
    AdminSearchSchema,
    HistoryQuerySchema,
    HistorySchema,
    ImportJobSchema,
    ImportQuerySchema,
    ImportSchema,
    MoveSchema,
    NewPasswordSchema,
    PersonCardSchema,
    PersonCreateSchema,
    PersonEditSchema,
    PositionEndSchema,
    PositionGiveSchema,
    TemplateQuerySchema,
)
from models import db
from workflows.core.errors import FileTooLarge, InvalidInput, NotAllowed, NotFound
from workflows.directory.acting import today_at
from workflows.onboarding import history, imports, people_admin
from workflows.onboarding.sheets import SheetKind, template_csv, template_xlsx

bp = CertflowBlueprint("onboarding", __name__, url_prefix="/api/v1",
                       description="Onboarding: importing people from sheets, administering "
                                   "people and accounts, the directory's history")

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


@bp.post("/directory/imports/<int:import_id>/confirm-job")
@login_required("admin")
@bp.response(202, ImportJobSchema)
@problems(403, 404, 409)
def start_confirm_job(import_id: int) -> dict[str, Any]:
    """Confirm as background work (a large sheet): 202 at once, then poll
    ``GET …/confirm-job`` for the phase and rows done. The writing is the same as
    ``…/confirm``: one transaction, every row or none."""
    return import_jobs().start(import_id, actor=current_actor())


@bp.get("/directory/imports/<int:import_id>/confirm-job")
@login_required("admin")
@bp.response(200, ImportJobSchema)
@problems(403, 404)
def confirm_job(import_id: int) -> dict[str, Any]:
    """How far the background confirmation of an import has got, whichever API process or
    worker runs it; a job whose process stopped is reported failed (404: none was started)."""
    return import_jobs().find(import_id, actor=current_actor())


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


@bp.get("/admin/people")
@login_required("admin")
@bp.arguments(AdminSearchSchema, location="query")
@bp.response(200, PersonCardSchema(many=True))
@problems(403, 422)
def find_people(query: dict[str, Any]) -> list[dict[str, Any]]:
    """Find people of the administrator's centre by 姓名, 学号/工号 or the last digits of the
    身份证号, with their accounts, class and positions."""
    return people_admin.find_people(db.session(), query["q"], actor=current_actor(),
                                    today=today_at(runtime().now()))


@bp.post("/admin/people")
@login_required("admin")
@bp.arguments(PersonCreateSchema)
@bp.response(201, PersonCardSchema)
@problems(403, 404, 409, 422)
def create_person(body: dict[str, Any]) -> dict[str, Any]:
    """Add a person to the centre (a learner given ``class_id`` is enrolled from today)."""
    class_id = body.pop("class_id", None)
    actor = current_actor()
    person_id = people_admin.create_person(body, class_id=class_id, actor=actor,
                                           uow=unit_of_work())
    return _card(person_id)


@bp.get("/admin/people/<int:person_id>")
@login_required("admin")
@bp.response(200, PersonCardSchema)
@problems(403, 404)
def person(person_id: int) -> dict[str, Any]:
    """One person of the centre with accounts, class and positions."""
    return _card(person_id)


@bp.patch("/admin/people/<int:person_id>")
@login_required("admin")
@bp.arguments(PersonEditSchema)
@bp.response(200, PersonCardSchema)
@problems(403, 404, 409, 422)
def edit_person(body: dict[str, Any], person_id: int) -> dict[str, Any]:
    """Change a person's record or status; status ``disabled`` disables their accounts."""
    people_admin.edit_person(person_id, body, actor=current_actor(), uow=unit_of_work())
    return _card(person_id)


@bp.post("/admin/people/<int:person_id>/disable")
@login_required("admin")
@bp.response(200, PersonCardSchema)
@problems(403, 404, 422)
def disable_person(person_id: int) -> dict[str, Any]:
    """停用: the person and every account of theirs; their tokens are refused from now on."""
    people_admin.disable_person(person_id, actor=current_actor(), uow=unit_of_work())
    return _card(person_id)


@bp.post("/admin/people/<int:person_id>/enrolment")
@login_required("admin")
@bp.arguments(MoveSchema)
@bp.response(200, PersonCardSchema)
@problems(403, 404, 422)
def move_learner(body: dict[str, Any], person_id: int) -> dict[str, Any]:
    """Move a learner to a 班级 from a day; the open enrolment ends the day before."""
    people_admin.move_learner(person_id, body["unit_id"], valid_from=body["valid_from"],
                              actor=current_actor(), uow=unit_of_work())
    return _card(person_id)


@bp.post("/admin/people/<int:person_id>/positions")
@login_required("admin")
@bp.arguments(PositionGiveSchema)
@bp.response(201, PersonCardSchema)
@problems(403, 404, 422)
def give_position(body: dict[str, Any], person_id: int) -> dict[str, Any]:
    """Give a position for a period (e.g. 班主任 of 机电2301 from 2026-09-01)."""
    people_admin.give_position(person_id, body["unit_id"], role=body["role"],
                               valid_from=body["valid_from"], valid_to=body["valid_to"],
                               actor=current_actor(), uow=unit_of_work())
    return _card(person_id)


@bp.post("/admin/positions/<int:position_id>/end")
@login_required("admin")
@bp.arguments(PositionEndSchema)
@bp.response(204)
@problems(403, 404, 422)
def end_position(body: dict[str, Any], position_id: int) -> None:
    """End a position on a day (default yesterday)."""
    people_admin.end_position(position_id, valid_to=body["valid_to"], actor=current_actor(),
                              uow=unit_of_work())


@bp.post("/admin/accounts/<int:user_id>/reset-password")
@login_required("admin")
@bp.response(200, NewPasswordSchema)
@problems(403, 404)
def reset_password(user_id: int) -> dict[str, Any]:
    """A new random password, shown once; the account's earlier tokens stop working."""
    return {"password": people_admin.reset_password(user_id, actor=current_actor(),
                                                    uow=unit_of_work())}


def _card(person_id: int) -> dict[str, Any]:
    return people_admin.person_card(db.session(), person_id, actor=current_actor(),
                                    today=today_at(runtime().now()))

"""Administering a centre's organisation tree (add, rename, move, deactivate units) and the
directory export as one workbook."""

from __future__ import annotations

from typing import Any

from flask import Response

from api.auth import current_actor, login_required
from api.context import runtime, unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.org_admin import (
    AccountsOpenedSchema,
    AccountsQuerySchema,
    AccountsRequestSchema,
    AdminUnitSchema,
    HandedOverSchema,
    RolloverConfirmSchema,
    RolloverDoneSchema,
    RolloverPlanSchema,
    RolloverRequestSchema,
    UnitCreateSchema,
    UnitEditSchema,
    UnitMoveSchema,
)
from models import db
from workflows.directory.acting import today_at
from workflows.directory.reads import unit_view
from workflows.onboarding import accounts, activation, rollover, units_admin
from workflows.onboarding.export import directory_workbook, handover_workbook
from workflows.onboarding.imports import centre_of

bp = CertflowBlueprint("org_admin", __name__, url_prefix="/api/v1/admin",
                       description="The organisation tree of a centre, and the directory export")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.post("/units")
@login_required("admin")
@bp.arguments(UnitCreateSchema)
@bp.response(201, AdminUnitSchema)
@problems(403, 404, 409, 422)
def create_unit(body: dict[str, Any]) -> dict[str, Any]:
    """Add a 系部, 专业, 班级 or 职能部门 under a unit of the administrator's centre."""
    unit_id = units_admin.create_unit(**body, actor=current_actor(), uow=unit_of_work())
    return _view(unit_id)


@bp.patch("/units/<int:unit_id>")
@login_required("admin")
@bp.arguments(UnitEditSchema)
@bp.response(200, AdminUnitSchema)
@problems(403, 404, 409, 422)
def edit_unit(body: dict[str, Any], unit_id: int) -> dict[str, Any]:
    """Rename a unit or change its code (codes are unique within the centre)."""
    units_admin.rename_unit(unit_id, name=body.get("name"), code=body.get("code"),
                            grade=body.get("grade"), actor=current_actor(),
                            uow=unit_of_work())
    return _view(unit_id)


@bp.post("/units/<int:unit_id>/move")
@login_required("admin")
@bp.arguments(UnitMoveSchema)
@bp.response(200, AdminUnitSchema)
@problems(403, 404, 422)
def move_unit(body: dict[str, Any], unit_id: int) -> dict[str, Any]:
    """Hang a unit and everything below it under another parent of the centre."""
    units_admin.move_unit(unit_id, parent_id=body["parent_id"], actor=current_actor(),
                          uow=unit_of_work())
    return _view(unit_id)


@bp.post("/units/<int:unit_id>/deactivate")
@login_required("admin")
@bp.response(200, AdminUnitSchema)
@problems(403, 404, 409, 422)
def deactivate_unit(unit_id: int) -> dict[str, Any]:
    """停用 a unit and those below it, once nobody studies or holds a position there (409
    names how many still do)."""
    units_admin.deactivate_unit(unit_id, actor=current_actor(), uow=unit_of_work())
    return _view(unit_id)


@bp.get("/directory-export")
@login_required("admin")
@bp.doc(responses={"200": {"description": "the directory as .xlsx", "content": {
    XLSX: {"schema": {"type": "string", "format": "binary"}}}}})
@problems(403)
def export() -> Response:
    """The centre's directory as one workbook: 组织机构, 学员, 教职工, 岗位 (personal numbers
    masked)."""
    data = directory_workbook(db.session(), centre_of(current_actor()),
                              today=today_at(runtime().now()))
    return Response(data, mimetype=XLSX, headers={
        "Content-Disposition": "attachment; filename=directory.xlsx; "
                               "filename*=UTF-8''%E4%BA%BA%E5%91%98%E5%90%8D%E5%BD%95.xlsx"})


@bp.post("/accounts")
@login_required("admin")
@bp.arguments(AccountsRequestSchema)
@bp.arguments(AccountsQuerySchema, location="query")
@bp.response(201, AccountsOpenedSchema)
@bp.alt_response(201, description="the hand-over sheet (format=xlsx)", content_type=XLSX,
                 success=True)
@problems(403, 404, 422)
def open_accounts(body: dict[str, Any], query: dict[str, Any]) -> Any:
    """Open sign-in accounts for people of the centre (``person_ids``) or for everyone of a
    unit and below it (``unit_id``). Each gets a random password, to be replaced at the first
    sign-in, or (``mode=activation_code``) a one-time activation code; either is answered this
    once (JSON, or ``format=xlsx`` for the hand-over sheet)."""
    handed, skipped = accounts.open_accounts(
        person_ids=body.get("person_ids"), unit_id=body.get("unit_id"),
        mode=accounts.Mode(body["mode"]), actor=current_actor(), uow=unit_of_work())
    if query["format"] == "xlsx":
        return _sheet(handed)
    return {"accounts": [vars(h) for h in handed], "skipped": [vars(s) for s in skipped]}


@bp.post("/accounts/<int:user_id>/activation-code")
@login_required("admin")
@bp.arguments(AccountsQuerySchema, location="query")
@bp.response(201, HandedOverSchema)
@bp.alt_response(201, description="the hand-over slip (format=xlsx)", content_type=XLSX,
                 success=True)
@problems(403, 404)
def issue_activation_code(query: dict[str, Any], user_id: int) -> Any:
    """A new one-time activation code for an account of the centre, answered this once; an
    earlier code stops working. For an account in use it is a reset: its password and tokens
    stop working until the person activates it with the code."""
    handed = activation.issue_activation_code(user_id, actor=current_actor(),
                                              uow=unit_of_work())
    return _sheet([handed]) if query["format"] == "xlsx" else vars(handed)


def _sheet(handed: list[accounts.HandedOver]) -> Response:
    data = handover_workbook(handed, zone=runtime().calendar.zone)
    return Response(data, status=201, mimetype=XLSX, headers={
        "Content-Disposition": "attachment; filename=accounts.xlsx",
        "Cache-Control": "no-store"})


@bp.post("/rollover/preview")
@login_required("admin")
@bp.arguments(RolloverRequestSchema)
@bp.response(200, RolloverPlanSchema)
@problems(403, 404, 422)
def preview_rollover(body: dict[str, Any]) -> dict[str, Any]:
    """What the year-end rollover would do — classes to graduate and archive, their learners
    (to 毕业), classes to promote to the next 年级, the positions that end — with a digest to
    confirm it by. Writes nothing."""
    return rollover.plan_rollover(db.session(), _rollover(body), actor=current_actor())


@bp.post("/rollover/confirm")
@login_required("admin")
@bp.arguments(RolloverConfirmSchema)
@bp.response(200, RolloverDoneSchema)
@problems(403, 404, 409, 422)
def confirm_rollover(body: dict[str, Any]) -> dict[str, Any]:
    """Carry out the previewed rollover in one transaction; 409 when the directory changed
    since the preview (preview again)."""
    return rollover.confirm_rollover(_rollover(body), digest=body["digest"],
                                     actor=current_actor(), uow=unit_of_work())


def _rollover(body: dict[str, Any]) -> rollover.RolloverRequest:
    return rollover.RolloverRequest(on=body["on"],
                                    graduate_class_ids=tuple(body["graduate_class_ids"]),
                                    promote_class_ids=tuple(body["promote_class_ids"]),
                                    end_roles=tuple(body["end_roles"]))


def _view(unit_id: int) -> dict[str, Any]:
    return unit_view(db.session(), unit_id, centre_of(current_actor()))

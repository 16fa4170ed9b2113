"""公示: the public list of results under notice and objections, with or without sign-in."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import request

from api import rate_limits
from api.auth import current_actor, login_required, optional_actor
from api.context import runtime, unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.plans import (
    NoticeSchema,
    ObjectionQuerySchema,
    ObjectionRaiseSchema,
    ObjectionReceiptSchema,
    ObjectionSchema,
    plan_payload,
)
from models import db
from workflows.certification import notices, plans

bp = CertflowBlueprint("notices", __name__, url_prefix="/api/v1",
                       description="Public notice (公示) of results and objections (异议)")


@bp.get("/plans/<string(maxlength=40):code>/notice")
@bp.response(200, NoticeSchema)
@problems(404)
@bp.doc(security=[])
def notice(code: str) -> dict[str, Any]:
    """The plan's results under notice now: masked names, occupation, level, result and the
    notice's end (public, no sign-in)."""
    session, now = db.session(), runtime().now()
    entries = notices.notice_entries(session, code, now=now)
    plan = plans.latest_plan(session, code)
    calendar = runtime().calendar
    result = {"plan": plan_payload(plan, open_now=plans.is_open(plan, now, calendar),
                                   ends_at=plans.window_end(plan, calendar),
                                   last_day=plans.last_apply_day(plan, calendar),
                                   mode_name=plans.EXAM_MODES.get(plan.exam_mode, ""))
              if plan is not None else None,
              "items": [asdict(entry) for entry in entries]}
    db.session.rollback()
    return result


@bp.post("/objections")
@bp.arguments(ObjectionRaiseSchema)
@bp.response(201, ObjectionReceiptSchema)
@problems(401, 403, 404, 409, 422, 429)
@bp.doc(security=[{}, {"bearerAuth": []}])
def raise_objection(body: dict[str, Any]) -> dict[str, Any]:
    """Object to a result under notice: signed in, or with name and contact (limited per
    client address, default 5 an hour). It reaches the 质量监督小组 as a task; the candidate
    never sees who objected. After the notice's end: 409 with the reason."""
    actor = optional_actor()
    if actor is None:
        settings = runtime().settings
        rate_limits.hit("notice_objection", request.remote_addr or "unknown",
                        limit=settings.objection_rate_limit,
                        window_s=settings.objection_rate_window_s, uow=unit_of_work())
    receipt = notices.raise_objection(
        body["business_key"], body["reason"], actor=actor, name=body.get("name"),
        contact=body.get("contact"), uow=unit_of_work())
    return asdict(receipt)


@bp.get("/objections")
@login_required()
@bp.arguments(ObjectionQuerySchema, location="query")
@bp.response(200, ObjectionSchema(many=True))
@problems(403, 422)
def list_objections(query: dict[str, Any]) -> list[Any]:
    """Objections with who raised them (质量监督小组, administrators, auditors), newest first."""
    return [asdict(view) for view in notices.list_objections(
        db.session(), actor=current_actor(), business_key=query.get("business_key"))]

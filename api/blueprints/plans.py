"""认定计划: administrators publish plans; anyone may read them, without sign-in."""

from __future__ import annotations

from typing import Any

from api.auth import current_actor, login_required
from api.context import runtime, unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.plans import (
    PlanListQuerySchema,
    PlanListSchema,
    PlanPublishSchema,
    PlanSchema,
    PlanVersionsSchema,
    plan_payload,
)
from models import CertificationPlan, db
from workflows.certification import plans

bp = CertflowBlueprint("plans", __name__, url_prefix="/api/v1",
                       description="Published certification plans (认定计划)")


def _shaped(plan: CertificationPlan) -> dict[str, Any]:
    calendar = runtime().calendar
    return plan_payload(plan, open_now=plans.is_open(plan, runtime().now(), calendar),
                        ends_at=plans.window_end(plan, calendar),
                        last_day=plans.last_apply_day(plan, calendar),
                        mode_name=plans.EXAM_MODES.get(plan.exam_mode, plan.exam_mode))


@bp.get("/plans")
@bp.arguments(PlanListQuerySchema, location="query")
@bp.response(200, PlanListSchema)
@problems(422)
@bp.doc(security=[])
def list_all(query: dict[str, Any]) -> dict[str, Any]:
    """Every published plan in its newest version, the latest window first (public);
    ``open=true``: only those taking applications now."""
    shaped = [_shaped(row) for row in plans.latest_plans(db.session())]
    if query.get("open") is not None:
        shaped = [plan for plan in shaped if plan["open"] == query["open"]]
    result = {"items": shaped}
    db.session.rollback()
    return result


@bp.get("/plans/<string(maxlength=40):code>")
@bp.response(200, PlanVersionsSchema)
@problems(404)
@bp.doc(security=[])
def versions(code: str) -> dict[str, Any]:
    """One plan: the version in effect and every version published (public)."""
    rows = plans.plan_versions(db.session(), code)
    result = {"code": code, "current": _shaped(rows[0]),
              "versions": [_shaped(row) for row in rows]}
    db.session.rollback()
    return result


@bp.post("/plans")
@login_required("admin")
@bp.arguments(PlanPublishSchema)
@bp.response(201, PlanSchema)
@problems(403, 409, 422)
def publish(body: dict[str, Any]) -> dict[str, Any]:
    """Publish a plan, or a new version of it (same code); applications keep the version they
    were made under."""
    row = plans.publish_plan(plans.PlanInput(**body), actor=current_actor(), uow=unit_of_work())
    return _shaped(row)

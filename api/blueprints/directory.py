"""The school directory: the organisation tree and people search for the signed-in centre."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from api.auth import current_actor, login_required
from api.context import runtime, unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.directory import (
    AppointmentRequestSchema,
    AppointmentSchema,
    ConflictRequestSchema,
    ConflictSchema,
    DirectoryPersonSchema,
    PeopleQuerySchema,
    SubstituteRequestSchema,
    SubstitutionSchema,
    UnitNodeSchema,
    UnitTreeQuerySchema,
)
from models import db
from workflows.directory import positions, reads
from workflows.directory.acting import today_at
from workflows.onboarding import substitutes

bp = CertflowBlueprint("directory", __name__, url_prefix="/api/v1",
                       description="The school directory (units, people, positions)")


@bp.get("/directory/units")
@login_required()
@bp.arguments(UnitTreeQuerySchema, location="query")
@bp.response(200, UnitNodeSchema(many=True))
@problems(422)
def units(query: dict[str, Any]) -> list[dict[str, Any]]:
    """The signed-in person's centre as a tree: 机构 → 系部 → 专业 → 班级, and 职能部门
    (deactivated units with ``include_inactive``)."""
    return reads.unit_tree(db.session(), current_actor(),
                           include_inactive=query["include_inactive"])


@bp.get("/directory/people")
@login_required()
@bp.arguments(PeopleQuerySchema, location="query")
@bp.response(200, DirectoryPersonSchema(many=True))
@problems(403, 404, 422)
def people(query: dict[str, Any]) -> list[dict[str, Any]]:
    """Search the people of the signed-in person's centre (staff only; numbers masked).

    ``q`` matches part of a name, a whole 学号/工号 or a whole 身份证号; ``unit_id`` keeps the
    people enrolled in or holding a position in that unit or below it.
    """
    return reads.search_people(db.session(), current_actor(), query=query.get("q"),
                               unit_id=query.get("unit_id"), limit=query["limit"])


@bp.post("/directory/units/<int:unit_id>/positions")
@login_required("admin")
@bp.arguments(AppointmentRequestSchema)
@bp.response(201, AppointmentSchema)
@problems(403, 404, 422)
def appoint(body: dict[str, Any], unit_id: int) -> dict[str, Any]:
    """Appoint a person of this centre to a role at a unit (administrators).

    With ``replace`` the current holders step down the day before; open tasks addressed to the
    position stay with it and so reach the new holder at once; tasks the previous holder had
    claimed go back to the position, and each case records the hand-over in its history.
    """
    done = positions.appoint_to_unit(
        unit_id, person_id=body["person_id"], role=body["role"], valid_from=body["valid_from"],
        valid_to=body["valid_to"], replace=body["replace"], actor=current_actor(),
        uow=unit_of_work())
    return asdict(done)


@bp.post("/directory/conflicts")
@login_required()
@bp.arguments(ConflictRequestSchema)
@bp.response(201, ConflictSchema)
@problems(403, 404, 422)
def declare_conflict(body: dict[str, Any]) -> dict[str, Any]:
    """回避声明: the signed-in staff member declares a conflict with a person of their centre;
    tasks declaring ``recusal:declared`` on that person's cases are then refused to them."""
    declared = positions.declare_conflict(body["subject_person_id"], reason=body["reason"],
                                          actor=current_actor(), uow=unit_of_work())
    return {"id": declared}


@bp.get("/directory/substitutes")
@login_required()
@bp.response(200, SubstitutionSchema(many=True))
@problems(403)
def substitutions() -> list[dict[str, Any]]:
    """代理 not yet over: the whole centre's for administrators and auditors, otherwise those
    where I am away or stand in."""
    return substitutes.list_substitutions(db.session(), actor=current_actor(),
                                          today=today_at(runtime().now()))


@bp.post("/directory/substitutes")
@login_required()
@bp.arguments(SubstituteRequestSchema)
@bp.response(201, ConflictSchema)
@problems(403, 404, 422)
def name_substitute(body: dict[str, Any]) -> dict[str, Any]:
    """代理: name a colleague who also receives and may complete the tasks of my positions
    (an administrator: of ``person_id``'s) from ``valid_from`` to ``valid_to``; the history
    says "由 B 代 A 办理", the directory's history who named whom."""
    named = substitutes.name_substitute(body["substitute_person_id"],
                                        valid_from=body["valid_from"],
                                        valid_to=body["valid_to"], person_id=body["person_id"],
                                        actor=current_actor(), uow=unit_of_work())
    return {"id": named}


@bp.post("/directory/substitutes/<int:substitution_id>/end")
@login_required()
@bp.response(204)
@problems(403, 404, 422)
def end_substitution(substitution_id: int) -> None:
    """End a 代理 (the person who is away, or an administrator): yesterday becomes its last
    day; one that had not begun is withdrawn."""
    substitutes.end_substitution(substitution_id, actor=current_actor(), uow=unit_of_work())

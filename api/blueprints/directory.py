"""The school directory: the organisation tree and people search for the signed-in centre."""

from __future__ import annotations

from typing import Any

from api.auth import current_actor, login_required
from api.openapi import CertflowBlueprint, problems
from api.schemas.directory import PeopleQuerySchema, PersonSchema, UnitNodeSchema
from models import db
from workflows.directory import reads

bp = CertflowBlueprint("directory", __name__, url_prefix="/api/v1",
                       description="The school directory (units, people, positions)")


@bp.get("/directory/units")
@login_required()
@bp.response(200, UnitNodeSchema(many=True))
def units() -> list[dict[str, Any]]:
    """The signed-in person's centre as a tree: 机构 → 系部 → 专业 → 班级, and 职能部门."""
    return reads.unit_tree(db.session(), current_actor())


@bp.get("/directory/people")
@login_required()
@bp.arguments(PeopleQuerySchema, location="query")
@bp.response(200, PersonSchema(many=True))
@problems(403, 404, 422)
def people(query: dict[str, Any]) -> list[dict[str, Any]]:
    """Search the people of the signed-in person's centre (staff only; numbers masked).

    ``q`` matches part of a name, a whole 学号/工号 or a whole 身份证号; ``unit_id`` keeps the
    people enrolled in or holding a position in that unit or below it.
    """
    return reads.search_people(db.session(), current_actor(), query=query.get("q"),
                               unit_id=query.get("unit_id"), limit=query["limit"])

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.auth import current_actor, issue_token, login_required
from api.schemas.auth import ActorSchema, TokenRequestSchema, TokenResponseSchema
from api.schemas.common import ProblemSchema
from models import db
from workflows.actors import Actor
from workflows.users import authenticate

bp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Sign-in")


def _actor_dict(actor: Actor) -> dict[str, Any]:
    return {"id": actor.id, "username": actor.username, "display_name": actor.display_name,
            "role": actor.role, "groups": sorted(actor.groups)}


@bp.post("/auth/token")
@bp.arguments(TokenRequestSchema)
@bp.response(200, TokenResponseSchema)
@bp.alt_response(401, schema=ProblemSchema)
@bp.doc(security=[])
def sign_in(body: dict[str, str]) -> dict[str, Any]:
    """Exchange user name and password for a bearer token."""
    actor = authenticate(db.session, body["username"], body["password"])
    db.session.rollback()
    token, expires = issue_token(actor)
    return {"access_token": token, "token_type": "Bearer", "expires_at": expires,
            "user": _actor_dict(actor)}


@bp.get("/me")
@login_required()
@bp.response(200, ActorSchema)
@bp.alt_response(401, schema=ProblemSchema)
def me() -> dict[str, Any]:
    """The signed-in user and their groups."""
    return _actor_dict(current_actor())

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import request

from api.auth import current_actor, current_token_claims, issue_token, login_required
from api.context import runtime, unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.auth import (
    ActivationSchema,
    PasswordChangeSchema,
    ProfileSchema,
    TokenRequestSchema,
    TokenResponseSchema,
)
from models import db
from workflows.core.actors import Actor
from workflows.directory import reads
from workflows.identity import own_password, tokens
from workflows.identity.sign_in import AddressLimit
from workflows.identity.sign_in import sign_in as sign_in_use_case
from workflows.onboarding import activation

bp = CertflowBlueprint("auth", __name__, url_prefix="/api/v1", description="Sign-in")


def _actor_dict(actor: Actor) -> dict[str, Any]:
    return {"id": actor.id, "username": actor.username, "display_name": actor.display_name,
            "role": actor.role, "groups": sorted(actor.groups),
            "must_change_password": actor.must_change_password}


@bp.post("/auth/token")
@bp.arguments(TokenRequestSchema)
@bp.response(200, TokenResponseSchema)
@problems(401, 429)
@bp.doc(security=[])
def sign_in(body: dict[str, str]) -> dict[str, Any]:
    """Exchange user name and password for a bearer token.

    Repeated failures for one user name from one address lock it out for a while, and too many
    failures from one address over any user names lock the address out (429 with
    ``Retry-After``).
    """
    config = runtime().settings
    limit = AddressLimit(config.sign_in_address_limit, config.sign_in_address_window_s)
    actor = sign_in_use_case(body["username"], body["password"],
                             client=request.remote_addr or "unknown", uow=unit_of_work(),
                             address_limit=limit)
    db.session.rollback()
    token, expires = issue_token(actor)
    return {"access_token": token, "token_type": "Bearer", "expires_at": expires,
            "user": _actor_dict(actor)}


@bp.post("/auth/activate")
@bp.arguments(ActivationSchema)
@bp.response(200, TokenResponseSchema)
@problems(422, 429)
@bp.doc(security=[])
def activate(body: dict[str, str]) -> dict[str, Any]:
    """Activate an account with the one-time code an administrator handed over: the sign-in
    name (user name, 学号 or 工号), the code and a new password (the policy of
    ``/auth/password``). The code is used up and the answer signs the person in.

    A wrong, used, expired or replaced code — or an unknown name — gets one and the same 422
    (``activation-refused``); attempts count with the sign-ins of that name and address
    (429 with ``Retry-After`` once they are used up).
    """
    config = runtime().settings
    limit = AddressLimit(config.sign_in_address_limit, config.sign_in_address_window_s)
    actor = activation.activate_account(body["username"], body["code"], body["new_password"],
                                        client=request.remote_addr or "unknown",
                                        uow=unit_of_work(), address_limit=limit)
    db.session.rollback()
    token, expires = issue_token(actor)
    return {"access_token": token, "token_type": "Bearer", "expires_at": expires,
            "user": _actor_dict(actor)}


@bp.post("/auth/password")
@login_required(before_password_change=True)
@bp.arguments(PasswordChangeSchema)
@bp.response(200, TokenResponseSchema)
@problems(422)
def change_password(body: dict[str, str]) -> dict[str, Any]:
    """Choose a new password (at least 8 characters, letters and digits, not a common one,
    not containing the user name or 学号/工号). Every earlier token of the account is refused
    from now on; the answer carries a fresh one."""
    actor = own_password.change_own_password(current_actor(), current=body["current_password"],
                                             new=body["new_password"], uow=unit_of_work())
    token, expires = issue_token(actor)
    return {"access_token": token, "token_type": "Bearer", "expires_at": expires,
            "user": _actor_dict(actor)}


@bp.post("/auth/logout")
@login_required(before_password_change=True)
@bp.response(204)
def logout() -> None:
    """Revoke the token this request was made with; it is refused from now on."""
    claims = current_token_claims()
    tokens.revoke_token(str(claims["jti"]),
                        expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
                        actor=current_actor(), uow=unit_of_work())


@bp.post("/auth/users/<int:user_id>/revoke-tokens")
@login_required("admin")
@bp.response(204)
@problems(404)
def revoke_user_tokens(user_id: int) -> None:
    """Revoke every token a user holds now (administrators); they must sign in again."""
    tokens.revoke_all_tokens(user_id, actor=current_actor(), uow=unit_of_work())


@bp.get("/me")
@login_required(before_password_change=True)
@bp.response(200, ProfileSchema)
def me() -> dict[str, Any]:
    """The signed-in user, their groups, and their person in the directory: centre, current
    positions (role, unit, validity) and enrolments; 身份证号 and mobile masked."""
    actor = current_actor()
    today = runtime().now().astimezone(runtime().calendar.zone).date()
    return {**_actor_dict(actor), **reads.profile(db.session(), actor, today=today)}

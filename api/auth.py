"""Bearer tokens (signed JWT with expiry) and the ``login_required`` decorator."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import jwt
from flask import g, request

from api import context
from api.context import runtime
from api.openapi import problems
from config import Settings
from models import db
from workflows.core.actors import Actor
from workflows.core.errors import NotAllowed, NotAuthenticated
from workflows.identity.tokens import actor_for_token

F = TypeVar("F", bound=Callable[..., Any])
ALGORITHM = "HS256"


def settings() -> Settings:
    return runtime().settings


def issue_token(actor: Actor) -> tuple[str, Any]:
    """A signed token for the actor and its expiry time."""
    now = context.now()
    expires = now + timedelta(seconds=settings().token_ttl_seconds)
    # ``iat`` keeps sub-second precision: "revoke all" refuses tokens issued before it, and a
    # token issued later in the same second must still work.
    claims = {"sub": str(actor.id), "iat": now.timestamp(), "exp": int(expires.timestamp()),
              "jti": uuid.uuid4().hex, "role": actor.role}
    return jwt.encode(claims, settings().secret_key, algorithm=ALGORITHM), expires


def _actor_from_request() -> tuple[Actor, dict[str, Any]]:
    """The request's actor and token claims, checked once per request (cached on ``g``).

    The audit hook (writes by read-only roles) and ``login_required`` both ask; the token is
    verified and the database asked only the first time. The cache is keyed on the request
    object, since a test may run several requests inside one app context (one ``g``).
    """
    current = request._get_current_object()  # type: ignore[attr-defined]
    cached = g.get("_certflow_auth")
    if cached is not None and cached[0] is current:
        if isinstance(cached[1], NotAuthenticated):
            raise cached[1]
        return cached[1]
    try:
        result: tuple[Actor, dict[str, Any]] | NotAuthenticated = _authenticate()
    except NotAuthenticated as error:
        result = error
    g._certflow_auth = (current, result)
    if isinstance(result, NotAuthenticated):
        raise result
    return result


def _authenticate() -> tuple[Actor, dict[str, Any]]:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated("sign in and send 'Authorization: Bearer <token>'")
    try:
        claims = jwt.decode(token, settings().secret_key, algorithms=[ALGORITHM],
                            # Time claims are checked below against the injectable clock.
                            options={"require": ["exp", "sub", "jti", "iat"],
                                     "verify_exp": False,
                                     "verify_iat": False, "verify_nbf": False})
        # The token's own expiry is checked against our clock, so tests can move time.
        if int(claims["exp"]) <= int(context.now().timestamp()):
            raise jwt.ExpiredSignatureError
        user_id, jti, issued_at = int(claims["sub"]), str(claims["jti"]), float(claims["iat"])
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("the token has expired; sign in again") from None
    except (jwt.InvalidTokenError, ValueError, TypeError):
        raise NotAuthenticated("the token is invalid") from None
    actor = actor_for_token(db.session(), user_id=user_id, jti=jti, issued_at=issued_at)
    return actor, claims


def current_actor() -> Actor:
    return g.actor


def current_token_claims() -> dict[str, Any]:
    """The verified claims of the request's token (``jti``, ``exp``...), e.g. to sign out."""
    return g.token_claims


def login_required(*roles: str) -> Callable[[F], F]:
    """Require a valid token; with ``roles``, also one of those roles."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            actor, claims = _actor_from_request()
            if roles and actor.role not in roles:
                raise NotAllowed(f"this needs the role {' or '.join(roles)}")
            g.actor, g.token_claims = actor, claims
            return view(*args, **kwargs)

        doc = getattr(wrapper, "_apidoc", {})
        doc.setdefault("manual_doc", {})["security"] = [{"bearerAuth": []}]
        wrapper._apidoc = doc  # type: ignore[attr-defined]
        # Document what this decorator itself answers: 401, and 403 when roles are required.
        return problems(401, *((403,) if roles else ()))(wrapper)  # type: ignore[return-value]

    return decorate

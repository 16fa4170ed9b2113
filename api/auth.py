"""Bearer tokens (signed JWT with expiry) and the ``login_required`` decorator."""

from __future__ import annotations

import functools
import math
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
from workflows.core.errors import NotAllowed, NotAuthenticated, PasswordChangeRequired
from workflows.identity.tokens import actor_for_token

F = TypeVar("F", bound=Callable[..., Any])
ALGORITHM = "HS256"
# How far apart the clocks of the hosts issuing and checking tokens may be.
CLOCK_SKEW_S = 60

# Account roles in a sentence a person reads ("此功能需要系统管理员身份").
ROLE_WORDS = {"admin": "系统管理员", "auditor": "审计员", "reviewer": "工作人员",
              "applicant": "申报人"}


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
        user_id, jti = int(claims["sub"]), str(claims["jti"])
        issued_at = _check_times(claims)
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("the token has expired; sign in again") from None
    except jwt.ImmatureSignatureError as error:
        raise NotAuthenticated(f"the token is not valid yet: {error}") from None
    except (jwt.InvalidTokenError, ValueError, TypeError, OverflowError):
        raise NotAuthenticated("the token is invalid") from None
    actor = actor_for_token(db.session(), user_id=user_id, jti=jti, issued_at=issued_at)
    return actor, claims


def _check_times(claims: dict[str, Any]) -> float:
    """Expiry, issue time and not-before against our clock (tests move it); returns ``iat``.

    A token claiming to be issued in the future is refused: "revoke all tokens" refuses tokens
    issued before its moment, and one dated years ahead would otherwise outlive every revocation.
    Its lifetime may not exceed what this service issues either. ``CLOCK_SKEW_S`` allows for
    hosts whose clocks differ a little.
    """
    now = context.now().timestamp()
    expires, issued_at = _number(claims["exp"]), _number(claims["iat"])
    if expires <= now:
        raise jwt.ExpiredSignatureError
    if issued_at > now + CLOCK_SKEW_S:
        raise jwt.ImmatureSignatureError("it claims to be issued in the future")
    if "nbf" in claims and _number(claims["nbf"]) > now + CLOCK_SKEW_S:
        raise jwt.ImmatureSignatureError("its not-before time has not come")
    if expires - issued_at > settings().token_ttl_seconds + CLOCK_SKEW_S:
        raise jwt.InvalidTokenError("it lives longer than this service issues tokens for")
    return issued_at


def _number(value: Any) -> float:
    """A finite JSON number (``true``, strings, NaN and infinities are not times)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("a time claim is not a number")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("a time claim is not finite")
    return number


def current_actor() -> Actor:
    return g.actor


def optional_actor() -> Actor | None:
    """The signed-in actor of a public endpoint, or None without a token (a token that is
    sent must be valid: 401 otherwise)."""
    if not request.headers.get("Authorization"):
        return None
    actor, claims = _actor_from_request()
    g.actor, g.token_claims = actor, claims
    return actor


def current_token_claims() -> dict[str, Any]:
    """The verified claims of the request's token (``jti``, ``exp``...), e.g. to sign out."""
    return g.token_claims


def login_required(*roles: str, before_password_change: bool = False) -> Callable[[F], F]:
    """Require a valid token; with ``roles``, also one of those roles.

    An account signed in with a password an administrator handed over reaches only the views
    marked ``before_password_change`` (its profile, the password change, sign-out) until its
    holder has chosen their own password.
    """

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            actor, claims = _actor_from_request()
            if actor.must_change_password and not before_password_change:
                raise PasswordChangeRequired("请先修改初始密码，再使用其他功能")
            if roles and actor.role not in roles:
                raise NotAllowed(f"此功能需要{'或'.join(ROLE_WORDS.get(r, r) for r in roles)}身份",
                                 detail_en=f"this needs the role {' or '.join(roles)}")
            g.actor, g.token_claims = actor, claims
            return view(*args, **kwargs)

        doc = getattr(wrapper, "_apidoc", {})
        doc.setdefault("manual_doc", {})["security"] = [{"bearerAuth": []}]
        wrapper._apidoc = doc  # type: ignore[attr-defined]
        # Document what this decorator itself answers: 401, and 403 when roles are required or
        # the caller still has to replace a handed-over password.
        refused = () if before_password_change and not roles else (403,)
        return problems(401, *refused)(wrapper)  # type: ignore[return-value]

    return decorate

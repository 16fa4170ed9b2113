"""Single sign-on (统一身份认证) over OpenID Connect: the sign-in page's button, the return
from the provider, and signing out there too (docs/operations.md, "Single sign-on").

The browser goes ``/api/v1/auth/sso/start`` → the provider's login page → ``…/callback``, which
hands the web app a certflow bearer token in the URL fragment of ``/sso`` (a fragment never
reaches a server or a log). A refusal is a Chinese page for the browser, or problem+json for
a client that asks for JSON.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode

from flask import Response, redirect, request, url_for

from api import sso
from api.auth import issue_token
from api.context import unit_of_work
from api.errors import domain_problem
from api.openapi import PROBLEM_CONTENT_TYPE, CertflowBlueprint, problems
from api.safe_json import encode_json
from api.schemas.sso import SsoConfigSchema
from models import db
from workflows.core.errors import CertflowError, NotFound
from workflows.identity.single_sign_on import NoAccountYet, sign_in_by_identity
from workflows.onboarding import accounts

bp = CertflowBlueprint("sso", __name__, url_prefix="/api/v1/auth/sso",
                       description="Single sign-on (统一身份认证, OpenID Connect)")
_REDIRECT = {"302": {"description": "a redirect (Location) to the provider or the web app"}}


@bp.get("")
@bp.response(200, SsoConfigSchema)
@bp.doc(security=[])
def config() -> dict[str, Any]:
    """The sign-in page's single sign-on button: its text and where it leads, or
    ``enabled: false`` when none is configured (the page then offers passwords only; an
    answer, not a 404, so a normal sign-in page logs no error)."""
    if not sso.enabled():
        return {"enabled": False, "label": None, "start_url": None}
    return {"enabled": True, "label": sso.settings().oidc_label,
            "start_url": url_for("sso.start")}


@bp.get("/start")
@bp.doc(security=[], responses=_REDIRECT)
@problems(404)
def start() -> Any:
    """Send the browser to the provider's login page (single sign-on must be configured)."""
    _require_enabled()
    try:
        return sso.start_redirect()
    except CertflowError as error:
        return _refusal(error, status=502)


@bp.get("/callback")
@bp.doc(security=[], responses=_REDIRECT)
@problems(401, 403, 404)
def callback() -> Any:
    """The provider's answer: sign the matching person in, or say why not.

    On success the browser is redirected to ``/sso#access_token=…&expires_at=…``; the web app
    keeps the token as after a password sign-in.
    """
    _require_enabled()
    try:
        identity = sso.identity_from_callback()
        try:
            actor = sign_in_by_identity(identity, uow=unit_of_work())
        except NoAccountYet as missing:
            if not sso.settings().oidc_create_accounts:
                raise
            accounts.open_account_at_sign_on(missing.person_id, uow=unit_of_work())
            actor = sign_in_by_identity(identity, uow=unit_of_work())
    except sso.ProviderUnreachable as error:
        return _refusal(error, status=502)
    except CertflowError as error:
        return _refusal(error)
    finally:
        db.session.rollback()
    token, expires = issue_token(actor)
    fragment = urlencode({"access_token": token, "expires_at": expires.isoformat()})
    return redirect(f"/sso#{fragment}", code=302)


@bp.get("/logout")
@bp.doc(security=[], responses=_REDIRECT)
@problems(404)
def logout() -> Any:
    """After signing out of certflow, sign out at the provider too, then come back to the
    sign-in page (where the provider offers no sign-out, straight back)."""
    _require_enabled()
    back = request.host_url
    return redirect(sso.end_session_url(back) or back, code=302)


def _require_enabled() -> None:
    if not sso.enabled():
        raise NotFound("本系统没有配置统一身份认证，请用用户名和密码登录",
                       detail_en="single sign-on is not configured here")


def _refusal(error: CertflowError, *, status: int | None = None) -> Response:
    code, body = domain_problem(error)
    code = status or code
    body["status"] = code
    if _wants_json():
        return Response(encode_json(body), status=code, mimetype=PROBLEM_CONTENT_TYPE)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(body["title"])} - certflow</title></head>
<body><main style="max-width:36rem;margin:3rem auto;font-family:sans-serif">
<h1>{html.escape(body["title"])}</h1>
<p role="alert">{html.escape(body["detail"])}</p>
<p><a href="/signin">返回登录页</a></p></main></body></html>"""
    return Response(page, status=code, mimetype="text/html")


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json",
                                                PROBLEM_CONTENT_TYPE])
    return best in ("application/json", PROBLEM_CONTENT_TYPE)

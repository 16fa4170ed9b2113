"""The OpenID Connect client of single sign-on (统一身份认证), with Authlib's Flask client.

Authlib does the protocol: discovery, the authorization request with ``state``, ``nonce`` and
PKCE (kept in the signed session cookie between the two legs), the code exchange
(``client_secret_basic``), and the ID token's signature (the provider's JWKS), issuer,
audience, expiry and nonce. What it hands back is turned into a ``SignedOnIdentity``; who that
is in the directory is the use case's business (``workflows.identity.single_sign_on``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, url_for
from joserfc.errors import JoseError

from config import Settings
from workflows.core.errors import CertflowError, NotAuthenticated
from workflows.identity.single_sign_on import SignedOnIdentity

EXTENSION = "certflow.sso"
PROVIDER = "campus"


class ProviderUnreachable(CertflowError):
    """The sign-on provider did not answer (or answered nonsense): a 502, not the user's fault."""

    title = "统一身份认证服务不可用"
    title_en = "Sign-on provider unavailable"


def init_sso(app: Flask, settings: Settings) -> None:
    """Register the configured provider on the app (nothing when single sign-on is off)."""
    if not settings.single_sign_on:
        return
    oauth = OAuth(app)
    oauth.register(
        PROVIDER, client_id=settings.oidc_client_id, client_secret=settings.oidc_client_secret,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256",
                       "token_endpoint_auth_method": "client_secret_basic",
                       "default_timeout": settings.oidc_timeout_s})
    app.extensions[EXTENSION] = (oauth.create_client(PROVIDER), settings)


def enabled() -> bool:
    return EXTENSION in current_app.extensions


def _client() -> tuple[Any, Settings]:
    return current_app.extensions[EXTENSION]


def settings() -> Settings:
    return _client()[1]


def callback_url() -> str:
    settings = _client()[1]
    return settings.oidc_redirect_uri or url_for("sso.callback", _external=True)


def start_redirect() -> Any:
    """The redirect to the provider's sign-in page (state, nonce and PKCE verifier saved)."""
    client, _ = _client()
    try:
        return client.authorize_redirect(callback_url())
    except (requests.RequestException, ValueError, KeyError) as error:
        raise ProviderUnreachable(f"无法读取统一身份认证服务的配置：{error}",
                                  detail_en=f"cannot read the provider's metadata: {error}"
                                  ) from None


def identity_from_callback() -> SignedOnIdentity:
    """The verified identity the provider sent back to the callback (NotAuthenticated if the
    answer is refused, forged, replayed or stale)."""
    client, settings = _client()
    try:
        token = client.authorize_access_token(
            claims_options={"iss": {"essential": True, "values": [settings.oidc_issuer]}})
        claims = dict(token.get("userinfo") or {})
        if not claims.get("sub"):
            raise NotAuthenticated("统一身份认证没有返回身份令牌（ID token）",
                                   detail_en="the provider returned no ID token")
        if settings.oidc_person_claim not in claims:
            # Many providers put profile claims only in the userinfo answer.
            extra = dict(client.userinfo(token=token))
            if extra.get("sub") != claims["sub"]:
                raise NotAuthenticated("统一身份认证的用户信息与身份令牌不是同一人",
                                       detail_en="userinfo and ID token name different subjects")
            claims = {**extra, **claims}
    except OAuthError as error:
        raise NotAuthenticated(
            f"统一身份认证登录未完成（{error.error}）；请回到登录页重新登录",
            detail_en=f"single sign-on did not complete ({error.error}); start again") from None
    except JoseError as error:
        raise NotAuthenticated(f"统一身份认证的身份令牌无效（{error.error}）",
                               detail_en=f"the ID token is invalid ({error.error})") from None
    except requests.RequestException as error:
        raise ProviderUnreachable(f"无法连接统一身份认证服务：{type(error).__name__}",
                                  detail_en=f"cannot reach the provider: {error}") from None
    claim = settings.oidc_person_claim
    value = claims.get(claim)
    return SignedOnIdentity(issuer=settings.oidc_issuer, subject=str(claims["sub"]), claim=claim,
                            number=str(value) if isinstance(value, str | int) else None,
                            name=claims.get("name") if isinstance(claims.get("name"), str)
                            else None)


def end_session_url(post_logout_redirect_uri: str) -> str | None:
    """The provider's sign-out page (RP-initiated logout), if it offers one."""
    client, settings = _client()
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError):
        return None
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        return None
    query = urlencode({"client_id": settings.oidc_client_id,
                       "post_logout_redirect_uri": post_logout_redirect_uri})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"

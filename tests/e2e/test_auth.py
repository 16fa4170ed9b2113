"""Sign-in, bearer tokens and roles."""

from __future__ import annotations

from datetime import timedelta

import jwt

from tests.api_client import ApiClient


def test_health_needs_no_sign_in(api: ApiClient) -> None:
    response = api.get("/api/v1/health", as_=None)
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_every_other_endpoint_needs_a_token(api: ApiClient) -> None:
    for method, url in [("get", "/api/v1/tasks"), ("get", "/api/v1/instances"),
                        ("get", "/api/v1/instances/1"), ("get", "/api/v1/definitions"),
                        ("post", "/api/v1/tasks/1/claim"), ("post", "/api/v1/instances"),
                        ("post", "/api/v1/definitions"), ("get", "/api/v1/me"),
                        ("get", "/api/v1/instances/1/events")]:
        response = getattr(api.client, method)(url)
        assert response.status_code == 401, (method, url)
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_sign_in_returns_a_token_with_expiry_and_groups(api: ApiClient) -> None:
    response = api.client.post("/api/v1/auth/token",
                               json={"username": "zhang", "password": "zhang123"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["user"]["groups"] == ["class_teacher"]
    assert body["user"]["role"] == "reviewer"
    me = api.client.get("/api/v1/me",
                        headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.get_json()["username"] == "zhang"


def test_wrong_password_and_unknown_user_get_the_same_401(api: ApiClient) -> None:
    wrong = api.client.post("/api/v1/auth/token", json={"username": "zhang", "password": "x"})
    unknown = api.client.post("/api/v1/auth/token", json={"username": "nobody", "password": "x"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["detail"] == unknown.get_json()["detail"]


def test_sign_in_body_is_validated(api: ApiClient) -> None:
    response = api.client.post("/api/v1/auth/token", json={"username": "zhang"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"pointer": "/password", "message": "Missing data for required field."}]


def test_expired_and_forged_tokens_are_refused(api: ApiClient, frozen_clock) -> None:
    token = api.token("zhang")
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/v1/me", headers=headers).status_code == 200
    frozen_clock.advance(hours=9)  # default lifetime is 8 hours
    expired = api.client.get("/api/v1/me", headers=headers)
    assert expired.status_code == 401
    assert "expired" in expired.get_json()["detail"]
    claims = {"sub": "1", "exp": int((frozen_clock() + timedelta(hours=1)).timestamp())}
    forged = jwt.encode(claims, "a-wrong-key-that-is-long-enough-for-hs256", algorithm="HS256")
    response = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_only_administrators_deploy(leave_api: ApiClient) -> None:
    from tests.test_support import leave_bundle

    for user in ("zhang", "xiaoming", "auditor"):
        assert leave_api.deploy_files(leave_bundle(), as_=user).status_code == 403


def test_auditors_cannot_start_processes(leave_api: ApiClient) -> None:
    response = leave_api.start_leave(as_="auditor", days=1, leave_type="personal",
                               reason="审计员不能发起")
    assert response.status_code == 403

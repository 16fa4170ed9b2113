"""Signing out, revoking every token of a user, and slowing down password guessing."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from flask import Flask

from tests.api_client import ApiClient
from workflows.identity import sign_in

TOKEN_URL = "/api/v1/auth/token"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def fresh_token(api: ApiClient, username: str, password: str | None = None) -> str:
    from tests.api_client import PASSWORDS

    response = api.client.post(TOKEN_URL, json={"username": username,
                                                "password": password or PASSWORDS[username]})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["access_token"]


def test_logout_revokes_only_the_token_used(api: ApiClient, frozen_clock) -> None:
    first, second = fresh_token(api, "zhang"), fresh_token(api, "zhang")
    assert api.client.get("/api/v1/me", headers=bearer(first)).status_code == 200
    out = api.client.post("/api/v1/auth/logout", headers=bearer(first))
    assert out.status_code == 204
    refused = api.client.get("/api/v1/me", headers=bearer(first))
    assert refused.status_code == 401
    assert "revoked" in refused.get_json()["detail"]
    assert api.client.post("/api/v1/auth/logout", headers=bearer(first)).status_code == 401
    assert api.client.get("/api/v1/me", headers=bearer(second)).status_code == 200


def test_expired_revocations_are_purged(app: Flask, api: ApiClient, frozen_clock) -> None:
    from models import RevokedToken, db

    old = fresh_token(api, "li")
    api.client.post("/api/v1/auth/logout", headers=bearer(old))
    frozen_clock.advance(hours=9)  # past the 8 h token lifetime
    new = fresh_token(api, "li")
    api.client.post("/api/v1/auth/logout", headers=bearer(new))
    with app.app_context():
        assert db.session.query(RevokedToken).count() == 1  # only the unexpired one is kept


def test_admin_revokes_every_token_of_a_user(api: ApiClient, frozen_clock) -> None:
    tokens = [fresh_token(api, "xiaoming") for _ in range(2)]
    me = api.get("/api/v1/me", as_="xiaoming").get_json()
    frozen_clock.advance(seconds=1)
    url = f"/api/v1/auth/users/{me['id']}/revoke-tokens"
    assert api.post(url, as_="zhang").status_code == 403
    assert api.post(url, as_="auditor").status_code == 403
    assert api.post(url, as_="admin").status_code == 204
    for token in tokens:
        assert api.client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    # Signing in again, even at the very same instant, works.
    assert api.client.get("/api/v1/me",
                          headers=bearer(fresh_token(api, "xiaoming"))).status_code == 200
    assert api.post("/api/v1/auth/users/999999/revoke-tokens", as_="admin").status_code == 404


def test_repeated_failures_lock_the_user_name_for_that_client(api: ApiClient,
                                                               frozen_clock) -> None:
    wrong = {"username": "zhang", "password": "guess"}
    for _ in range(sign_in.FREE_FAILURES):
        assert api.client.post(TOKEN_URL, json=wrong).status_code == 401
    locked = api.client.post(TOKEN_URL, json={"username": "zhang", "password": "zhang123"})
    assert locked.status_code == 429
    assert locked.mimetype == "application/problem+json"
    assert locked.headers["Retry-After"] == "30"
    # Another client address, and another user name, are not affected.
    other_client = api.client.post(TOKEN_URL, json={"username": "zhang", "password": "zhang123"},
                                   environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other_client.status_code == 200
    assert fresh_token(api, "wang")
    frozen_clock.advance(seconds=29)
    assert api.client.post(TOKEN_URL, json=wrong).status_code == 429
    frozen_clock.advance(seconds=1)
    # The lock has passed; one more failure locks again, twice as long.
    assert api.client.post(TOKEN_URL, json=wrong).status_code == 401
    assert api.client.post(TOKEN_URL, json=wrong).headers["Retry-After"] == "60"
    frozen_clock.advance(seconds=60)
    assert fresh_token(api, "zhang")  # success resets the count
    assert api.client.post(TOKEN_URL, json=wrong).status_code == 401


def test_unknown_user_names_are_throttled_the_same_way(api: ApiClient, frozen_clock) -> None:
    ghost = {"username": "nobody", "password": "x"}
    statuses = [api.client.post(TOKEN_URL, json=ghost).status_code
                for _ in range(sign_in.FREE_FAILURES + 1)]
    assert statuses == [401] * sign_in.FREE_FAILURES + [429]


@pytest.mark.parametrize(("failures", "seconds"), [(4, None), (5, 30), (6, 60), (9, 480),
                                                   (10, 900), (40, 900)])
def test_lockout_doubles_up_to_fifteen_minutes(failures: int, seconds: int | None) -> None:
    lockout = sign_in.lockout_after(failures)
    assert (lockout.total_seconds() if lockout else None) == seconds


def test_passwords_are_stored_with_argon2(app: Flask, api: ApiClient) -> None:
    from models import User, db

    with app.app_context():
        stored = db.session.query(User).filter_by(username="zhang").one().password_hash
    assert stored.startswith("$argon2id$")
    assert PasswordHasher().verify(stored, "zhang123")

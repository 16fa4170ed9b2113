"""Signing out, revoking every token of a user, and slowing down password guessing."""

from __future__ import annotations

import threading
import uuid

import pytest
from argon2 import PasswordHasher
from flask import Flask

from tests.api_client import ApiClient
from workflows.core.runtime import runtime_of
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


# --- time claims: a token cannot be dated past a revocation -------------------------------

def _minted(settings, **claims) -> str:
    """A token signed with the service's own key (what a leaked key, or a bug, would allow)."""
    import jwt

    return jwt.encode({"jti": uuid.uuid4().hex, "role": "admin", **claims},
                      settings.secret_key, algorithm="HS256")


def _admin_id(api: ApiClient) -> int:
    return api.get("/api/v1/me", as_="admin").get_json()["id"]


def test_a_token_issued_years_ahead_is_refused_and_cannot_outlive_revocation(
        api: ApiClient, settings, frozen_clock) -> None:
    now = frozen_clock.now.timestamp()
    admin_id = _admin_id(api)
    ahead = _minted(settings, sub=str(admin_id), iat=now + 10 * 365 * 86400, exp=now + 3600)
    refused = api.client.get("/api/v1/me", headers=bearer(ahead))
    assert refused.status_code == 401
    assert "future" in refused.get_json()["detail"]
    # A token of the present works until "revoke all", and not after it.
    present = _minted(settings, sub=str(admin_id), iat=now, exp=now + 3600)
    assert api.client.get("/api/v1/me", headers=bearer(present)).status_code == 200
    frozen_clock.advance(seconds=1)
    assert api.post(f"/api/v1/auth/users/{admin_id}/revoke-tokens",
                    as_="admin").status_code == 204
    frozen_clock.advance(days=3650)  # even once its claimed issue time has come
    for token in (present, ahead):
        assert api.client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_not_before_is_honoured(api: ApiClient, settings, frozen_clock) -> None:
    now = frozen_clock.now.timestamp()
    token = _minted(settings, sub=str(_admin_id(api)), iat=now, nbf=now + 600, exp=now + 3600)
    early = api.client.get("/api/v1/me", headers=bearer(token))
    assert early.status_code == 401
    assert "not valid yet" in early.get_json()["detail"]
    frozen_clock.advance(seconds=601)
    assert api.client.get("/api/v1/me", headers=bearer(token)).status_code == 200


@pytest.mark.parametrize("claims", [
    {"iat": "now"}, {"iat": True}, {"iat": float("nan")}, {"exp": float("inf")},
    {"nbf": "later"}, {"iat": 10**400},
    {"exp_in": 30 * 86400},  # a lifetime this service never issues
])
def test_malformed_or_overlong_time_claims_are_refused(api: ApiClient, settings, frozen_clock,
                                                       claims: dict) -> None:
    now = frozen_clock.now.timestamp()
    values = {"sub": str(_admin_id(api)), "iat": now, "exp": now + 3600}
    if "exp_in" in claims:
        values["exp"] = now + claims.pop("exp_in")
    values.update(claims)
    response = api.client.get("/api/v1/me", headers=bearer(_minted(settings, **values)))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


# --- throttling under concurrency, and spraying many user names --------------------------

def _simultaneous_sign_ins(app: Flask, bodies: list[dict], address: str = "10.1.1.1"
                           ) -> list[int]:
    """Send every body at the same moment, one thread and one client each; their statuses."""
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = [0] * len(bodies)

    def attempt(index: int) -> None:
        client = app.test_client()
        barrier.wait()
        statuses[index] = client.post(TOKEN_URL, json=bodies[index],
                                      environ_base={"REMOTE_ADDR": address}).status_code

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_simultaneous_wrong_passwords_check_at_most_the_free_attempts(
        app: Flask, api: ApiClient, frozen_clock) -> None:
    statuses = _simultaneous_sign_ins(app, [{"username": "zhang", "password": f"guess{i}"}
                                            for i in range(16)])
    assert sorted(statuses) == [401] * sign_in.FREE_FAILURES + [429] * 11, statuses
    right = api.client.post(TOKEN_URL, json={"username": "zhang", "password": "zhang123"},
                            environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert right.status_code == 429  # locked, though the right password came after


def test_one_address_cannot_spray_many_user_names(app: Flask, api: ApiClient,
                                                  frozen_clock) -> None:
    from tests.api_client import PASSWORDS

    limit = runtime_of(app).settings.sign_in_address_limit
    here = {"REMOTE_ADDR": "10.2.2.2"}

    def try_(username: str, password: str = "summer2026", where: dict = here) -> int:
        return api.client.post(TOKEN_URL, json={"username": username, "password": password},
                               environ_base=where).status_code

    assert [try_(f"pupil{i:03d}") for i in range(limit - 1)] == [401] * (limit - 1)
    # Pupils behind the same address who sign in correctly do not use up its attempts.
    for name in ("xiaoming", "xiaohong", "zhang", "wang"):
        assert try_(name, PASSWORDS[name]) == 200
    assert try_("pupil998") == 401
    sprayed = api.client.post(TOKEN_URL, json={"username": "pupil999", "password": "x"},
                              environ_base=here)
    assert sprayed.status_code == 429
    assert "address" in sprayed.get_json()["detail"]
    assert int(sprayed.headers["Retry-After"]) <= 900
    assert try_("xiaoming", PASSWORDS["xiaoming"]) == 429  # the address waits, whoever it is
    assert try_("xiaoming", PASSWORDS["xiaoming"], {"REMOTE_ADDR": "10.3.3.3"}) == 200
    frozen_clock.advance(seconds=900)
    assert try_("xiaoming", PASSWORDS["xiaoming"]) == 200


def test_simultaneous_sprays_are_counted_exactly(app: Flask, api: ApiClient,
                                                 frozen_clock) -> None:
    limit = runtime_of(app).settings.sign_in_address_limit
    statuses = _simultaneous_sign_ins(app, [{"username": f"name{i}", "password": "x"}
                                            for i in range(limit + 6)])
    assert sorted(statuses) == [401] * limit + [429] * 6, statuses

"""Behind reverse proxies (``trusted_proxy_count``) the client address and scheme come from
X-Forwarded-For/-Proto; without that setting those headers are ignored, as anyone can send them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from api import create_app
from config import Settings
from models import SignInAttempt, db
from workflows.identity.sign_in import FREE_FAILURES

PROXY = "10.0.0.5"  # the socket peer: the proxy itself


@pytest.fixture()
def app_behind(settings: Settings, clean_db: None) -> Callable[[int], Flask]:
    """A second app on the test database, trusting ``count`` proxies, with a probe route."""

    def build(count: int) -> Flask:
        app = create_app(settings.replace(trusted_proxy_count=count))

        @app.get("/_probe")
        def probe() -> dict[str, str | None]:
            return {"client": request.remote_addr, "scheme": request.scheme}

        return app

    return build


def _sign_in(client: FlaskClient, password: str, forwarded_for: str) -> TestResponse:
    return client.post("/api/v1/auth/token", json={"username": "xiaoming", "password": password},
                       headers={"X-Forwarded-For": forwarded_for},
                       environ_base={"REMOTE_ADDR": PROXY})


def _lock_out(client: FlaskClient, forwarded_for: str) -> None:
    for _ in range(FREE_FAILURES):  # the last of them locks the pair
        assert _sign_in(client, "wrong", forwarded_for).status_code == 401


def test_one_trusted_proxy_gives_the_client_address_and_scheme(
        app_behind: Callable[[int], Flask]) -> None:
    client = app_behind(1).test_client()
    seen = client.get("/_probe", environ_base={"REMOTE_ADDR": PROXY}, headers={
        "X-Forwarded-For": "198.51.100.1, 203.0.113.7", "X-Forwarded-Proto": "https"})
    # One proxy: only the address it appended counts, not what the client claimed before it.
    assert seen.get_json() == {"client": "203.0.113.7", "scheme": "https"}


def test_sign_in_throttling_sees_the_real_client_behind_the_proxy(
        app_behind: Callable[[int], Flask]) -> None:
    app = app_behind(1)
    client = app.test_client()
    _lock_out(client, "203.0.113.7")
    locked = _sign_in(client, "xiaoming123", "203.0.113.7")
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    # Another client behind the same proxy is not locked out by the first one's guesses.
    assert _sign_in(client, "xiaoming123", "203.0.113.8").status_code == 200
    with app.app_context():
        clients = {row.client for row in db.session.query(SignInAttempt)}
    assert clients == {"203.0.113.7"}


def test_without_trusted_proxies_forwarded_headers_are_ignored(
        app_behind: Callable[[int], Flask]) -> None:
    client = app_behind(0).test_client()
    seen = client.get("/_probe", environ_base={"REMOTE_ADDR": PROXY}, headers={
        "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
    assert seen.get_json() == {"client": PROXY, "scheme": "http"}
    _lock_out(client, "203.0.113.7")
    # A forged X-Forwarded-For does not escape the lockout: the peer address is what counts.
    assert _sign_in(client, "xiaoming123", "198.51.100.99").status_code == 429

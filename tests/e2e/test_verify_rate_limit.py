"""Public certificate verification is limited per client address, across processes.

The count lives in the database, so two apps on one database (two gunicorn processes) share
it. Time moves with the frozen clock: windows are fixed minutes (09:00:00 is a window start).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from api import create_app
from config import Settings
from tests.api_client import ApiClient
from workflows.core.clock import FrozenClock
from workflows.core.runtime import runtime_of

URL = "/api/v1/certificates/verify"
QUERY = {"certificate_no": "CF320120265000001", "holder_name": "小明"}


def _verify(client: FlaskClient, address: str = "203.0.113.7") -> TestResponse:
    return client.get(URL, query_string=QUERY, environ_base={"REMOTE_ADDR": address})


@pytest.fixture()
def limited(settings: Settings, clean_db: None, frozen_clock: FrozenClock
            ) -> Callable[[], Flask]:
    """Apps ("processes") on the test database allowing 3 verifications a minute, each at the
    frozen time."""

    def make() -> Flask:
        app = create_app(settings.replace(verify_rate_limit=3, verify_rate_window_s=60))
        runtime_of(app).clock = frozen_clock
        return app

    return make


def _assert_limited(response: TestResponse, retry_after: int) -> dict[str, Any]:
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == str(retry_after)
    body = response.get_json()
    assert body["status"] == 429 and body["title"] == "Too many requests"
    assert "3 requests per 60 s" in body["detail"]
    return body


def test_past_the_limit_a_client_gets_429_with_retry_after_until_the_window_ends(
        limited: Callable[[], Flask], frozen_clock: FrozenClock) -> None:
    client = limited().test_client()
    assert [_verify(client).status_code for _ in range(3)] == [200, 200, 200]
    _assert_limited(_verify(client), retry_after=60)
    assert _verify(client, "198.51.100.2").status_code == 200  # another address: its own count
    frozen_clock.advance(seconds=45)
    _assert_limited(_verify(client), retry_after=15)
    frozen_clock.advance(seconds=15)  # a new window
    assert _verify(client).status_code == 200


def test_the_count_is_shared_by_every_process_on_the_database(
        limited: Callable[[], Flask]) -> None:
    first, second = limited().test_client(), limited().test_client()
    assert [_verify(c).status_code for c in (first, second, first)] == [200, 200, 200]
    _assert_limited(_verify(second), retry_after=60)


def test_the_default_allows_30_a_minute(api: ApiClient, frozen_clock: FrozenClock) -> None:
    statuses = [_verify(api.client).status_code for _ in range(31)]
    assert statuses == [200] * 30 + [429]
    # Signing in is no way around it: the limit is per address, for everyone.
    assert api.get(URL, as_="admin", query_string=QUERY,
                   environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 429


def test_the_limit_and_its_answer_are_documented(api: ApiClient) -> None:
    document = api.client.get("/api/openapi.json").get_json()
    responses = document["paths"][URL]["get"]["responses"]
    assert {"200", "422", "429"} <= set(responses)

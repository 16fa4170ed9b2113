"""Helpers for tests of timers, messages and service tasks: deploy fixtures, move time, fire."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from tests.api_client import ApiClient
from workflows.core.clock import FrozenClock

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def deploy_fixture(api: ApiClient, name: str) -> dict[str, Any]:
    response = api.deploy_files({name: (FIXTURES / name).read_bytes()})
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def move_to(api: ApiClient, clock: FrozenClock, when: datetime) -> None:
    """Set the clock; signed-in tokens expire with time, so everyone signs in again."""
    assert when >= clock.now, "time only moves forward"
    clock.now = when
    api._tokens.clear()


def advance(api: ApiClient, clock: FrozenClock, **delta: float) -> None:
    clock.advance(**delta)
    api._tokens.clear()


def fire_due(api: ApiClient) -> dict[str, Any]:
    """What the periodic job does, through the admin endpoint."""
    response = api.post("/api/v1/timers/fire-due", as_="admin")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def timers(api: ApiClient, instance_id: int, **query: Any) -> list[dict[str, Any]]:
    response = api.get("/api/v1/timers", as_="admin",
                       query_string={"instance_id": instance_id, **query})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def send_message(api: ApiClient, name: str, business_key: str, *, as_: str = "admin",
                 **payload: Any) -> Any:
    return api.post("/api/v1/messages", as_=as_,
                    json={"name": name, "business_key": business_key, "payload": payload})


def notifications(api: ApiClient, user: str, **query: Any) -> list[dict[str, Any]]:
    response = api.get("/api/v1/notifications", as_=user, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [e["kind"] for e in events]

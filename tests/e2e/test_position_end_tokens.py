"""Ending a staff member's last position over HTTP: their old token is refused on the next
request and the group of that position is gone; a second position, or an end still to come,
keeps the token working; an end given ahead revokes at the first sweep of the day after; the
year-end rollover ending the last position revokes too."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from flask import Flask

from config import Settings
from models import db
from tests.api_client import PASSWORDS, ApiClient
from worker import jobs
from workflows.core.clock import FrozenClock
from workflows.core.runtime import Runtime
from workflows.core.unit_of_work import units_of


def card(api: ApiClient, name: str) -> dict[str, Any]:
    [person] = api.get("/api/v1/admin/people", as_="admin", query_string={"q": name}).get_json()
    return dict(person)


def old_token(api: ApiClient, username: str) -> dict[str, str]:
    response = api.client.post("/api/v1/auth/token", json={
        "username": username, "password": PASSWORDS[username]})
    assert response.status_code == 200, response.get_json()
    headers = {"Authorization": f"Bearer {response.get_json()['access_token']}"}
    assert api.client.get("/api/v1/me", headers=headers).status_code == 200
    return headers


def me(api: ApiClient, username: str) -> dict[str, Any]:
    response = api.client.get("/api/v1/me", headers=old_token(api, username))
    return dict(response.get_json())


def end(api: ApiClient, position_id: int, **body: str) -> None:
    response = api.post(f"/api/v1/admin/positions/{position_id}/end", as_="admin", json=body)
    assert response.status_code == 204, response.get_json()


def last_end(api: ApiClient, person_id: int) -> dict[str, Any]:
    changes = api.get("/api/v1/directory/history", as_="auditor",
                      query_string={"person_id": person_id}).get_json()
    assert changes["intact"] is True
    assert changes["changes"][0]["kind"] == "position_ended"
    return dict(changes["changes"][0])


def test_ending_the_last_position_refuses_the_old_token_at_once(api: ApiClient) -> None:
    person = card(api, "李主任")
    [position] = person["positions"]
    assert "class_office" in me(api, "li")["groups"]
    headers = old_token(api, "li")
    end(api, position["id"])
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401
    entry = last_end(api, person["id"])
    assert entry["after"]["tokens_revoked"] is True
    assert entry["after"]["groups_left"] == ["class_office"]
    again = me(api, "li")  # still employed: signs in again, without the position's group
    assert "class_office" not in again["groups"]


def test_with_another_position_the_token_keeps_working(api: ApiClient) -> None:
    person = card(api, "陈审核")
    assert len(person["positions"]) >= 2
    headers = old_token(api, "chen")
    ended = person["positions"][0]
    end(api, ended["id"])
    assert api.client.get("/api/v1/me", headers=headers).status_code == 200
    assert "tokens_revoked" not in last_end(api, person["id"])["after"]


def test_an_end_still_to_come_keeps_the_token_until_then(api: ApiClient) -> None:
    person = card(api, "李主任")
    [position] = person["positions"]
    headers = old_token(api, "li")
    end(api, position["id"], valid_to=api.today().isoformat())  # held through today
    assert api.client.get("/api/v1/me", headers=headers).status_code == 200
    assert "class_office" in me(api, "li")["groups"]
    assert "tokens_revoked" not in last_end(api, person["id"])["after"]


def sweep(app: Flask, runtime: Runtime, settings: Settings, count: str = "tokens_revoked") -> int:
    """The periodic sweep as the schedule runs it; its ``count`` (by default how many people
    lost their tokens)."""
    with app.app_context():
        try:
            return int(jobs.sweep(units_of(runtime), settings)[count])
        finally:
            db.session.remove()


def test_an_end_given_ahead_revokes_at_the_first_sweep_of_the_day_after(
        api: ApiClient, app: Flask, runtime: Runtime, settings: Settings,
        frozen_clock: FrozenClock) -> None:
    zone = runtime.calendar.zone
    last_day = datetime.now(zone).date()
    frozen_clock.now = datetime.combine(last_day, time(20, 0), zone)
    person = card(api, "李主任")
    [position] = person["positions"]
    headers = old_token(api, "li")
    end(api, position["id"], valid_to=last_day.isoformat())
    assert sweep(app, runtime, settings) == 0
    assert api.client.get("/api/v1/me", headers=headers).status_code == 200
    frozen_clock.advance(hours=5)  # 01:00 the day after; the token has not expired yet
    assert api.client.get("/api/v1/me", headers=headers).status_code == 200
    assert sweep(app, runtime, settings) == 1
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401
    changes = api.get("/api/v1/directory/history", as_="auditor",
                      query_string={"person_id": person["id"]}).get_json()
    assert changes["intact"] is True
    lapsed = changes["changes"][0]
    assert (lapsed["kind"], lapsed["actor_name"]) == ("tokens_revoked", None)
    assert lapsed["after"] == {"tokens_revoked": True, "groups_left": ["class_office"]}
    assert "class_office" not in me(api, "li")["groups"]
    assert sweep(app, runtime, settings) == 0  # done once


def test_the_rollover_ending_the_last_position_revokes(api: ApiClient) -> None:
    person = card(api, "李主任")
    headers = old_token(api, "li")
    body = {"on": (api.today() - timedelta(days=1)).isoformat(), "end_roles": ["class_office"]}
    preview = api.post("/api/v1/admin/rollover/preview", as_="admin", json=body)
    assert preview.status_code == 200, preview.get_json()
    plan = preview.get_json()
    assert person["id"] in {row["person_id"] for row in plan["positions"]}
    done = api.post("/api/v1/admin/rollover/confirm", as_="admin",
                    json={**body, "digest": plan["digest"]})
    assert done.status_code == 200, done.get_json()
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401
    assert last_end(api, person["id"])["after"]["tokens_revoked"] is True

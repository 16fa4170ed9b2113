"""Giving a staff member a position over HTTP gives their account the group of its role: at
once when it holds today (the old token's next request carries it, the history entry says
so), and for a position given ahead only at the first sweep of its first day."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from flask import Flask

from config import Settings
from tests.api_client import ApiClient
from tests.e2e.test_position_end_tokens import card, old_token
from tests.e2e.test_position_end_tokens import sweep as end_sweep
from workflows.core.clock import FrozenClock
from workflows.core.runtime import Runtime


def centre(api: ApiClient) -> int:
    [root] = api.get("/api/v1/directory/units", as_="admin").get_json()
    return int(root["id"])


def groups(api: ApiClient, headers: dict[str, str]) -> set[str]:
    response = api.client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200, response.get_json()
    return set(response.get_json()["groups"])


def give(api: ApiClient, person_id: int, role: str, **dates: str) -> None:
    response = api.post(f"/api/v1/admin/people/{person_id}/positions", as_="admin",
                        json={"unit_id": centre(api), "role": role, **dates})
    assert response.status_code == 201, response.get_json()


def newest(api: ApiClient, person_id: int) -> dict[str, Any]:
    changes = api.get("/api/v1/directory/history", as_="auditor",
                      query_string={"person_id": person_id}).get_json()
    assert changes["intact"] is True
    return dict(changes["changes"][0])


def sweep(app: Flask, runtime: Runtime, settings: Settings) -> int:
    """The periodic sweep as the schedule runs it; how many positions gave their group."""
    return end_sweep(app, runtime, settings, "groups_joined")


def test_a_position_given_today_gives_its_group_to_the_next_request(api: ApiClient) -> None:
    person = card(api, "王老师")
    headers = old_token(api, "wang")
    assert "eligibility_reviewer" not in groups(api, headers)
    give(api, person["id"], "eligibility_reviewer")
    assert "eligibility_reviewer" in groups(api, headers)
    entry = newest(api, person["id"])
    assert entry["kind"] == "position_added"
    assert entry["after"]["groups_joined"] == ["eligibility_reviewer"]
    give(api, person["id"], "eligibility_reviewer")  # a second one: already a member
    assert "groups_joined" not in newest(api, person["id"])["after"]


def test_an_appointment_today_gives_its_group(api: ApiClient) -> None:
    person = card(api, "王老师")
    headers = old_token(api, "wang")
    assert "exam_admin" not in groups(api, headers)
    response = api.post(f"/api/v1/directory/units/{centre(api)}/positions", as_="admin",
                        json={"person_id": person["id"], "role": "exam_admin"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["groups_joined"] == ["exam_admin"]
    assert "exam_admin" in groups(api, headers)


def test_an_appointment_from_tomorrow_gives_nothing_today(api: ApiClient) -> None:
    person = card(api, "王老师")
    headers = old_token(api, "wang")
    tomorrow = (api.today() + timedelta(days=1)).isoformat()
    response = api.post(f"/api/v1/directory/units/{centre(api)}/positions", as_="admin",
                        json={"person_id": person["id"], "role": "exam_admin",
                              "valid_from": tomorrow})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["groups_joined"] == []
    assert "exam_admin" not in groups(api, headers)


def test_a_position_from_tomorrow_gives_its_group_at_that_days_sweep(
        api: ApiClient, app: Flask, runtime: Runtime, settings: Settings,
        frozen_clock: FrozenClock) -> None:
    zone = runtime.calendar.zone
    day_before = datetime.now(zone).date()
    frozen_clock.now = datetime.combine(day_before, time(20, 0), zone)
    person = card(api, "王老师")
    headers = old_token(api, "wang")
    give(api, person["id"], "eligibility_reviewer",
         valid_from=(day_before + timedelta(days=1)).isoformat())
    assert "groups_joined" not in newest(api, person["id"])["after"]
    assert sweep(app, runtime, settings) == 0
    assert "eligibility_reviewer" not in groups(api, headers)
    frozen_clock.advance(hours=5)  # 01:00 on the first day; the token has not expired yet
    assert "eligibility_reviewer" not in groups(api, headers)  # the sweep gives it
    assert sweep(app, runtime, settings) == 1
    assert "eligibility_reviewer" in groups(api, headers)
    entry = newest(api, person["id"])
    assert (entry["kind"], entry["actor_name"]) == ("groups_joined", None)
    assert entry["kind_name"] == "岗位生效，加入岗位用户组"
    assert entry["after"] == {"groups_joined": ["eligibility_reviewer"]}
    assert sweep(app, runtime, settings) == 0  # done once

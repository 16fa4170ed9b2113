"""``certflow seed-demo`` leaves one incident for the administrator to find and retry."""

from __future__ import annotations

from flask import Flask

from api.demo_incident import KEY, LEFT_THE_SCHOOL, seed_incident
from tests.api_client import ApiClient


def test_the_demo_has_an_open_incident_with_its_cause(api: ApiClient, app: Flask) -> None:
    with app.app_context():
        assert seed_incident() is True
        assert seed_incident() is False  # once
    incidents = api.get("/api/v1/incidents", as_="admin",
                        query_string={"status": "open"}).get_json()["items"]
    [incident] = incidents
    assert incident["operation"] == "certflow.notify"
    assert LEFT_THE_SCHOOL in incident["message"]
    case = api.get(f"/api/v1/instances/{incident['instance_id']}", as_="admin").get_json()
    assert (case["business_key"], case["status"]) == (KEY, "incident")

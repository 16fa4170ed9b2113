"""No input answers 500 and no stored row poisons a later read: lone surrogates, NaN and
infinities, numbers too large to store, and JSON nested 10,000 deep, on every JSON endpoint."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from api.openapi import CertflowBlueprint
from tests.api_client import ApiClient

PROBLEM = "application/problem+json"
LEAVE = {"process_id": "leave_approval", "business_key": "LV-HOSTILE"}
# Raw JSON literals: Python's json module cannot write most of them, an attacker can.
HOSTILE_NUMBERS = ["NaN", "Infinity", "-Infinity", "1e400", "1" + "0" * 400, "9" * 5000]
SURROGATES = ['"\\ud800"', '"a\\udfffb"']


def post_raw(api: ApiClient, url: str, text: str, *, as_: str | None) -> Any:
    return api.post(url, as_=as_, data=text.encode(), content_type="application/json")


def assert_refused(response: Any, reason: str) -> None:
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.mimetype == PROBLEM
    assert reason in json.dumps(response.get_json(), ensure_ascii=False), response.get_json()


def json_operations(app: Flask) -> list[tuple[str, str]]:
    """(method, path) of every operation whose request body is JSON, from the live document."""
    document = app.test_client().get("/api/openapi.json").get_json()
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                found.append((method.upper(), path.replace("{", "<").replace("}", ">")))
    return found


@pytest.mark.parametrize("literal", SURROGATES)
def test_a_lone_surrogate_in_the_unauthenticated_sign_in_is_422(api: ApiClient,
                                                                literal: str) -> None:
    for body in (f'{{"username": {literal}, "password": "x"}}',
                 f'{{"username": "zhang", "password": {literal}}}',
                 f'{{{literal}: "zhang", "username": "zhang", "password": "x"}}'):
        assert_refused(post_raw(api, "/api/v1/auth/token", body, as_=None), "surrogate")


@pytest.mark.parametrize("literal", HOSTILE_NUMBERS)
def test_numbers_that_cannot_be_stored_in_a_form_field_are_422_and_store_nothing(
        app: Flask, leave_api: ApiClient, literal: str) -> None:
    body = (f'{{"process_id": "leave_approval", "business_key": "LV-N", "data": '
            f'{{"sessions": [{literal}], "leave_type": "personal", "reason": "x"}}}}')
    response = post_raw(leave_api, "/api/v1/instances", body, as_="xiaoming")
    assert_refused(response, "number" if "N" in literal or "e" in literal or "I" in literal
                   else "integer")
    assert leave_api.get("/api/v1/instances", as_="admin").get_json()["items"] == []


def test_a_form_with_a_surrogate_or_nan_inside_a_task_completion_is_422(
        leave_api: ApiClient) -> None:
    started = leave_api.start_leave(as_="xiaoming", days=1, leave_type="personal",
                              reason="家中有事需要处理")
    task_id = leave_api.inbox(as_="zhang")["items"][0]["id"]
    assert leave_api.claim(task_id, as_="zhang").status_code == 200
    for value in ('"同意\\ud83d"', "NaN", "1e999"):
        response = post_raw(leave_api, f"/api/v1/tasks/{task_id}/complete",
                            f'{{"data": {{"approved": true, "comment": {value}}}}}', as_="zhang")
        assert_refused(response, "")
    events = leave_api.get(f"/api/v1/instances/{started.get_json()['id']}/events",
                           as_="admin").get_json()
    assert [e["kind"] for e in events].count("task_completed") == 0


def _path_value(match: re.Match[str]) -> str:
    """A value the path's converter accepts: a year, a day, or else an id."""
    name = match.group(0).strip("<>").rsplit(":", 1)[-1]
    return {"year": "2026", "day": "2026-10-01"}.get(name, "1")


def test_every_json_endpoint_refuses_hostile_bodies(app: Flask, leave_api: ApiClient) -> None:
    operations = json_operations(app)
    assert ("POST", "/api/v1/messages") in operations
    assert ("POST", "/api/v1/batch/complete") in operations
    bodies = {"nested 10,000 deep": "[" * 10_000 + "]" * 10_000,
              "nested 33 deep in a value": '{"data": ' + "[" * 33 + "]" * 33 + "}",
              "5,000-digit integer": '{"items": [{"task_id": ' + "7" * 5000 + "}]}",
              "NaN": '{"data": {"x": NaN}}', "surrogate": '{"name": "\\ud800"}'}
    for method, path in operations:
        url = re.sub(r"<[^>]+>", _path_value, path)  # every id, year or day in the path
        for name, body in bodies.items():
            response = leave_api.client.open(url, method=method, data=body.encode(),
                                             content_type="application/json",
                                             headers=leave_api.headers("admin"))
            assert response.status_code == 422, (method, path, name, response.get_json())
            assert response.mimetype == PROBLEM


def test_a_message_with_a_lone_surrogate_is_refused_not_stored(leave_api: ApiClient) -> None:
    response = post_raw(leave_api, "/api/v1/messages",
                        '{"name": "objection", "business_key": "GS-1", '
                        '"payload": {"reason": "\\ud800"}}', as_="admin")
    assert_refused(response, "surrogate")
    assert leave_api.get("/api/v1/messages/unmatched", as_="admin").get_json() == []


def test_rows_stored_before_these_checks_are_still_read(app: Flask, leave_api: ApiClient) -> None:
    """A surrogate stored earlier is sent escaped (valid JSON), never a 500 for everyone."""
    from models import UnmatchedMessage, db

    with app.app_context():
        db.session.execute(sa.insert(UnmatchedMessage).values(
            message_name="objection", business_key="GS-OLD", received_at=datetime.now(UTC),
            payload={"reason": "bad \ud800 text"}))
        db.session.commit()
    response = leave_api.get("/api/v1/messages/unmatched", as_="admin")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_data().isascii()  # the surrogate escaped: valid JSON, valid UTF-8
    assert response.get_json()[0]["payload"] == {"reason": "bad \ud800 text"}


def test_every_blueprint_is_a_certflow_blueprint(app: Flask) -> None:
    """One base class: every blueprint parses its bodies with the same guards."""
    assert app.blueprints
    for name, blueprint in app.blueprints.items():
        assert isinstance(blueprint, CertflowBlueprint), name


def test_a_batch_item_carries_the_problem_the_single_call_gives(leave_api: ApiClient) -> None:
    leave_api.start_leave(as_="xiaoming", days=1, leave_type="personal",
                    reason="家中有事需要处理")
    task_id = leave_api.inbox(as_="zhang")["items"][0]["id"]
    assert leave_api.claim(task_id, as_="wang").status_code == 200
    # A batch item is 办理 (claim if free, then complete), as one request of its own would be.
    single = leave_api.post(f"/api/v1/tasks/{task_id}/complete?claim=true", as_="zhang",
                            json={"data": {"approved": True}})
    assert single.status_code == 409, single.get_json()
    batch = leave_api.post("/api/v1/batch/complete", as_="zhang",
                           json={"items": [{"task_id": task_id, "data": {"approved": True}}]})
    assert batch.status_code == 200, batch.get_json()
    item = batch.get_json()["results"][0]
    assert item["status"] == 409, item
    assert item["problem"] == single.get_json()
    assert item["problem"]["type"].endswith("/task-already-claimed")


def test_one_renderer_keeps_claimed_by_and_the_slug_in_a_batch_item(
        app: Flask, leave_api: ApiClient) -> None:
    """The claim conflict, rendered for a batch item exactly as the single claim answers it."""
    from api.errors import domain_problem
    from workflows.core.errors import TaskAlreadyClaimed

    leave_api.start_leave(as_="xiaoming", days=1, leave_type="personal",
                    reason="家中有事需要处理")
    task_id = leave_api.inbox(as_="zhang")["items"][0]["id"]
    assert leave_api.claim(task_id, as_="wang").status_code == 200
    single = leave_api.claim(task_id, as_="zhang").get_json()
    error = TaskAlreadyClaimed(single["detail"], claimed_by=single["claimed_by"])
    with app.app_context():
        assert domain_problem(error) == (409, single)
    assert single["type"].endswith("/task-already-claimed")


def test_a_nan_stored_before_these_checks_is_sent_as_null(app: Flask,
                                                          leave_api: ApiClient) -> None:
    """SQLite kept NaN in instance data; the case view stays valid JSON (PostgreSQL's json
    type never accepted it)."""
    from models import ProcessInstance, db

    started = leave_api.start_leave(as_="xiaoming", days=1, leave_type="personal",
                              reason="家中有事需要处理").get_json()
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("only SQLite ever stored NaN")
        db.session.execute(sa.update(ProcessInstance).where(ProcessInstance.id == started["id"])
                           .values(data={**started["data"], "days": float("nan")}))
        db.session.commit()
    response = leave_api.get(f"/api/v1/instances/{started['id']}", as_="admin")
    assert response.status_code == 200
    assert json.loads(response.get_data(as_text=True))["data"]["days"] is None
    with app.app_context():  # as it was, or the replay check after each test objects
        db.session.execute(sa.update(ProcessInstance).where(ProcessInstance.id == started["id"])
                           .values(data=started["data"]))
        db.session.commit()

"""Auditors read everything and change nothing: 403 on every write endpoint the app has.

The table is the app's own URL map, so an endpoint added later is covered without editing this
test; the known write endpoints are listed too, so an empty table cannot pass silently.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from models import AuditAnchor, HumanTask, ProcessDefinition, ProcessEvent, ProcessInstance, db
from tests.api_client import ApiClient
from tests.conftest import ROOT
from tests.e2e.test_leave_approval import request_leave
from workflows.definitions.bundles import collect_bundle

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Signing in and out, and activating one's own account with its code, change nothing
# auditors are kept from changing.
EXEMPT_ENDPOINTS = {"auth.sign_in", "auth.logout", "auth.change_password", "auth.activate"}
MUST_INCLUDE = {
    ("POST", "/api/v1/definitions"), ("POST", "/api/v1/instances"),
    ("POST", "/api/v1/tasks/<int:task_id>/claim"), ("POST", "/api/v1/tasks/<int:task_id>/release"),
    ("POST", "/api/v1/tasks/<int:task_id>/complete"),
}


def write_endpoints(app: Flask) -> list[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXEMPT_ENDPOINTS:
            continue
        for method in (rule.methods or set()) & WRITE_METHODS:
            found.add((method, rule.rule))
    return sorted(found)


def test_the_table_holds_every_known_write_endpoint(app: Flask) -> None:
    assert set(write_endpoints(app)) >= MUST_INCLUDE


def _fill(rule: str, ids: dict[str, Any]) -> str:
    """Put real ids into a rule's variables (unknown names get a plausible value)."""
    def value(match: re.Match[str]) -> str:
        name = match.group(2)
        return str(ids.get(name, 1 if match.group(1) == "int" else "leave_approval"))

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", value, rule)


def _counts(app: Flask) -> dict[str, Any]:
    with app.app_context():
        counts = {model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(
            model)) for model in (ProcessDefinition, ProcessInstance, ProcessEvent, HumanTask,
                                  AuditAnchor)}
        counts["tasks"] = sorted(db.session.execute(sa.select(
            HumanTask.id, HumanTask.status, HumanTask.assignee_id)).all())
        db.session.remove()
        return counts


@pytest.fixture()
def world(leave_api: ApiClient) -> dict[str, Any]:
    instance = request_leave(leave_api, 1)
    task = instance["open_tasks"][0]
    return {"instance_id": instance["id"], "task_id": task["id"], "id": instance["id"],
            "process_id": "leave_approval", "version": 1,
            "business_key": instance["business_key"]}


def test_auditors_get_403_on_every_write_endpoint_and_nothing_changes(
        app: Flask, leave_api: ApiClient, world: dict[str, Any]) -> None:
    before = _counts(app)
    bundle = collect_bundle(ROOT / "bpmn" / "leave_approval.bpmn")
    refused = []
    for method, rule in write_endpoints(app):
        url = _fill(rule, world)
        kwargs: dict[str, Any] = {"json": {"data": {"teacher_approved": True},
                                           "process_id": "leave_approval",
                                           "business_key": "AUDIT-1", "name": "x",
                                           "payload": {}}}
        if rule == "/api/v1/definitions":
            import io
            kwargs = {"data": {"files": [(io.BytesIO(c), n) for n, c in bundle.items()]},
                      "content_type": "multipart/form-data"}
        response = leave_api.client.open(url, method=method, headers=leave_api.headers("auditor"),
                                         **kwargs)
        assert response.status_code == 403, (method, url, response.get_json())
        assert response.mimetype == "application/problem+json"
        refused.append((method, rule))
    assert set(refused) >= MUST_INCLUDE
    assert _counts(app) == before


def test_the_same_writes_still_work_for_the_people_who_may(leave_api: ApiClient,
                                                           world: dict[str, Any]) -> None:
    """The guard is about the role, not the endpoints: a reviewer claims what the auditor
    could not, and an auditor's sign-in (a POST) works."""
    assert leave_api.claim(world["task_id"], as_="zhang").status_code == 200
    response = leave_api.client.post("/api/v1/auth/token", json={
        "username": "auditor", "password": "auditor123"})
    assert response.status_code == 200


def test_an_auditor_with_a_bad_token_still_gets_401_not_403(leave_api: ApiClient) -> None:
    response = leave_api.client.post("/api/v1/instances", json={},
                                     headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401

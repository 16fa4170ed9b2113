"""Service tasks: registered functions run after the commit, failures retry, then become an
incident an administrator retries after a fix; nothing is half-applied."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from models import ServiceJob, db
from tests.api_client import ApiClient
from tests.background_support import deploy_fixture, kinds
from workflows.automation.service_registry import Param, ServiceContext, service
from workflows.core.runtime import Runtime

CALLS: list[dict[str, Any]] = []
BEHAVIOUR: dict[str, Any] = {"fail": 0, "error": RuntimeError}


def lookup_certificate(ctx: ServiceContext, *, holder: str, level: int) -> dict[str, Any]:
    """A stand-in for the certificate register: fails while told to."""
    with db.engine.connect() as connection:  # a separate connection sees committed rows only
        job_status = connection.execute(sa.select(ServiceJob.status).where(
            ServiceJob.instance_id == ctx.instance_id)).scalar()
    CALLS.append({"holder": holder, "level": level, "attempt": ctx.attempt,
                  "job_visible_as": job_status})
    if BEHAVIOUR["fail"] > 0:
        BEHAVIOUR["fail"] -= 1
        raise BEHAVIOUR["error"]("certificate register unavailable")
    return {"number": f"CERT-{level}-{holder}", "level": level}


@pytest.fixture()
def service_api(api: ApiClient, runtime: Runtime) -> Iterator[ApiClient]:
    CALLS.clear()
    BEHAVIOUR.update(fail=0, error=RuntimeError)
    runtime.services.add(service("tests.lookup_certificate",
                                 params={"holder": "str", "level": Param("int")})(
        lookup_certificate))
    deploy_fixture(api, "service_call.bpmn")
    yield api
    runtime.services.remove("tests.lookup_certificate")


def start(api: ApiClient, **data: Any) -> dict[str, Any]:
    response = api.start("service_call", as_="xiaoming", **data)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_service_task_runs_after_the_commit_and_its_result_is_process_data(
        service_api: ApiClient) -> None:
    instance = start(service_api, holder="小明", level=3)
    assert CALLS == [{"holder": "小明", "level": 3, "attempt": 1, "job_visible_as": "queued"}]
    assert instance["open_tasks"][0]["task_name"] == "check"  # embedded: ran in-process
    assert instance["data"]["certificate"] == {"number": "CERT-3-小明", "level": 3}
    events = service_api.events(instance["id"])
    done = next(e for e in events if e["kind"] == "service_task_completed")
    assert done["task_name"] == "lookup_certificate"
    assert done["payload"]["params"] == {"holder": "小明", "level": 3}
    assert done["payload"]["result"] == {"number": "CERT-3-小明", "level": 3}
    assert kinds(events).index("service_task_completed") < kinds(events).index("task_ready")


def test_failures_are_retried_then_an_incident_that_an_admin_retries_after_a_fix(
        service_api: ApiClient) -> None:
    BEHAVIOUR["fail"] = 99
    instance = start(service_api, holder="小红", level=4)
    assert [c["attempt"] for c in CALLS] == [1, 2, 3, 4]  # first try + 3 retries
    view = service_api.instance(instance["id"])
    assert view["status"] == "incident" and view["open_tasks"] == []
    assert "certificate" not in view["data"]  # no half-applied step
    assert view["error"]["operation"] == "tests.lookup_certificate"
    listed = service_api.get("/api/v1/incidents", as_="admin",
                             query_string={"status": "open"}).get_json()
    [incident] = listed["items"]
    assert incident["id"] == view["error"]["incident_id"]
    assert (incident["attempts"], incident["error_type"]) == (4, "RuntimeError")
    assert incident["message"] == "certificate register unavailable"
    assert any(f["function"] == "lookup_certificate" for f in incident["stack"])
    events = service_api.events(instance["id"])
    failed = [e["payload"] for e in events if e["kind"] == "service_task_failed"]
    assert [(f["attempt"], f["will_retry"]) for f in failed] == [
        (1, True), (2, True), (3, True), (4, False)]
    assert kinds(events)[-1] == "incident_raised"
    listing = service_api.get("/api/v1/instances", as_="admin",
                              query_string={"status": "incident"}).get_json()
    assert [i["id"] for i in listing["items"]] == [instance["id"]]

    assert service_api.post(f"/api/v1/incidents/{incident['id']}/retry",
                            as_="zhang").status_code == 403
    BEHAVIOUR["fail"] = 0  # the register is back
    retried = service_api.post(f"/api/v1/incidents/{incident['id']}/retry", as_="admin")
    assert retried.status_code == 200, retried.get_json()
    assert retried.get_json()["status"] == "retried"
    after = service_api.instance(instance["id"])
    assert after["status"] == "running" and after["error"] is None
    assert after["open_tasks"][0]["task_name"] == "check"
    assert after["data"]["certificate"]["number"] == "CERT-4-小红"
    events = service_api.events(instance["id"])
    retry = next(e for e in events if e["kind"] == "incident_retried")
    assert retry["actor_id"] is not None
    assert retry["payload"]["previous_error"] == "certificate register unavailable"
    assert kinds(events).index("incident_retried") < kinds(events).index(
        "service_task_completed")
    again = service_api.post(f"/api/v1/incidents/{incident['id']}/retry", as_="admin")
    assert again.status_code == 409


def test_wrong_inputs_are_an_incident_at_once_and_a_fixed_function_is_retried(
        service_api: ApiClient, runtime: Runtime) -> None:
    instance = start(service_api, holder="小明", level="三级")  # level must be an int
    assert CALLS == []  # refused before the function runs, and never retried
    [incident] = service_api.get("/api/v1/incidents", as_="admin").get_json()["items"]
    assert (incident["error_type"], incident["attempts"]) == ("ServiceCallRefused", 1)
    assert "'level' must be int" in incident["message"]
    assert service_api.get(f"/api/v1/incidents/{incident['id']}",
                           as_="auditor").status_code == 200
    assert service_api.get("/api/v1/incidents", as_="xiaoming").status_code == 403

    # The fix: a new release of the function that also accepts written levels.
    runtime.services.add(service("tests.lookup_certificate",
                                 params={"holder": "str", "level": "any"})(lookup_certificate))
    service_api.post(f"/api/v1/incidents/{incident['id']}/retry", as_="admin")
    after = service_api.instance(instance["id"])
    assert after["status"] == "running"
    assert after["data"]["certificate"]["number"] == "CERT-三级-小明"


def test_an_unknown_operation_is_an_incident(service_api: ApiClient, runtime: Runtime) -> None:
    runtime.services.remove("tests.lookup_certificate")
    instance = start(service_api, holder="小明", level=3)
    view = service_api.instance(instance["id"])
    assert view["status"] == "incident"
    assert "no service function is registered" in view["error"]["message"]
    runtime.services.add(service("tests.lookup_certificate",
                                 params={"holder": "str", "level": "int"})(lookup_certificate))
    service_api.post(f"/api/v1/incidents/{view['error']['incident_id']}/retry", as_="admin")
    assert service_api.instance(instance["id"])["status"] == "running"
